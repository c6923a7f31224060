import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime, utf8Length } from '../format';
import { useI18n, type MsgKey } from '../i18n';
import type { GroupEditable, GroupMember, GroupProfile, GroupRole, InvitePolicy, JoinPolicy, PublicProfile } from '../proto/types';
import { displayName, myGroups } from '../state/store';
import { Avatar, Confirm, Modal, OpenChatButton, PresenceLabel, SearchForm, SidePanel, useAction, useRedrawWhenPassed } from './common';
import { useApi } from './session';

export function GroupsPanel({ activeId, onOpenGroup }: { activeId: number; onOpenGroup: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const groups = myGroups(api.state);
  if (!groups.length) return <p className="empty">{t('group.none')}</p>;
  return (
    <ul className="list" aria-label={t('tabs.groups')}>
      {groups.map((c) => {
        const name = c.group?.name ?? `#${c.conversation_id}`;
        const role = c.group?.role;
        return (
          <li key={c.conversation_id}>
            <button type="button" className={`row${activeId === c.conversation_id ? ' active' : ''}`} aria-label={name} aria-current={activeId === c.conversation_id ? 'true' : undefined} onClick={() => onOpenGroup(c.conversation_id)} data-group-id={c.conversation_id}>
              <Avatar name={name} id={c.conversation_id} src={c.group?.avatar} />
              <span className="row-main">
                <span className="row-top">
                  <span className="row-title">{name}</span>
                  {role && role !== 'member' && <span className={`role-tag role-${role}`}>{t(`group.role.${role}`)}</span>}
                </span>
                <span className="row-sub">{t('group.number', { id: c.conversation_id })}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function GroupFields({ value, onChange, create }: { value: GroupEditable; onChange: (v: GroupEditable) => void; create?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('group.name')}
        <input value={value.name ?? ''} maxLength={60} required onChange={(e) => onChange({ ...value, name: e.target.value })} data-autofocus />
      </label>
      <label>
        {t('group.description')}
        <textarea value={value.description ?? ''} maxLength={500} rows={2} onChange={(e) => onChange({ ...value, description: e.target.value })} />
      </label>
      <label>
        {t('group.joinPolicy')}
        <select value={value.join_policy ?? 'approval'} onChange={(e) => onChange({ ...value, join_policy: e.target.value as JoinPolicy })}>
          {(['open', 'approval', 'invite'] as const).map((p) => (
            <option key={p} value={p}>
              {t(`group.policy.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('group.invitePolicy')}
        <select value={value.invite_policy ?? 'direct'} onChange={(e) => onChange({ ...value, invite_policy: e.target.value as InvitePolicy })}>
          {(['direct', 'approval'] as const).map((p) => (
            <option key={p} value={p}>
              {t(`group.invite.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('group.memberLimit')}
        <input type="number" min={2} max={10000} value={value.member_limit ?? 500} onChange={(e) => onChange({ ...value, member_limit: Number(e.target.value) })} />
      </label>
      {!create && (
        <label>
          {t('group.avatar')}
          <input value={value.avatar ?? ''} maxLength={512} onChange={(e) => onChange({ ...value, avatar: e.target.value })} />
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={!!value.full_history} onChange={(e) => onChange({ ...value, full_history: e.target.checked })} />
        {t('group.fullHistory')}
      </label>
    </>
  );
}

export function CreateGroupDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [v, setV] = useState<GroupEditable>({ name: '', description: '', join_policy: 'approval', invite_policy: 'direct', member_limit: 500, full_history: false });
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const g = await api.call('group_create', { ...v, name: (v.name ?? '').trim() });
      api.dispatch({ type: 'groupInfo', group: g });
      await api.refreshConversations();
      onCreated(g.group_id);
    });
  };
  return (
    <Modal title={t('group.create')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <GroupFields value={v} onChange={setV} create />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t('group.create')}
        </button>
      </form>
    </Modal>
  );
}

export function JoinGroupDialog({ initial, onClose, onOpenGroup }: { initial?: GroupProfile; onClose: () => void; onOpenGroup: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [query, setQuery] = useState(initial ? String(initial.group_id) : '');
  const [results, setResults] = useState<GroupProfile[]>(initial ? [initial] : []);
  const [selected, setSelected] = useState<GroupProfile | null>(initial ?? null);
  const [note, setNote] = useState('');
  const [status, setStatus] = useState('');
  const search = useAction();
  const join = useAction();
  const mine = (id: number) => !!api.state.conversations[id] && !api.state.leftGroups[id];
  const find = (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    void search.run(async () => {
      const r = await api.call('group_search', { query: query.trim(), limit: 20 });
      setResults(r.groups);
      setSelected(r.groups.length === 1 ? r.groups[0] : null);
    });
  };
  return (
    <Modal title={t('group.join')} onClose={onClose}>
      <SearchForm label={t('group.joinQuery')} query={query} onQuery={setQuery} busy={search.busy} error={search.error} onSubmit={find} />
      <ul className="list picker" aria-label={t('search.publicGroups')}>
        {results.map((g) => (
          <li key={g.group_id}>
            <button type="button" className={`row${selected?.group_id === g.group_id ? ' active' : ''}`} aria-pressed={selected?.group_id === g.group_id} onClick={() => setSelected(g)}>
              <Avatar name={g.name} id={g.group_id} src={g.avatar} />
              <span className="row-main">
                <span className="row-title">{g.name}</span>
                <span className="row-sub">
                  {t('group.number', { id: g.group_id })} · {t('group.membersCount', { n: g.member_count })} · {t(`group.policy.${g.join_policy}`)}
                </span>
              </span>
            </button>
          </li>
        ))}
        {!search.busy && !results.length && query && !initial && <li className="muted small pad">{t('search.none')}</li>}
      </ul>
      {selected && selected.description && <p className="small">{selected.description}</p>}
      {selected && mine(selected.group_id) && (
        <OpenChatButton label={t('group.chat')} onClose={onClose} onOpen={() => onOpenGroup(selected.group_id)} />
      )}
      {selected && !mine(selected.group_id) && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void join.run(async () => {
              const r = await api.call('group_join', { group_id: selected.group_id, ...(note.trim() ? { note: note.trim() } : {}) });
              if (r.status === 'joined') {
                setStatus(t('group.joined'));
                await api.refreshConversations();
              } else {
                setStatus(t('group.pending'));
                void api.refreshGroupRequests().catch(() => {});
              }
            });
          }}
        >
          {selected.join_policy === 'approval' && (
            <label>
              {t('group.joinNote')}
              <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
            </label>
          )}
          <button type="submit" className="primary" disabled={join.busy || selected.join_policy === 'invite'}>
            {t('group.requestJoin', { name: selected.name })}
          </button>
        </form>
      )}
      {join.error && <p className="error" role="alert">{join.error}</p>}
      {status && <p className="success" role="status">{status}</p>}
    </Modal>
  );
}

const roleRank: Record<GroupRole, number> = { owner: 0, admin: 1, member: 2 };

export function GroupInfoPanel({
  groupId,
  onClose,
  onOpenDirect,
  onAddFriend,
  onGone,
}: {
  groupId: number;
  onClose: () => void;
  onOpenDirect: (id: number) => void;
  onAddFriend: (u: PublicProfile) => void;
  onGone: () => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const g = state.groups[groupId];
  const members = [...(state.members[groupId] ?? [])].sort((a, b) => roleRank[a.role] - roleRank[b.role] || a.user_id - b.user_id);
  useRedrawWhenPassed(members.map((m) => m.muted_until));
  const me = members.find((m) => m.user_id === api.myId);
  const role: GroupRole | undefined = me?.role ?? g?.role;
  const privileged = role === 'owner' || role === 'admin';
  const [card, setCard] = useState(me?.card ?? '');
  const [edit, setEdit] = useState(false);
  const [invite, setInvite] = useState(false);
  const [member, setMember] = useState<GroupMember | null>(null);
  const [confirm, setConfirm] = useState<'leave' | 'dissolve' | null>(null);
  const { busy, error, run } = useAction();
  const [msg, setMsg] = useState('');
  const left = !!state.leftGroups[groupId];
  const requests = state.groupRequests.incoming.filter((r) => r.group_id === groupId);

  useEffect(() => setCard(me?.card ?? ''), [me?.card]);

  if (left) {
    return (
      <SidePanel title={t('group.info')} onClose={onClose}>
        <p className="pad">{t('group.gone')}</p>
      </SidePanel>
    );
  }

  const act = (f: () => Promise<unknown>, done?: string) =>
    void run(async () => {
      setMsg('');
      await f();
      await Promise.all([api.loadGroup(groupId), api.loadMembers(groupId)]);
      if (done) setMsg(done);
    });

  const answer = (requestId: number, accept: boolean) =>
    void run(async () => {
      setMsg('');
      const r = await api.respondGroup(requestId, accept);
      await Promise.all([api.loadGroup(groupId), api.loadMembers(groupId)]);
      if (r === 'decided') setMsg(t('notif.alreadyDecided'));
    });

  return (
    <SidePanel title={t('group.info')} onClose={onClose}>
      <div className="side-body">
        {g && (
          <div className="profile-head">
            <Avatar name={g.name} id={g.group_id} src={g.avatar} size="lg" />
            <div>
              <div className="strong">{g.name}</div>
              <div className="muted small">{t('group.number', { id: g.group_id })}</div>
              <div className="muted small">
                {t('group.membersCount', { n: g.member_count })} / {g.member_limit} · {t(`group.policy.${g.join_policy}`)}
              </div>
              {g.muted_all && <div className="tag warn">{t('group.mutedAllNow')}</div>}
            </div>
          </div>
        )}
        {g?.description && <p className="small pre">{g.description}</p>}
        <form
          className="form inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => api.call('group_card', { group_id: groupId, card: card.trim() }), t('common.saved'));
          }}
        >
          <label className="grow">
            {t('group.myCard')}
            <input value={card} maxLength={30} onChange={(e) => setCard(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            {t('group.saveCard')}
          </button>
        </form>
        <div className="button-row">
          <button type="button" onClick={() => setInvite(true)}>
            {t('group.invite')}
          </button>
          {privileged && (
            <button type="button" onClick={() => setEdit(true)}>
              {t('group.edit')}
            </button>
          )}
          {privileged && g && (
            <button type="button" onClick={() => act(() => api.call('group_mute_all', { group_id: groupId, muted: !g.muted_all }))}>
              {g.muted_all ? t('group.unmuteAll') : t('group.muteAll')}
            </button>
          )}
        </div>
        {privileged && requests.length > 0 && (
          <section>
            <h4>{t('group.requests')}</h4>
            <ul className="plain-list">
              {requests.map((r) => (
                <li key={r.request_id} className="cat-row">
                  <span className="grow small">
                    {r.inviter_id ? t('notif.groupInvite', { name: r.user.nickname, group: r.group_name }) : t('notif.groupRequest', { name: r.user.nickname, group: r.group_name })}
                    {r.note && <span className="muted"> · {r.note}</span>}
                  </span>
                  <button type="button" className="primary small" onClick={() => answer(r.request_id, true)}>
                    {t('notif.accept')}
                  </button>
                  <button type="button" className="small" onClick={() => answer(r.request_id, false)}>
                    {t('notif.reject')}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        {msg && !error && <p className="success" role="status">{msg}</p>}
        <section>
          <h4>
            {t('group.members')} ({members.length})
          </h4>
          <p className="muted small">{t('group.memberHint')}</p>
          <ul className="member-list" aria-label={t('group.members')}>
            {members.map((m) => {
              const dn = displayName(state, m.user_id, groupId);
              const muted = m.muted_until > Date.now();
              const mutedText = muted ? t('group.mutedUntil', { time: formatDateTime(m.muted_until) }) : '';
              const label = [t('group.memberActions', { name: dn }), m.role !== 'member' ? t(`group.role.${m.role}`) : '', mutedText].filter(Boolean).join(', ');
              return (
                <li key={m.user_id}>
                  <button type="button" className="member" onClick={() => setMember(m)} aria-label={label} data-user-id={m.user_id}>
                    <Avatar name={dn} id={m.user_id} src={m.avatar} size="sm" presence={m.presence} />
                    <span className="member-name">{dn}</span>
                    {m.role !== 'member' && <span className={`role-tag role-${m.role}`}>{t(`group.role.${m.role}`)}</span>}
                    {muted && (
                      <span className="tag warn small" title={mutedText}>
                        {t('group.mutedShort')}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
        <div className="button-row">
          {role !== 'owner' && (
            <button type="button" className="danger" onClick={() => setConfirm('leave')}>
              {t('group.leave')}
            </button>
          )}
          {role === 'owner' && (
            <button type="button" className="danger" onClick={() => setConfirm('dissolve')}>
              {t('group.dissolve')}
            </button>
          )}
        </div>
      </div>
      {edit && g && <EditGroupDialog group={g} onClose={() => setEdit(false)} />}
      {invite && <InviteDialog groupId={groupId} onClose={() => setInvite(false)} />}
      {member && (
        <MemberDialog
          groupId={groupId}
          member={members.find((x) => x.user_id === member.user_id) ?? member}
          myRole={role}
          onClose={() => setMember(null)}
          onChat={() => {
            setMember(null);
            onOpenDirect(member.user_id);
          }}
          onAddFriend={() => {
            setMember(null);
            onAddFriend({ user_id: member.user_id, username: member.username, nickname: member.nickname, avatar: member.avatar, signature: '', gender: 'unspecified', created_at: 0 });
          }}
        />
      )}
      {confirm && (
        <Confirm
          danger
          text={t(confirm === 'leave' ? 'group.confirmLeave' : 'group.confirmDissolve', { name: g?.name ?? '' })}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.call(confirm === 'leave' ? 'group_leave' : 'group_dissolve', { group_id: groupId });
            api.dispatch({ type: 'groupGone', group_id: groupId });
            onGone();
          }}
        />
      )}
    </SidePanel>
  );
}

function EditGroupDialog({ group, onClose }: { group: GroupProfile; onClose: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [v, setV] = useState<GroupEditable>({
    name: group.name,
    description: group.description,
    avatar: group.avatar,
    join_policy: group.join_policy,
    invite_policy: group.invite_policy,
    member_limit: group.member_limit,
    full_history: group.full_history,
  });
  const { busy, error, setError, run } = useAction();
  return (
    <Modal title={t('group.edit')} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (utf8Length(v.avatar ?? '') > 512) {
            setError(`${t('err.too_large')} ${t('err.field', { field: t('group.avatar') })}`);
            return;
          }
          const changed: GroupEditable = {};
          for (const k of Object.keys(v) as Array<keyof GroupEditable>) {
            if (v[k] !== group[k]) (changed as Record<string, unknown>)[k] = v[k];
          }
          void run(async () => {
            if (Object.keys(changed).length) {
              const g = await api.call('group_update', { group_id: group.group_id, ...changed });
              api.dispatch({ type: 'groupInfo', group: g });
              void api.refreshConversations().catch(() => {});
            }
            onClose();
          });
        }}
      >
        <GroupFields value={v} onChange={setV} />
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t('common.save')}
        </button>
      </form>
    </Modal>
  );
}

function InviteDialog({ groupId, onClose }: { groupId: number; onClose: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const memberIds = new Set((api.state.members[groupId] ?? []).map((m) => m.user_id));
  const candidates = Object.values(api.state.friends).filter((f) => !memberIds.has(f.user_id));
  const [who, setWho] = useState(candidates[0]?.user_id ?? 0);
  const [status, setStatus] = useState('');
  const { busy, error, run } = useAction();
  return (
    <Modal title={t('group.invite')} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const r = await api.call('group_invite', { group_id: groupId, user_id: who });
            if (r.status !== 'joined' && r.request_id) api.dispatch({ type: 'invited', request_id: r.request_id, user_id: who });
            setStatus(r.status === 'joined' ? t('group.joined') : t('group.pending'));
            void api.loadMembers(groupId);
          });
        }}
      >
        <label>
          {t('group.inviteWho')}
          <select value={who} onChange={(e) => setWho(Number(e.target.value))}>
            {candidates.map((f) => (
              <option key={f.user_id} value={f.user_id}>
                {displayName(api.state, f.user_id)} (@{f.username})
              </option>
            ))}
          </select>
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        {status && <p className="success" role="status">{status}</p>}
        <button type="submit" className="primary" disabled={busy || !who}>
          {t('group.invite')}
        </button>
      </form>
    </Modal>
  );
}

const DURATIONS: Array<[MsgKey, number]> = [
  ['group.dur.10m', 600],
  ['group.dur.1h', 3600],
  ['group.dur.12h', 43200],
  ['group.dur.1d', 86400],
  ['group.dur.7d', 604800],
  ['group.dur.30d', 2592000],
];

function MemberDialog({
  groupId,
  member,
  myRole,
  onClose,
  onChat,
  onAddFriend,
}: {
  groupId: number;
  member: GroupMember;
  myRole?: GroupRole;
  onClose: () => void;
  onChat: () => void;
  onAddFriend: () => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const dn = displayName(api.state, member.user_id, groupId);
  const [duration, setDuration] = useState(3600);
  const [confirm, setConfirm] = useState<'kick' | 'transfer' | null>(null);
  const { busy, error, run } = useAction();
  const self = member.user_id === api.myId;
  const isFriend = !!api.state.friends[member.user_id];
  const canModerate = !self && (myRole === 'owner' || (myRole === 'admin' && member.role === 'member'));
  useRedrawWhenPassed([member.muted_until]);
  const muted = member.muted_until > Date.now();
  const act = (f: () => Promise<unknown>) =>
    void run(async () => {
      await f();
      await Promise.all([api.loadMembers(groupId), api.loadGroup(groupId)]);
    });
  return (
    <Modal title={t('group.memberActions', { name: dn })} onClose={onClose}>
      <div className="profile-head">
        <Avatar name={dn} id={member.user_id} src={member.avatar} size="lg" presence={member.presence} />
        <div>
          <div className="strong">{dn}</div>
          <div className="muted small">
            {member.nickname} · @{member.username}
          </div>
          <div className="small">
            {t(`group.role.${member.role}`)} · <PresenceLabel presence={member.presence} />
          </div>
          {muted && <div className="tag warn small">{t('group.mutedUntil', { time: formatDateTime(member.muted_until) })}</div>}
        </div>
      </div>
      {!self && (
        <div className="button-row">
          <button type="button" className="primary" onClick={onChat} data-autofocus>
            {t('group.chat')}
          </button>
          {!isFriend && (
            <button type="button" onClick={onAddFriend}>
              {t('group.addFriend')}
            </button>
          )}
        </div>
      )}
      {canModerate && (
        <>
          <form
            className="form inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              act(() => api.call('group_mute', { group_id: groupId, user_id: member.user_id, duration_s: duration }));
            }}
          >
            <label className="grow">
              {t('group.muteFor')}
              <select value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
                {DURATIONS.map(([k, s]) => (
                  <option key={s} value={s}>
                    {t(k)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={busy}>
              {t('group.mute')}
            </button>
          </form>
          <div className="button-row">
            {muted && (
              <button type="button" onClick={() => act(() => api.call('group_unmute', { group_id: groupId, user_id: member.user_id }))}>
                {t('group.unmute')}
              </button>
            )}
            {myRole === 'owner' && (
              <button type="button" onClick={() => act(() => api.call('group_admin', { group_id: groupId, user_id: member.user_id, admin: member.role !== 'admin' }))}>
                {member.role === 'admin' ? t('group.removeAdmin') : t('group.makeAdmin')}
              </button>
            )}
            {myRole === 'owner' && (
              <button type="button" onClick={() => setConfirm('transfer')}>
                {t('group.transfer')}
              </button>
            )}
            <button type="button" className="danger" onClick={() => setConfirm('kick')}>
              {t('group.kick')}
            </button>
          </div>
        </>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {confirm === 'kick' && (
        <Confirm
          danger
          text={t('group.confirmKick', { name: dn })}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.call('group_kick', { group_id: groupId, user_id: member.user_id });
            await Promise.all([api.loadMembers(groupId), api.loadGroup(groupId)]);
            onClose();
          }}
        />
      )}
      {confirm === 'transfer' && (
        <Confirm
          danger
          text={t('group.confirmTransfer', { name: dn })}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.call('group_transfer', { group_id: groupId, user_id: member.user_id });
            await Promise.all([api.loadMembers(groupId), api.loadGroup(groupId), api.refreshConversations()]);
          }}
        />
      )}
    </Modal>
  );
}
