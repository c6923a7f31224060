import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnState } from '../proto/client';
import type { GroupProfile, Message, PresenceChoice, PublicProfile, TextBody } from '../proto/types';
import { formatDateTime, formatListTime, titleWithBadge, truncateUtf8 } from '../format';
import { useI18n, type MsgKey } from '../i18n';
import {
  conversationTitle,
  convKey,
  directConversationWith,
  displayName,
  myGroups,
  sortedConversations,
  totalUnread,
  hasUnsent,
  userKey,
} from '../state/store';
import { pageInBackground, playChime, showNotification } from './alerts';
import { ChatPane } from './Chat';
import { Avatar, errorText } from './common';
import { NotificationsDialog, ProfileDialog, SettingsDialog } from './Dialogs';
import { AddFriendDialog, FriendsPanel } from './Friends';
import { CreateGroupDialog, GroupsPanel, JoinGroupDialog } from './Groups';
import { Icon } from './icons';
import { useApi, type ChatTarget } from './session';
import { useSettings } from './settings';

export type Active = { kind: 'direct'; peer_id: number } | { kind: 'group'; conversation_id: number };

export type DialogState =
  | { kind: 'addFriend'; user?: PublicProfile }
  | { kind: 'createGroup' }
  | { kind: 'joinGroup'; group?: GroupProfile }
  | { kind: 'profile' }
  | { kind: 'settings' }
  | { kind: 'notifications' };

type Tab = 'recent' | 'friends' | 'groups';

/** A one-line preview of a message for lists. */
export function usePreview() {
  const { t } = useI18n();
  const api = useApi();
  return (m: Message | undefined, groupId?: number): string => {
    if (!m) return '';
    if (m.recalled) return t('recent.recalled');
    if (m.kind === 'recall') return t('recent.recalled');
    if (m.kind === 'text') {
      const text = (m.body as TextBody).text ?? '';
      if (groupId && m.sender_id !== api.myId) return `${displayName(api.state, m.sender_id, groupId)}: ${text}`;
      return text;
    }
    if (m.kind === 'system') return systemText(t, api, m);
    return t('chat.unsupported');
  };
}

export function systemText(t: (k: MsgKey, p?: Record<string, string | number>) => string, api: ReturnType<typeof useApi>, m: Message): string {
  const b = m.body as { event: string; by: number; user_id?: number; name?: string; until?: number; muted?: boolean; admin?: boolean; card?: string };
  const gid = m.conversation_id;
  const name = (id?: number) => (id === api.myId ? t('chat.you') : id ? displayName(api.state, id, gid) : '');
  const by = name(b.by);
  const user = name(b.user_id);
  switch (b.event) {
    case 'created':
      return t('sys.created', { by, name: b.name ?? '' });
    case 'joined':
      return b.by && b.by !== b.user_id ? t('sys.joinedBy', { by, user }) : t('sys.joined', { user });
    case 'left':
      return t('sys.left', { user });
    case 'removed':
      return t('sys.removed', { by, user });
    case 'muted':
      return t('sys.muted', { by, user, until: b.until ? formatDateTime(b.until) : '' });
    case 'unmuted':
      return t('sys.unmuted', { by, user });
    case 'muted_all':
      return b.muted ? t('sys.mutedAllOn', { by }) : t('sys.mutedAllOff', { by });
    case 'admin':
      return b.admin ? t('sys.adminOn', { by, user }) : t('sys.adminOff', { by, user });
    case 'owner':
      return t('sys.owner', { user });
    case 'updated':
      return t('sys.updated', { by });
    case 'card':
      return b.card ? t('sys.card', { user, card: b.card }) : t('sys.cardCleared', { user });
    case 'dissolved':
      return t('sys.dissolved', { by });
    default:
      return t('sys.other', { event: b.event });
  }
}

