import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime, parseDateInput, utf8Length } from '../format';
import { useI18n, type Lang } from '../i18n';
import type { Gender, Message, OwnProfile, TextBody } from '../proto/types';
import { conversationTitle, displayName } from '../state/store';
import { askNotificationPermission, notificationsSupported, playChime } from './alerts';
import { Avatar, Modal, SidePanel, useAction } from './common';
import { BlockedList, categoryName } from './Friends';
import { useApi } from './session';
import { useSettings } from './settings';

export function NotificationsDialog({ onClose, onOpenDirect, onOpenGroup }: { onClose: () => void; onOpenDirect: (id: number) => void; onOpenGroup: (id: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const { error, run, busy } = useAction();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [cats, setCats] = useState<Record<number, number>>({});
  const [info, setInfo] = useState('');
  const nothing = !state.friendRequests.incoming.length && !state.groupRequests.incoming.length && !state.notices.length;
  const outgoing = state.friendRequests.outgoing.slice(0, 10);
  return (
    <Modal title={t('notif.title')} onClose={onClose} wide>
      {nothing && <p className="muted">{t('notif.none')}</p>}
      <ul className="notif-list">
        {state.friendRequests.incoming.map((r) => (
          <li key={`f${r.request_id}`} className="notif">
            <Avatar name={r.from.nickname} id={r.from.user_id} src={r.from.avatar} />
            <div className="grow">
              <div>{t('notif.friendRequest', { name: `${r.from.nickname} (@${r.from.username})` })}</div>
              {r.note && <div className="muted small">{t('notif.note', { note: r.note })}</div>}
              <div className="muted small">{formatDateTime(r.created_at)}</div>
              <div className="inline-form">
                <label>
                  {t('notif.category')}
                  <select value={cats[r.request_id] ?? 0} onChange={(e) => setCats({ ...cats, [r.request_id]: Number(e.target.value) })}>
                    <option value={0}>{t('friends.default')}</option>
                    {state.categories
                      .filter((c) => !c.is_default)
                      .map((c) => (
                        <option key={c.category_id} value={c.category_id}>
                          {categoryName(t, c)}
                        </option>
                      ))}
                  </select>
                </label>
                <label>
                  {t('notif.reason')}
                  <input value={reasons[`f${r.request_id}`] ?? ''} maxLength={128} onChange={(e) => setReasons({ ...reasons, [`f${r.request_id}`]: e.target.value })} />
                </label>
              </div>
              <div className="button-row">
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  aria-label={`${t('notif.accept')}: ${r.from.nickname}`}
                  onClick={() =>
                    void run(async () => {
                      const cat = cats[r.request_id];
                      await api.call('friend_respond', { request_id: r.request_id, accept: true, ...(cat ? { category_id: cat } : {}) });
                      api.dispatch({ type: 'friendRequestDone', request_id: r.request_id });
                      await api.refreshFriends();
                    })
                  }
                >
                  {t('notif.accept')}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`${t('notif.reject')}: ${r.from.nickname}`}
                  onClick={() =>
                    void run(async () => {
                      const reason = (reasons[`f${r.request_id}`] ?? '').trim();
                      await api.call('friend_respond', { request_id: r.request_id, accept: false, ...(reason ? { reason } : {}) });
                      api.dispatch({ type: 'friendRequestDone', request_id: r.request_id });
                    })
                  }
                >
                  {t('notif.reject')}
                </button>
              </div>
            </div>
          </li>
        ))}
        {state.groupRequests.incoming.map((r) => (
          <li key={`g${r.request_id}`} className="notif">
            <Avatar name={r.user.nickname} id={r.user.user_id} src={r.user.avatar} />
            <div className="grow">
              <div>
                {r.inviter_id
                  ? t('notif.groupInvite', { name: r.user.nickname, group: r.group_name })
                  : t('notif.groupRequest', { name: `${r.user.nickname} (@${r.user.username})`, group: r.group_name })}
              </div>
              {r.note && <div className="muted small">{t('notif.note', { note: r.note })}</div>}
              <div className="muted small">{formatDateTime(r.created_at)}</div>
              <div className="button-row">
                <button
                  type="button"
                  className="primary"
                  disabled={busy}
                  aria-label={`${t('notif.accept')}: ${r.user.nickname} → ${r.group_name}`}
                  onClick={() =>
                    void run(async () => {
                      setInfo((await api.respondGroup(r.request_id, true)) === 'decided' ? t('notif.alreadyDecided') : '');
                    })
                  }
                >
                  {t('notif.accept')}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  aria-label={`${t('notif.reject')}: ${r.user.nickname} → ${r.group_name}`}
                  onClick={() =>
                    void run(async () => {
                      setInfo((await api.respondGroup(r.request_id, false)) === 'decided' ? t('notif.alreadyDecided') : '');
                    })
                  }
                >
                  {t('notif.reject')}
                </button>
                <button type="button" className="link" onClick={() => { onClose(); onOpenGroup(r.group_id); }}>
                  {r.group_name}
                </button>
              </div>
            </div>
          </li>
        ))}
        {state.notices.map((n) => (
          <li key={n.id} className="notif">
            <div className="grow">
              <div>
                {n.kind === 'friend_response'
                  ? n.accepted
                    ? t('notif.friendAccepted', { name: n.name })
                    : t('notif.friendRejected', { name: n.name })
                  : n.role === 'inviter'
                    ? n.invitee
                      ? t(n.accepted ? 'notif.inviteeJoined' : 'notif.inviteeDeclined', { user: displayName(state, n.invitee), group: n.name })
                      : t(n.accepted ? 'notif.inviteAccepted' : 'notif.inviteDeclined', { group: n.name })
                    : n.accepted
                      ? t('notif.groupAccepted', { group: n.name })
                      : t('notif.groupRejected', { group: n.name })}
              </div>
              {n.reason && <div className="muted small">{n.reason}</div>}
              <div className="button-row">
                {n.accepted && (
                  <button
                    type="button"
                    className="primary small"
                    onClick={() => {
                      api.dispatch({ type: 'noticeDismissed', id: n.id });
                      onClose();
                      if (n.kind === 'friend_response') onOpenDirect(n.subject);
                      else onOpenGroup(n.subject);
                    }}
                  >
                    {n.kind === 'friend_response' ? t('friends.message') : t('group.chat')}
                  </button>
                )}
                <button type="button" className="small" onClick={() => api.dispatch({ type: 'noticeDismissed', id: n.id })}>
                  {t('notif.dismiss')}
                </button>
              </div>
            </div>
          </li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
      {info && !error && <p className="success" role="status">{info}</p>}
      {outgoing.length > 0 && (
        <section>
          <h3>{t('notif.outgoing')}</h3>
          <ul className="plain-list">
            {outgoing.map((r) => (
              <li key={r.request_id} className="cat-row small">
                <span className="grow">
                  {r.to.nickname} (@{r.to.username}) {r.reason && <span className="muted">· {r.reason}</span>}
                </span>
                <span className={`tag status-${r.status}`}>{t(`notif.status.${r.status}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Modal>
  );
}

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const p = api.state.profile;
  const [v, setV] = useState({
    nickname: p?.nickname ?? '',
    signature: p?.signature ?? '',
    gender: (p?.gender ?? 'unspecified') as Gender,
    birthday: p?.birthday ?? '',
    email: p?.email ?? '',
    avatar: p?.avatar ?? '',
  });
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (utf8Length(v.avatar) > 256) {
      setError(`${t('err.too_large')} ${t('err.field', { field: t('profile.avatar') })}`);
      return;
    }
    const changed: Partial<OwnProfile> = {};
    for (const k of Object.keys(v) as Array<keyof typeof v>) {
      if (!p || v[k] !== p[k]) (changed as Record<string, string>)[k] = k === 'nickname' ? v[k].trim() : v[k];
    }
    void run(async () => {
      const r = await api.call('profile_update', changed);
      api.dispatch({ type: 'profile', profile: r });
      setSaved(true);
    });
  };
  return (
    <Modal title={t('profile.title')} onClose={onClose}>
      {p && (
        <p className="muted small">
          {t('profile.username')}: {p.username} · {t('profile.id')}: {p.user_id}
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <label>
          {t('profile.nickname')}
          <input value={v.nickname} maxLength={32} required onChange={(e) => setV({ ...v, nickname: e.target.value })} data-autofocus />
        </label>
        <label>
          {t('profile.signature')}
          <input value={v.signature} maxLength={128} onChange={(e) => setV({ ...v, signature: e.target.value })} />
        </label>
        <label>
          {t('profile.gender')}
          <select value={v.gender} onChange={(e) => setV({ ...v, gender: e.target.value as Gender })}>
            {(['unspecified', 'female', 'male', 'other'] as const).map((g) => (
              <option key={g} value={g}>
                {t(`profile.gender.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('profile.birthday')}
          <input type="date" value={v.birthday} max={new Date().toISOString().slice(0, 10)} onChange={(e) => setV({ ...v, birthday: e.target.value })} />
        </label>
        <label>
          {t('profile.email')}
          <input type="email" value={v.email} maxLength={254} onChange={(e) => setV({ ...v, email: e.target.value })} />
        </label>
        <label>
          {t('profile.avatar')}
          <input value={v.avatar} maxLength={256} onChange={(e) => setV({ ...v, avatar: e.target.value })} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        {saved && !error && <p className="success" role="status">{t('profile.saved')}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {t('common.save')}
        </button>
      </form>
    </Modal>
  );
}

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { t, lang, setLang } = useI18n();
  const { settings, update } = useSettings();
  const api = useApi();
  const [allow, setAllow] = useState<boolean | null>(null);
  const [denied, setDenied] = useState(notificationsSupported() && Notification.permission === 'denied');
  const { error, run } = useAction();
  useEffect(() => {
    api
      .call('privacy_get', {})
      .then((r) => setAllow(r.allow_strangers))
      .catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <Modal title={t('settings.title')} onClose={onClose}>
      <div className="form">
        <label>
          {t('lang.label')}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-autofocus>
            <option value="zh">{t('lang.zh')}</option>
            <option value="en">{t('lang.en')}</option>
          </select>
        </label>
        <fieldset>
          <legend>{t('settings.sendKey')}</legend>
          <label className="check">
            <input type="radio" name="sendKey" checked={settings.sendKey === 'enter'} onChange={() => update({ sendKey: 'enter' })} />
            {t('settings.sendEnter')}
          </label>
          <label className="check">
            <input type="radio" name="sendKey" checked={settings.sendKey === 'ctrlEnter'} onChange={() => update({ sendKey: 'ctrlEnter' })} />
            {t('settings.sendCtrlEnter')}
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('settings.alerts')}</legend>
          <label className="check">
            <input type="checkbox" checked={settings.titleBadge} onChange={(e) => update({ titleBadge: e.target.checked })} />
            {t('settings.titleBadge')}
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={settings.notifications}
              disabled={!notificationsSupported()}
              onChange={async (e) => {
                const on = e.target.checked;
                if (on) {
                  const p = await askNotificationPermission();
                  setDenied(p === 'denied');
                  update({ notifications: p === 'granted' });
                } else update({ notifications: false });
              }}
            />
            {t('settings.notifications')}
          </label>
          {denied && <p className="muted small">{t('settings.notifDenied')}</p>}
          <label className="check">
            <input type="checkbox" checked={settings.sound} onChange={(e) => update({ sound: e.target.checked })} />
            {t('settings.sound')}
          </label>
          <button type="button" className="small" onClick={playChime}>
            {t('settings.testSound')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('settings.privacy')}</legend>
          <label className="check">
            <input
              type="checkbox"
              checked={!!allow}
              disabled={allow === null}
              onChange={(e) =>
                void run(async () => {
                  const r = await api.call('privacy_set', { allow_strangers: e.target.checked });
                  setAllow(r.allow_strangers);
                })
              }
            />
            {t('settings.allowStrangers')}
          </label>
        </fieldset>
        {error && <p className="error" role="alert">{error}</p>}
        <BlockedList />
      </div>
    </Modal>
  );
}

export function MessageSearchPanel({ conversationId, onClose, onJump }: { conversationId: number; onClose: () => void; onJump: (cid: number, seq: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [query, setQuery] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [scope, setScope] = useState(!!conversationId);
  const [results, setResults] = useState<Message[] | null>(null);
  const { busy, error, setError, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const f = parseDateInput(from);
    const tt = parseDateInput(to);
    if (!query.trim() && isNaN(f) && isNaN(tt)) {
      setError(t('msgsearch.need'));
      return;
    }
    void run(async () => {
      const r = await api.call('message_search', {
        ...(query.trim() ? { query: query.trim() } : {}),
        ...(scope && conversationId ? { conversation_id: conversationId } : {}),
        ...(!isNaN(f) ? { from: f } : {}),
        ...(!isNaN(tt) ? { to: tt + 86400000 } : {}),
        limit: 50,
      });
      setResults(r.messages);
    });
  };
  return (
    <SidePanel title={t('msgsearch.title')} onClose={onClose}>
      <div className="side-body">
        <form className="form" onSubmit={submit} role="search">
          <label>
            {t('msgsearch.keyword')}
            <input value={query} onChange={(e) => setQuery(e.target.value)} maxLength={200} autoFocus />
          </label>
          <div className="inline-form">
            <label>
              {t('msgsearch.from')}
              <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              {t('msgsearch.to')}
              <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
          </div>
          {conversationId > 0 && (
            <label className="check">
              <input type="checkbox" checked={scope} onChange={(e) => setScope(e.target.checked)} />
              {t('msgsearch.scope')}
            </label>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {t('msgsearch.run')}
          </button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
        {results && (
          <ul className="search-hits" aria-label={t('msgsearch.results')}>
            {results.length === 0 && <li className="muted">{t('msgsearch.none')}</li>}
            {results.map((m) => {
              const c = api.state.conversations[m.conversation_id];
              const where = c ? conversationTitle(api.state, c) : `#${m.conversation_id}`;
              return (
                <li key={`${m.conversation_id}:${m.seq}`} data-seq={m.seq}>
                  <div className="muted small">
                    {displayName(api.state, m.sender_id, c?.kind === 'group' ? m.conversation_id : undefined)} · {formatDateTime(m.created_at)}
                    {(!scope || !conversationId) && ` · ${where}`}
                  </div>
                  <button type="button" className="hit-text" title={t('msgsearch.show')} onClick={() => onJump(m.conversation_id, m.seq)}>
                    {(m.body as TextBody).text}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </SidePanel>
  );
}
