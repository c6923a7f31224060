import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime, truncateUtf8 } from '../format';
import { useI18n } from '../i18n';
import type { Category, Friend, PublicProfile } from '../proto/types';
import { displayName } from '../state/store';
import { Avatar, Confirm, Modal, OpenChatButton, PresenceLabel, SearchForm, SidePanel, useAction } from './common';
import { Icon } from './icons';
import { useApi } from './session';

export function categoryName(t: ReturnType<typeof useI18n>['t'], c: Category): string {
  return c.is_default ? t('friends.default') : c.name;
}

const presenceRank: Record<string, number> = { online: 0, busy: 1, away: 2, offline: 3, invisible: 3 };

export function FriendsPanel({ onOpenDirect }: { onOpenDirect: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const [collapsed, setCollapsed] = useState<Record<number, boolean>>({});
  const [actionsFor, setActionsFor] = useState<Friend | null>(null);
  const [manage, setManage] = useState(false);
  const friends = Object.values(state.friends);
  const cats = state.categories.length ? state.categories : [];
  return (
    <div className="friends-panel">
      <div className="panel-tools">
        <button type="button" className="link small" onClick={() => setManage(true)}>
          {t('friends.categories')}
        </button>
      </div>
      {!friends.length && <p className="empty">{t('friends.empty')}</p>}
      {cats.map((c) => {
        const list = friends
          .filter((f) => f.category_id === c.category_id)
          .sort((a, b) => (presenceRank[a.presence ?? 'offline'] ?? 3) - (presenceRank[b.presence ?? 'offline'] ?? 3) || displayName(state, a.user_id).localeCompare(displayName(state, b.user_id)));
        const online = list.filter((f) => f.presence && f.presence !== 'offline').length;
        const name = categoryName(t, c);
        const open = !collapsed[c.category_id];
        return (
          <section key={c.category_id} className="category">
            <h2>
              <button
                type="button"
                className="category-head"
                aria-expanded={open}
                aria-label={t('friends.toggle', { name })}
                onClick={() => setCollapsed({ ...collapsed, [c.category_id]: open })}
              >
                <span className={`chev${open ? ' open' : ''}`} aria-hidden="true">
                  <Icon name="chevron" />
                </span>
                <span className="category-name">{name}</span>
                <span className="muted small">{t('friends.count', { online, total: list.length })}</span>
              </button>
            </h2>
            {open && (
              <ul className="list">
                {list.map((f) => {
                  const dn = displayName(state, f.user_id);
                  return (
                    <li key={f.user_id} className="row-with-actions">
                      <button type="button" className="row" onClick={() => onOpenDirect(f.user_id)} onDoubleClick={() => onOpenDirect(f.user_id)} aria-label={`${dn}, ${t(`presence.${f.presence ?? 'offline'}`)}`} data-user-id={f.user_id}>
                        <Avatar name={dn} id={f.user_id} src={f.avatar} presence={f.presence ?? 'offline'} />
                        <span className="row-main">
                          <span className="row-top">
                            <span className={`row-title${f.presence === 'offline' ? ' dim' : ''}`}>
                              {dn}
                              {f.remark && <span className="muted small"> ({f.nickname})</span>}
                            </span>
                          </span>
                          <span className="row-sub">
                            [{t(`presence.${f.presence ?? 'offline'}`)}] {f.signature}
                          </span>
                        </span>
                      </button>
                      <button type="button" className="icon-btn row-more" aria-label={t('friends.actions', { name: dn })} onClick={() => setActionsFor(f)}>
                        <Icon name="more" />
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
      {actionsFor && <FriendActionsDialog friend={actionsFor} onClose={() => setActionsFor(null)} onOpenDirect={onOpenDirect} />}
      {manage && <CategoriesDialog onClose={() => setManage(false)} />}
    </div>
  );
}

/** Remark, category, delete and block for one friend. */
export function FriendActionsDialog({ friend, onClose, onOpenDirect }: { friend: Friend; onClose: () => void; onOpenDirect?: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const current = api.state.friends[friend.user_id] ?? friend;
  const dn = displayName(api.state, friend.user_id);
  const [remark, setRemark] = useState(current.remark);
  const [cat, setCat] = useState(current.category_id);
  const [confirm, setConfirm] = useState<'delete' | 'block' | null>(null);
  const { busy, error, run } = useAction();
  const [done, setDone] = useState('');

  const saveRemark = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.call('friend_remark', { user_id: friend.user_id, remark: remark.trim() });
      api.dispatch({ type: 'friendPatched', user_id: friend.user_id, patch: { remark: remark.trim() } });
      setDone(t('common.saved'));
    });
  };
  const move = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.call('friend_move', { user_id: friend.user_id, category_id: cat });
      api.dispatch({ type: 'friendPatched', user_id: friend.user_id, patch: { category_id: cat } });
      setDone(t('common.saved'));
    });
  };
  return (
    <Modal title={t('friends.actions', { name: dn })} onClose={onClose}>
      <div className="profile-head">
        <Avatar name={dn} id={friend.user_id} src={current.avatar} size="lg" presence={current.presence} />
        <div>
          <div className="strong">{current.nickname}</div>
          <div className="muted small">{t('friends.username', { username: current.username })}</div>
          {current.presence && <PresenceLabel presence={current.presence} />}
          {current.signature && <div className="small">{current.signature}</div>}
        </div>
      </div>
      {onOpenDirect && (
        <OpenChatButton label={t('friends.message')} onClose={onClose} onOpen={() => onOpenDirect(friend.user_id)} />
      )}
      <form className="form inline-form" onSubmit={saveRemark}>
        <label>
          {t('friends.remark')}
          <input value={remark} maxLength={32} onChange={(e) => setRemark(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {t('friends.setRemark')}
        </button>
      </form>
      <form className="form inline-form" onSubmit={move}>
        <label>
          {t('friends.moveTo')}
          <select value={cat} onChange={(e) => setCat(Number(e.target.value))}>
            {api.state.categories.map((c) => (
              <option key={c.category_id} value={c.category_id}>
                {categoryName(t, c)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy}>
          {t('friends.move')}
        </button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {done && !error && <p className="success" role="status">{done}</p>}
      <div className="actions">
        <button type="button" className="danger" onClick={() => setConfirm('block')}>
          {t('friends.block')}
        </button>
        <button type="button" className="danger" onClick={() => setConfirm('delete')}>
          {t('friends.delete')}
        </button>
      </div>
      {confirm === 'delete' && (
        <Confirm
          danger
          text={t('friends.confirmDelete', { name: dn })}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.call('friend_delete', { user_id: friend.user_id });
            api.dispatch({ type: 'friendDeleted', user_id: friend.user_id });
            onClose();
          }}
        />
      )}
      {confirm === 'block' && (
        <Confirm
          danger
          text={t('friends.confirmBlock', { name: dn })}
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.call('block', { user_id: friend.user_id });
            void api.refreshBlocked().catch(() => {});
            onClose();
          }}
        />
      )}
    </Modal>
  );
}

function CategoriesDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<Record<number, string>>({});
  const [del, setDel] = useState<Category | null>(null);
  const { busy, error, run } = useAction();
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.call('category_create', { name: name.trim() });
      setName('');
      await api.refreshFriends();
    });
  };
  return (
    <Modal title={t('friends.categories')} onClose={onClose}>
      <ul className="plain-list">
        {api.state.categories.map((c) => (
          <li key={c.category_id} className="cat-row">
            {c.is_default ? (
              <span className="strong">{categoryName(t, c)}</span>
            ) : (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  const n = (renaming[c.category_id] ?? c.name).trim();
                  void run(async () => {
                    await api.call('category_rename', { category_id: c.category_id, name: n });
                    await api.refreshFriends();
                  });
                }}
              >
                <label className="grow">
                  <span className="sr-only">{t('friends.categoryName')}</span>
                  <input
                    aria-label={`${t('friends.categoryName')}: ${c.name}`}
                    value={renaming[c.category_id] ?? c.name}
                    maxLength={32}
                    onChange={(e) => setRenaming({ ...renaming, [c.category_id]: e.target.value })}
                  />
                </label>
                <button type="submit" disabled={busy} aria-label={`${t('friends.rename')}: ${c.name}`}>
                  {t('friends.rename')}
                </button>
                <button type="button" className="danger" onClick={() => setDel(c)} aria-label={`${t('friends.deleteCategory')}: ${c.name}`}>
                  {t('friends.deleteCategory')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      <form className="form inline-form" onSubmit={create}>
        <label className="grow">
          {t('friends.newCategory')}
          <input value={name} maxLength={32} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" className="primary" disabled={busy || !name.trim()}>
          {t('friends.create')}
        </button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {del && (
        <Confirm
          danger
          text={t('friends.confirmDeleteCategory', { name: del.name })}
          onClose={() => setDel(null)}
          onConfirm={async () => {
            await api.call('category_delete', { category_id: del.category_id });
            await api.refreshFriends();
          }}
        />
      )}
    </Modal>
  );
}

export function AddFriendDialog({ initial, onClose, onOpenDirect }: { initial?: PublicProfile; onClose: () => void; onOpenDirect: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [query, setQuery] = useState(initial?.username ?? '');
  const [results, setResults] = useState<PublicProfile[]>(initial ? [initial] : []);
  const [selected, setSelected] = useState<PublicProfile | null>(initial ?? null);
  const [note, setNote] = useState('');
  const [status, setStatus] = useState('');
  const search = useAction();
  const send = useAction();
  const find = (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    void search.run(async () => {
      const r = await api.call('user_search', { query: truncateUtf8(query.trim(), 64), limit: 20 });
      setResults(r.users);
      setSelected(r.users.length === 1 ? r.users[0] : null);
    });
  };
  const request = (e: FormEvent) => {
    e.preventDefault();
    if (!selected) return;
    void send.run(async () => {
      const r = await api.call('friend_request', { user_id: selected.user_id, ...(note.trim() ? { note: note.trim() } : {}) });
      setStatus(r.status === 'accepted' ? t('add.nowFriends') : t('add.sent'));
      if (r.status === 'accepted') void api.refreshFriends().catch(() => {});
      void api.refreshFriendRequests().catch(() => {});
    });
  };
  return (
    <Modal title={t('add.title')} onClose={onClose}>
      <SearchForm label={t('add.query')} query={query} onQuery={setQuery} busy={search.busy} error={search.error} onSubmit={find} />
      <ul className="list picker" aria-label={t('search.users')}>
        {results.map((u) => {
          const isFriend = !!api.state.friends[u.user_id];
          const self = u.user_id === api.myId;
          return (
            <li key={u.user_id}>
              <button type="button" className={`row${selected?.user_id === u.user_id ? ' active' : ''}`} aria-pressed={selected?.user_id === u.user_id} onClick={() => setSelected(u)} disabled={self}>
                <Avatar name={u.nickname} id={u.user_id} src={u.avatar} />
                <span className="row-main">
                  <span className="row-title">{u.nickname}</span>
                  <span className="row-sub">
                    @{u.username} {isFriend ? `· ${t('add.already')}` : ''} {self ? `· ${t('add.self')}` : ''}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
        {!search.busy && results.length === 0 && query && !initial && <li className="muted small pad">{t('search.none')}</li>}
      </ul>
      {selected && !api.state.friends[selected.user_id] && selected.user_id !== api.myId && (
        <form className="form" onSubmit={request}>
          <label>
            {t('add.note')}
            <input value={note} maxLength={128} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={send.busy}>
            {t('add.requestTo', { name: selected.nickname })}
          </button>
        </form>
      )}
      {selected && api.state.friends[selected.user_id] && (
        <OpenChatButton label={t('friends.message')} onClose={onClose} onOpen={() => onOpenDirect(selected.user_id)} />
      )}
      {send.error && <p className="error" role="alert">{send.error}</p>}
      {status && <p className="success" role="status">{status}</p>}
    </Modal>
  );
}

/** The side panel of a direct chat: the peer's profile and the friend actions. */
export function FriendInfoPanel({ userId, onClose, onAddFriend }: { userId: number; onClose: () => void; onAddFriend: (u: PublicProfile) => void; onGone: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [profile, setProfile] = useState<PublicProfile | null>(null);
  const [actions, setActions] = useState(false);
  const { error, run } = useAction();
  const friend = api.state.friends[userId];
  const blocked = api.state.blocked.some((u) => u.user_id === userId);
  useEffect(() => {
    void run(async () => setProfile((await api.call('profile_get', { user_id: userId })) as PublicProfile));
    void api.refreshBlocked().catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId]);
  const dn = displayName(api.state, userId);
  return (
    <SidePanel title={t('chat.friendInfo')} onClose={onClose}>
      <div className="side-body">
        <div className="profile-head">
          <Avatar name={dn} id={userId} src={profile?.avatar} size="lg" presence={friend?.presence} />
          <div>
            <div className="strong">{dn}</div>
            {profile && <div className="muted small">{t('friends.username', { username: profile.username })}</div>}
            {friend?.presence && <PresenceLabel presence={friend.presence} />}
          </div>
        </div>
        {profile?.signature && (
          <p>
            <span className="muted small">{t('friends.signature')}: </span>
            {profile.signature}
          </p>
        )}
        {profile && profile.gender !== 'unspecified' && <p className="small">{t(`profile.gender.${profile.gender}`)}</p>}
        {friend && <p className="muted small">{t('friends.since', { date: formatDateTime(friend.since) })}</p>}
        {error && <p className="error">{error}</p>}
        <div className="stack">
          {friend ? (
            <button type="button" onClick={() => setActions(true)}>
              {t('friends.actions', { name: dn })}
            </button>
          ) : (
            profile && (
              <button type="button" className="primary" onClick={() => onAddFriend(profile)}>
                {t('add.request')}
              </button>
            )
          )}
          {blocked ? (
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  await api.call('unblock', { user_id: userId });
                  await api.refreshBlocked();
                })
              }
            >
              {t('friends.unblock')}
            </button>
          ) : (
            !friend && (
              <button
                type="button"
                className="danger"
                onClick={() =>
                  void run(async () => {
                    await api.call('block', { user_id: userId });
                    await api.refreshBlocked();
                  })
                }
              >
                {t('friends.block')}
              </button>
            )
          )}
        </div>
      </div>
      {actions && friend && <FriendActionsDialog friend={friend} onClose={() => setActions(false)} />}
    </SidePanel>
  );
}

export function BlockedList() {
  const { t } = useI18n();
  const api = useApi();
  const { error, run } = useAction();
  useEffect(() => {
    void api.refreshBlocked().catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <section>
      <h3>{t('friends.blocked')}</h3>
      {api.state.blocked.length === 0 && <p className="muted small">{t('friends.noneBlocked')}</p>}
      <ul className="plain-list">
        {api.state.blocked.map((u) => (
          <li key={u.user_id} className="cat-row">
            <span className="grow">
              {u.nickname} <span className="muted small">@{u.username}</span>
            </span>
            <button
              type="button"
              aria-label={`${t('friends.unblock')}: ${u.nickname}`}
              onClick={() =>
                void run(async () => {
                  await api.call('unblock', { user_id: u.user_id });
                  await api.refreshBlocked();
                })
              }
            >
              {t('friends.unblock')}
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