export function Main({ conn, onLogout }: { conn: ConnState; onLogout: () => void }) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const { settings } = useSettings();
  const [tab, setTab] = useState<Tab>('recent');
  const [active, setActive] = useState<Active | null>(null);
  const [dialog, setDialog] = useState<DialogState | null>(null);
  const [mobileChat, setMobileChat] = useState(false);
  const [presenceErr, setPresenceErr] = useState('');

  // a search hit to show: open its conversation, and the chat scrolls to it
  const [jump, setJump] = useState<{ cid: number; seq: number; n: number } | null>(null);
  const openDirect = useCallback((peer_id: number) => {
    setActive({ kind: 'direct', peer_id });
    setMobileChat(true);
    setJump(null);
  }, []);
  const openGroup = useCallback((conversation_id: number) => {
    setActive({ kind: 'group', conversation_id });
    setMobileChat(true);
    setJump(null);
  }, []);
  const openConversation = useCallback(
    (cid: number) => {
      const c = api.state.conversations[cid];
      if (!c) return;
      if (c.kind === 'group') openGroup(cid);
      else openDirect(c.peer.user_id);
    },
    [api.state.conversations, openDirect, openGroup],
  );

  const jumpTo = useCallback(
    (cid: number, seq: number) => {
      openConversation(cid);
      setJump((j) => ({ cid, seq, n: (j?.n ?? 0) + 1 }));
    },
    [openConversation],
  );

  const target: ChatTarget | null = useMemo(() => {
    if (!active) return null;
    if (active.kind === 'group') {
      return { key: convKey(active.conversation_id), kind: 'group', conversation_id: active.conversation_id, peer_id: 0 };
    }
    const c = directConversationWith(state, active.peer_id);
    return c
      ? { key: convKey(c.conversation_id), kind: 'direct', conversation_id: c.conversation_id, peer_id: active.peer_id }
      : { key: userKey(active.peer_id), kind: 'direct', conversation_id: 0, peer_id: active.peer_id };
  }, [active, state]);

  // ---- alerts for new messages while the page is in the background ----
  const alertRef = useRef({ settings, openConversation, t, state });
  alertRef.current = { settings, openConversation, t, state };
  useEffect(
    () =>
      api.client.on('message', (m) => {
        if (m.sender_id === api.myId || m.kind !== 'text') return;
        const { settings: s, t: tt, state: st } = alertRef.current;
        const activeHere = target?.conversation_id === m.conversation_id;
        if (!pageInBackground() && activeHere) return;
        if (!pageInBackground()) return;
        if (s.sound) playChime();
        if (s.notifications) {
          const c = st.conversations[m.conversation_id];
          const sender = displayName(st, m.sender_id, c?.kind === 'group' ? m.conversation_id : undefined);
          const title = c?.kind === 'group' ? tt('alert.newGroupMessage', { name: sender, group: c.group?.name ?? '' }) : tt('alert.newMessage', { name: sender });
          showNotification(title, ((m.body as TextBody).text ?? '').slice(0, 120), `parley-${m.conversation_id}`, () =>
            alertRef.current.openConversation(m.conversation_id),
          );
        }
      }),
    [api.client, api.myId, target?.conversation_id],
  );

  // Closing or reloading the page would lose messages not yet acknowledged: ask first.
  const unsent = hasUnsent(state);
  useEffect(() => {
    if (!unsent) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsent]);

  const unread = totalUnread(state);
  useEffect(() => {
    document.title = settings.titleBadge ? titleWithBadge(unread) : 'Parley';
  }, [unread, settings.titleBadge]);

  const pendingCount = state.friendRequests.incoming.length + state.groupRequests.incoming.length + state.notices.length;

  const setPresence = async (status: PresenceChoice) => {
    setPresenceErr('');
    const old = state.presence;
    api.dispatch({ type: 'presenceChosen', status });
    try {
      await api.call('presence_set', { status });
    } catch (e) {
      api.dispatch({ type: 'presenceChosen', status: old });
      setPresenceErr(errorText(t, e));
    }
  };

  const me = state.profile;
  const myName = me?.nickname || state.me?.username || '';

  return (
    <div className={`app${mobileChat && target ? ' show-chat' : ''}`}>
      <aside className="sidebar" aria-label={t('tabs.label')}>
        <h1 className="sr-only">{t('app.name')}</h1>
        <header className="me-bar">
          <Avatar name={myName} id={state.me?.user_id ?? 0} src={me?.avatar} presence={state.presence === 'invisible' ? 'offline' : state.presence} />
          <div className="me-info">
            <div className="me-name" title={me?.signature}>
              {myName}
            </div>
            <label className="presence-picker">
              <span className="sr-only">{t('presence.label')}</span>
              <select aria-label={t('presence.label')} value={state.presence} onChange={(e) => void setPresence(e.target.value as PresenceChoice)}>
                {(['online', 'away', 'busy', 'invisible'] as const).map((p) => (
                  <option key={p} value={p}>
                    {t(`presence.${p}`)}
                  </option>
                ))}
              </select>
            </label>
            {presenceErr && (
              <span className="error" role="alert">
                {presenceErr}
              </span>
            )}
          </div>
          <ConnBadge conn={conn} onRetry={() => api.client.reconnectNow()} />
        </header>
        <nav className="toolbar" aria-label={t('menu.label')}>
          <button type="button" className="icon-btn badge-host" aria-label={pendingCount ? t('menu.notificationsCount', { n: pendingCount }) : t('menu.notifications')} title={t('menu.notifications')} onClick={() => setDialog({ kind: 'notifications' })}>
            <Icon name="bell" />
            {pendingCount > 0 && <span className="badge" aria-hidden="true">{pendingCount}</span>}
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.addFriend')} title={t('menu.addFriend')} onClick={() => setDialog({ kind: 'addFriend' })}>
            <Icon name="userPlus" />
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.createGroup')} title={t('menu.createGroup')} onClick={() => setDialog({ kind: 'createGroup' })}>
            <Icon name="users" />
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.joinGroup')} title={t('menu.joinGroup')} onClick={() => setDialog({ kind: 'joinGroup' })}>
            <Icon name="plus" />
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.profile')} title={t('menu.profile')} onClick={() => setDialog({ kind: 'profile' })}>
            <Icon name="user" />
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.settings')} title={t('menu.settings')} onClick={() => setDialog({ kind: 'settings' })}>
            <Icon name="gear" />
          </button>
          <button type="button" className="icon-btn" aria-label={t('menu.logout')} title={t('menu.logout')} onClick={onLogout}>
            <Icon name="logout" />
          </button>
        </nav>
        <SidebarLists
          tab={tab}
          setTab={setTab}
          unread={unread}
          activeKey={target?.key}
          activeGroup={target?.kind === 'group' ? target.conversation_id : 0}
          openConversation={openConversation}
          openDirect={openDirect}
          openGroup={openGroup}
          setDialog={setDialog}
        />
      </aside>
      <main className="chat-area">
        {target ? (
          <ChatPane
            key={target.kind === 'group' ? `g${target.conversation_id}` : `d${target.peer_id}`}
            target={target}
            onBack={() => setMobileChat(false)}
            onOpenDirect={openDirect}
            onAddFriend={(user) => setDialog({ kind: 'addFriend', user })}
            onJump={jumpTo}
            jump={jump && target.conversation_id === jump.cid ? jump : undefined}
            onClosed={() => setActive(null)}
          />
        ) : (
          <div className="empty-chat">
            <span className="brand-mark big" aria-hidden="true" />
            <p>{t('chat.select')}</p>
          </div>
        )}
      </main>
      {dialog?.kind === 'addFriend' && <AddFriendDialog initial={dialog.user} onClose={() => setDialog(null)} onOpenDirect={openDirect} />}
      {dialog?.kind === 'createGroup' && (
        <CreateGroupDialog
          onClose={() => setDialog(null)}
          onCreated={(id) => {
            setDialog(null);
            setTab('groups');
            openGroup(id);
          }}
        />
      )}
      {dialog?.kind === 'joinGroup' && <JoinGroupDialog initial={dialog.group} onClose={() => setDialog(null)} onOpenGroup={openGroup} />}
      {dialog?.kind === 'profile' && <ProfileDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'settings' && <SettingsDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'notifications' && <NotificationsDialog onClose={() => setDialog(null)} onOpenDirect={openDirect} onOpenGroup={openGroup} />}
    </div>
  );
}

/** The search box and, below it, the search results or the tabs; the query lives here, so
 * typing in it does not draw the chat again. */
function SidebarLists({
  tab,
  setTab,
  unread,
  activeKey,
  activeGroup,
  openConversation,
  openDirect,
  openGroup,
  setDialog,
}: {
  tab: Tab;
  setTab: (t: Tab) => void;
  unread: number;
  activeKey?: string;
  activeGroup: number;
  openConversation: (cid: number) => void;
  openDirect: (id: number) => void;
  openGroup: (id: number) => void;
  setDialog: (d: DialogState) => void;
}) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  return (
    <>
      <div className="search-box">
        <label className="search-field">
          <Icon name="search" />
          <span className="sr-only">{t('search.label')}</span>
          <input
            type="search"
            aria-label={t('search.label')}
            placeholder={t('search.placeholder')}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
          />
        </label>
      </div>
      {query.trim() ? (
        <SearchResults
          query={query.trim()}
          onOpenDirect={(id) => {
            setQuery('');
            openDirect(id);
          }}
          onOpenGroup={(id) => {
            setQuery('');
            openGroup(id);
          }}
          onAddFriend={(user) => setDialog({ kind: 'addFriend', user })}
          onJoinGroup={(group) => setDialog({ kind: 'joinGroup', group })}
        />
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label={t('tabs.label')}>
            {(['recent', 'friends', 'groups'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                id={`tab-${k}`}
                aria-selected={tab === k}
                aria-controls={tab === k ? `panel-${k}` : undefined}
                tabIndex={tab === k ? 0 : -1}
                className={tab === k ? 'tab active' : 'tab'}
                onClick={() => setTab(k)}
                onKeyDown={(e) => {
                  const order: Tab[] = ['recent', 'friends', 'groups'];
                  const i = order.indexOf(k);
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    const n = order[(i + (e.key === 'ArrowRight' ? 1 : 2)) % 3];
                    setTab(n);
                    document.getElementById(`tab-${n}`)?.focus();
                  }
                }}
              >
                {t(`tabs.${k}`)}
                {k === 'recent' && unread > 0 && <span className="badge inline" aria-label={t('recent.unread', { n: unread })}>{unread > 99 ? '99+' : unread}</span>}
              </button>
            ))}
          </div>
          <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'recent' && <RecentList activeKey={activeKey} onOpen={openConversation} />}
            {tab === 'friends' && <FriendsPanel onOpenDirect={openDirect} />}
            {tab === 'groups' && <GroupsPanel activeId={activeGroup} onOpenGroup={openGroup} />}
          </div>
        </>
      )}
    </>
  );
}

function ConnBadge({ conn, onRetry }: { conn: ConnState; onRetry: () => void }) {
  const { t } = useI18n();
  const label = t(`conn.${conn}` as MsgKey);
  return (
    <div className={`conn conn-${conn}`}>
      <span role="status" aria-live="polite" aria-label={t('conn.label', { state: label })} data-state={conn}>
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-text">{label}</span>
      </span>
      {conn === 'reconnecting' && (
        <button type="button" className="link small" onClick={onRetry}>
          {t('conn.retryNow')}
        </button>
      )}
    </div>
  );
}

function RecentList({ activeKey, onOpen }: { activeKey?: string; onOpen: (cid: number) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const preview = usePreview();
  const list = sortedConversations(api.state).filter((c) => !(c.kind === 'group' && api.state.leftGroups[c.conversation_id] && !c.unread));
  if (!list.length) return <p className="empty">{t('recent.empty')}</p>;
  return (
    <ul className="list" aria-label={t('tabs.recent')}>
      {list.map((c) => {
        const title = conversationTitle(api.state, c);
        const isGroup = c.kind === 'group';
        const presence = isGroup ? undefined : api.state.friends[c.peer.user_id]?.presence;
        const parts = [title];
        if (c.unread) parts.push(t('recent.unread', { n: c.unread }));
        if (c.mentions) parts.push(t('recent.mentions', { n: c.mentions }));
        return (
          <li key={c.conversation_id}>
            <button
              type="button"
              className={`row${activeKey === convKey(c.conversation_id) ? ' active' : ''}${c.unread ? ' unread' : ''}`}
              aria-label={parts.join(', ')}
              aria-current={activeKey === convKey(c.conversation_id) ? 'true' : undefined}
              onClick={() => onOpen(c.conversation_id)}
              data-conversation-id={c.conversation_id}
            >
              <Avatar name={title} id={isGroup ? c.conversation_id : c.peer.user_id} src={isGroup ? c.group?.avatar : c.peer.avatar} presence={presence} />
              <span className="row-main">
                <span className="row-top">
                  <span className="row-title">{title}</span>
                  <span className="row-time">{formatListTime(c.last_message?.created_at ?? 0)}</span>
                </span>
                <span className="row-bottom">
                  <span className="row-sub">
                    {c.mentions > 0 && <span className="mention-flag">{t('recent.mentioned')}</span>}
                    {preview(c.last_message, isGroup ? c.conversation_id : undefined)}
                  </span>
                  {c.unread > 0 && (
                    <span className="badge" aria-hidden="true">
                      {c.unread > 99 ? '99+' : c.unread}
                    </span>
                  )}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function SearchResults({
  query,
  onOpenDirect,
  onOpenGroup,
  onAddFriend,
  onJoinGroup,
}: {
  query: string;
  onOpenDirect: (id: number) => void;
  onOpenGroup: (id: number) => void;
  onAddFriend: (u: PublicProfile) => void;
  onJoinGroup: (g: GroupProfile) => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const [users, setUsers] = useState<PublicProfile[]>([]);
  const [groups, setGroups] = useState<GroupProfile[]>([]);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const q = query.toLowerCase();
  const friends = Object.values(api.state.friends).filter(
    (f) => f.nickname.toLowerCase().includes(q) || f.username.includes(q) || f.remark.toLowerCase().includes(q),
  );
  const mine = myGroups(api.state).filter((c) => (c.group?.name ?? '').toLowerCase().includes(q) || String(c.conversation_id) === q);

  useEffect(() => {
    let alive = true;
    setBusy(true);
    setErr('');
    const timer = setTimeout(async () => {
      const [u, g] = await Promise.allSettled([
        api.call('user_search', { query: truncateUtf8(query, 64), limit: 20 }),
        api.call('group_search', { query: truncateUtf8(query, 64), limit: 20 }),
      ]);
      if (!alive) return;
      setUsers(u.status === 'fulfilled' ? u.value.users : []);
      setGroups(g.status === 'fulfilled' ? g.value.groups : []);
      if (u.status === 'rejected' && g.status === 'rejected') setErr(errorText(t, u.reason));
      setBusy(false);
    }, 300);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);

  const strangers = users.filter((u) => !api.state.friends[u.user_id]);
  const otherGroups = groups.filter((g) => !mine.some((c) => c.conversation_id === g.group_id));
  const nothing = !friends.length && !mine.length && !strangers.length && !otherGroups.length;
  return (
    <div className="search-results" aria-live="polite">
      {friends.length > 0 && (
        <section aria-label={t('search.friends')}>
          <h2>{t('search.friends')}</h2>
          <ul className="list">
            {friends.map((f) => (
              <li key={f.user_id}>
                <button type="button" className="row" onClick={() => onOpenDirect(f.user_id)} aria-label={displayName(api.state, f.user_id)}>
                  <Avatar name={f.nickname} id={f.user_id} src={f.avatar} presence={f.presence} />
                  <span className="row-main">
                    <span className="row-title">{displayName(api.state, f.user_id)}</span>
                    <span className="row-sub">@{f.username}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {mine.length > 0 && (
        <section aria-label={t('search.groups')}>
          <h2>{t('search.groups')}</h2>
          <ul className="list">
            {mine.map((c) => (
              <li key={c.conversation_id}>
                <button type="button" className="row" onClick={() => onOpenGroup(c.conversation_id)} aria-label={c.group?.name}>
                  <Avatar name={c.group?.name ?? ''} id={c.conversation_id} src={c.group?.avatar} />
                  <span className="row-main">
                    <span className="row-title">{c.group?.name}</span>
                    <span className="row-sub">{t('group.number', { id: c.conversation_id })}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {strangers.length > 0 && (
        <section aria-label={t('search.users')}>
          <h2>{t('search.users')}</h2>
          <ul className="list">
            {strangers.map((u) => (
              <li key={u.user_id} className="row static">
                <Avatar name={u.nickname} id={u.user_id} src={u.avatar} />
                <span className="row-main">
                  <span className="row-title">{u.nickname}</span>
                  <span className="row-sub">@{u.username}</span>
                </span>
                {u.user_id === api.myId ? (
                  <span className="muted small">{t('add.self')}</span>
                ) : (
                  <span className="row-actions">
                    <button type="button" className="small" onClick={() => onOpenDirect(u.user_id)} aria-label={`${t('friends.message')}: ${u.nickname}`}>
                      {t('friends.message')}
                    </button>
                    <button type="button" className="small primary" onClick={() => onAddFriend(u)} aria-label={t('add.requestTo', { name: u.nickname })}>
                      {t('add.request')}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {otherGroups.length > 0 && (
        <section aria-label={t('search.publicGroups')}>
          <h2>{t('search.publicGroups')}</h2>
          <ul className="list">
            {otherGroups.map((g) => (
              <li key={g.group_id} className="row static">
                <Avatar name={g.name} id={g.group_id} src={g.avatar} />
                <span className="row-main">
                  <span className="row-title">{g.name}</span>
                  <span className="row-sub">
                    {t('group.number', { id: g.group_id })} · {t('group.membersCount', { n: g.member_count })}
                  </span>
                </span>
                <button type="button" className="small primary" onClick={() => onJoinGroup(g)} aria-label={t('group.requestJoin', { name: g.name })}>
                  {t('group.join')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {busy && <p className="muted small pad">{t('search.searching')}</p>}
      {!busy && nothing && <p className="empty">{t('search.none')}</p>}
      {err && <p className="error pad">{err}</p>}
    </div>
  );
}
