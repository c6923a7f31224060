// The client's whole model of the account, as one pure reducer (used with useReducer).
import type {
  Category,
  Conversation,
  Events,
  Friend,
  FriendRequestIn,
  FriendRequestOut,
  GroupJoinRequest,
  GroupMember,
  GroupProfile,
  Message,
  OwnProfile,
  Presence,
  PresenceChoice,
  RecallBody,
  SystemBody,
  TextBody,
  UserRef,
} from '../proto/types';
import {
  ackPending,
  addPending,
  emptyLog,
  failPending,
  mergeEntries,
  mergeHistory,
  removePending,
  type ChatMessage,
  type ConvLog,
} from './messages';

/** Where a chat goes: a known conversation, or a direct chat with no conversation yet. */
export type ChatKey = string; // `c:ID` or `u:USERID`

export const convKey = (id: number): ChatKey => `c:${id}`;
export const userKey = (id: number): ChatKey => `u:${id}`;

export interface Notice {
  id: string;
  kind: 'friend_response' | 'group_join_response';
  accepted: boolean;
  reason: string;
  /** the friend's user id, or the group's id */
  subject: number;
  name: string;
  at: number;
  /** group_join_response: whether this user asked (requester) or invited someone (inviter) */
  role?: 'requester' | 'inviter';
  /** the invited user's id, when this client made the invitation */
  invitee?: number;
}

/**
 * The notice for a `group_join_response`: to the requester ("You joined") when the request
 * is among one's own (`outgoing`), else to the inviter (who knows the invitee only when
 * the invitation was made here).
 */
export function joinResponseNotice(ev: Events['group_join_response'], outgoing: GroupJoinRequest[], invited: Record<number, number>, now: number): Notice {
  const mine = outgoing.some((r) => r.request_id === ev.request_id);
  return {
    id: `gr:${ev.request_id}`,
    kind: 'group_join_response',
    accepted: ev.accepted,
    reason: ev.reason,
    subject: ev.group_id,
    name: ev.group_name,
    at: now,
    role: mine ? 'requester' : 'inviter',
    ...(!mine && invited[ev.request_id] ? { invitee: invited[ev.request_id] } : {}),
  };
}

export interface AppState {
  me: { user_id: number; username: string } | null;
  profile: OwnProfile | null;
  presence: PresenceChoice;
  conversations: Record<number, Conversation>;
  /** set when an event names a conversation the list does not have: fetch `conversations` */
  conversationsStale: boolean;
  logs: Record<ChatKey, ConvLog>;
  categories: Category[];
  friends: Record<number, Friend>;
  friendsLoaded: boolean;
  friendRequests: { incoming: FriendRequestIn[]; outgoing: FriendRequestOut[] };
  groupRequests: { incoming: GroupJoinRequest[]; outgoing: GroupJoinRequest[] };
  /** invitations made here that wait for approval: request id -> invited user */
  invited: Record<number, number>;
  notices: Notice[];
  groups: Record<number, GroupProfile>;
  members: Record<number, GroupMember[]>;
  /** groups whose profile or members changed since loaded */
  groupsStale: Record<number, true>;
  /** groups one left, was removed from, or that were dissolved */
  leftGroups: Record<number, true>;
  /** conversation id -> user id -> until (ms) */
  typing: Record<number, Record<number, number>>;
  users: Record<number, UserRef>;
  blocked: UserRef[];
  /** a presence event that arrived before the login response (the server sends one's own status first) */
}

export const initialState: AppState = {
  me: null,
  profile: null,
  presence: 'online',
  conversations: {},
  conversationsStale: false,
  logs: {},
  categories: [],
  friends: {},
  friendsLoaded: false,
  friendRequests: { incoming: [], outgoing: [] },
  groupRequests: { incoming: [], outgoing: [] },
  invited: {},
  notices: [],
  groups: {},
  members: {},
  groupsStale: {},
  leftGroups: {},
  typing: {},
  users: {},
  blocked: [],
};

export type Action =
  | { type: 'reset' }
  | { type: 'session'; user_id: number; username: string }
  | { type: 'profile'; profile: OwnProfile }
  | { type: 'presenceChosen'; status: PresenceChoice }
  | { type: 'conversations'; list: Conversation[] }
  | { type: 'history'; key: ChatKey; entries: Message[]; hasMore: boolean }
  | { type: 'sync'; key: ChatKey; entries: Message[] }
  /** after a reconnect: groups gone while away, and every loaded group to be fetched again */
  | { type: 'resumed'; gone: number[] }
  | { type: 'dropLog'; key: ChatKey }
  | { type: 'message'; msg: Message }
  | { type: 'read'; ev: Events['read'] }
  | { type: 'markedRead'; conversation_id: number; read_seq: number }
  | { type: 'pendingAdded'; key: ChatKey; msg: ChatMessage }
  | { type: 'pendingAcked'; key: ChatKey; client_id: string; ack: { conversation_id: number; seq: number; created_at: number }; peer_id?: number }
  | { type: 'pendingFailed'; key: ChatKey; client_id: string; failure?: ChatMessage['failure'] }
  | { type: 'pendingRemoved'; key: ChatKey; client_id: string }
  | { type: 'typing'; ev: Events['typing']; until: number }
  | { type: 'typingExpired'; now: number }
  | { type: 'presence'; ev: Events['presence'] }
  | { type: 'ownPresence'; status: PresenceChoice }
  | { type: 'friends'; categories: Category[]; friends: Friend[] }
  | { type: 'friendAdded'; friend: Friend }
  | { type: 'friendDeleted'; user_id: number }
  | { type: 'friendPatched'; user_id: number; patch: Partial<Friend> }
  | { type: 'friendRequests'; incoming: FriendRequestIn[]; outgoing: FriendRequestOut[] }
  | { type: 'friendRequestIn'; req: FriendRequestIn }
  | { type: 'friendRequestDone'; request_id: number }
  | { type: 'groupRequests'; incoming: GroupJoinRequest[]; outgoing: GroupJoinRequest[] }
  | { type: 'groupRequestIn'; req: GroupJoinRequest }
  | { type: 'groupRequestDone'; request_id: number }
  | { type: 'invited'; request_id: number; user_id: number }
  | { type: 'notice'; notice: Notice }
  | { type: 'noticeDismissed'; id: string }
  | { type: 'groupInfo'; group: GroupProfile }
  | { type: 'groupMembers'; group_id: number; members: GroupMember[] }
  | { type: 'groupGone'; group_id: number }
  | { type: 'users'; users: UserRef[] }
  | { type: 'blocked'; users: UserRef[] };

function userRefOf(u: { user_id: number; username: string; nickname: string; avatar: string }): UserRef {
  return { user_id: u.user_id, username: u.username, nickname: u.nickname, avatar: u.avatar };
}

function addUsers(users: Record<number, UserRef>, list: UserRef[]): Record<number, UserRef> {
  if (!list.length) return users;
  const next = { ...users };
  for (const u of list) if (u && u.user_id) next[u.user_id] = userRefOf(u);
  return next;
}

function mentionsMe(msg: Message, myId: number): boolean {
  if (msg.kind !== 'text') return false;
  const b = msg.body as TextBody;
  return !!b.mention_all || (Array.isArray(b.mentions) && b.mentions.includes(myId));
}

function updateLog(state: AppState, key: ChatKey, f: (l: ConvLog) => ConvLog): Record<ChatKey, ConvLog> {
  return { ...state.logs, [key]: f(state.logs[key] ?? emptyLog) };
}

/** Applies a message event to the conversation list entry. */
function conversationAfterMessage(c: Conversation, msg: Message, myId: number): Conversation {
  if (msg.seq <= c.last_seq && c.last_message && c.last_message.seq >= msg.seq) {
    // an old entry (e.g. re-delivered): only a recall of the last message matters
    return c;
  }
  const fromOther = msg.sender_id !== myId;
  const counts = fromOther && msg.kind === 'text' && msg.seq > c.read_seq;
  let last = msg;
  if (msg.kind === 'recall' && c.last_message && c.last_message.seq === (msg.body as { seq: number }).seq) {
    last = { ...c.last_message, recalled: true, body: {} };
  }
  return {
    ...c,
    last_seq: Math.max(c.last_seq, msg.seq),
    last_message: msg.kind === 'recall' ? last : msg,
    unread: c.unread + (counts ? 1 : 0),
    mentions: c.mentions + (counts && mentionsMe(msg, myId) ? 1 : 0),
    // read_seq stays: the server does not move one's cursor when one sends
  };
}

/**
 * A recall of an unread message takes it out of the counts (as the server's counts do).
 * `target` is the recalled entry as the log held it; unknown: the list is fetched again.
 */
function countsAfterRecall(c: Conversation, recall: Message, target: Message | undefined, myId: number): { c: Conversation; stale: boolean } {
  const seq = (recall.body as RecallBody).seq;
  if (!(seq > c.read_seq)) return { c, stale: false };
  if (!target) return { c, stale: true };
  if (target.recalled || target.kind !== 'text' || target.sender_id === myId) return { c, stale: false };
  return {
    c: { ...c, unread: Math.max(0, c.unread - 1), mentions: Math.max(0, c.mentions - (mentionsMe(target, myId) ? 1 : 0)) },
    stale: false,
  };
}

/** Unread and mention counts after `readSeq`, when the log holds every entry up to `lastSeq`. */
function unreadInLog(log: ConvLog | undefined, readSeq: number, lastSeq: number, myId: number): { unread: number; mentions: number } | null {
  if (!log) return null;
  const after = log.items.filter((m) => m.seq > readSeq && m.seq <= lastSeq);
  if (after.length !== lastSeq - readSeq) return null;
  const counted = after.filter((m) => m.kind === 'text' && !m.recalled && m.sender_id !== myId);
  return { unread: counted.length, mentions: counted.filter((m) => mentionsMe(m, myId)).length };
}

/** Finds the log holding an own pending message: its chat's key, or where that log moved. */
function pendingKey(logs: Record<ChatKey, ConvLog>, key: ChatKey, clientId: string): ChatKey {
  if (logs[key]?.pending.some((p) => p.client_id === clientId)) return key;
  for (const [k, l] of Object.entries(logs)) if (l.pending.some((p) => p.client_id === clientId)) return k;
  return key;
}

/** Moves log `from` under `to`, merging with what `to` holds. */
function moveLog(logs: Record<ChatKey, ConvLog>, from: ChatKey, to: ChatKey, myId?: number): Record<ChatKey, ConvLog> {
  const moved = logs[from];
  if (!moved || from === to) return logs;
  const next = { ...logs };
  delete next[from];
  const old = next[to];
  if (!old) {
    next[to] = moved;
  } else {
    const merged = mergeEntries(old, moved.items, myId);
    const ids = new Set(merged.pending.map((p) => p.client_id));
    next[to] = { ...merged, pending: [...merged.pending, ...moved.pending.filter((p) => !ids.has(p.client_id))] };
  }
  return next;
}

function applySystem(state: AppState, msg: Message): AppState {
  const b = msg.body as SystemBody;
  const gid = msg.conversation_id;
  let next: AppState = { ...state, groupsStale: { ...state.groupsStale, [gid]: true } };
  const me = state.me?.user_id;
  if (b.event === 'dissolved' || ((b.event === 'removed' || b.event === 'left') && b.user_id === me)) {
    next = { ...next, leftGroups: { ...next.leftGroups, [gid]: true } };
  }
  if (b.event === 'joined' && b.user_id === me && next.leftGroups[gid]) {
    const left = { ...next.leftGroups };
    delete left[gid];
    next = { ...next, leftGroups: left };
  }
  const g = next.groups[gid];
  if (g) {
    let patch: Partial<GroupProfile> | null = null;
    if (b.event === 'muted_all') patch = { muted_all: !!b.muted };
    if (b.event === 'updated') {
      const { event: _e, by: _b, ...rest } = b;
      patch = rest as Partial<GroupProfile>;
    }
    if (b.event === 'owner' && b.user_id) {
      patch = { owner_id: b.user_id, role: b.user_id === me ? 'owner' : g.role === 'owner' ? 'member' : g.role };
    }
    if (b.event === 'admin' && b.user_id === me) patch = { role: b.admin ? 'admin' : 'member' };
    if (patch) next = { ...next, groups: { ...next.groups, [gid]: { ...g, ...patch } } };
  }
  const c = next.conversations[gid];
  if (c?.group) {
    let patch: Partial<NonNullable<Conversation['group']>> | null = null;
    if (b.event === 'updated') {
      patch = {};
      if (typeof b.name === 'string') patch.name = b.name;
      if (typeof b.avatar === 'string') patch.avatar = b.avatar;
    }
    if (b.event === 'owner' && b.user_id) {
      patch = { role: b.user_id === me ? 'owner' : c.group.role === 'owner' ? 'member' : c.group.role };
      if (b.user_id === me) patch.muted_until = 0; // the server lifts a new owner's mute
    }
    if (b.event === 'admin' && b.user_id === me) patch = { role: b.admin ? 'admin' : 'member' };
    if (b.event === 'muted_all') patch = { muted_all: !!b.muted };
    if (b.event === 'muted' && b.user_id === me) patch = { muted_until: typeof b.until === 'number' ? b.until : 0 };
    if (b.event === 'unmuted' && b.user_id === me) patch = { muted_until: 0 };
    if (patch && Object.keys(patch).length) {
      next = { ...next, conversations: { ...next.conversations, [gid]: { ...c, group: { ...c.group, ...patch } } } };
    }
  }
  return next;
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'reset':
      return initialState;
    case 'session': {
      const me = { user_id: action.user_id, username: action.username };
      return state.me && state.me.user_id !== action.user_id ? { ...initialState, me } : { ...state, me };
    }
    case 'ownPresence':
      return { ...state, presence: action.status };
    case 'profile':
      return { ...state, profile: action.profile, users: addUsers(state.users, [action.profile]) };
    case 'presenceChosen':
      return { ...state, presence: action.status };
    case 'conversations': {
      const conversations: Record<number, Conversation> = {};
      let logs = state.logs;
      for (const c of action.list) {
        conversations[c.conversation_id] = c;
        // a direct chat started before its conversation existed moves under its id
        if (c.kind === 'direct') logs = moveLog(logs, userKey(c.peer.user_id), convKey(c.conversation_id), state.me?.user_id);
      }
      return {
        ...state,
        conversations,
        logs,
        conversationsStale: false,
        users: addUsers(state.users, action.list.filter((c) => c.kind === 'direct').map((c) => c.peer)),
      };
    }
    case 'history':
      return {
        ...state,
        logs: updateLog(state, action.key, (l) => mergeHistory(l, action.entries, action.hasMore, state.me?.user_id)),
      };
    case 'sync': {
      // entries missed while away: group changes among them apply now (those already in
      // the log were applied when their event came)
      const held = new Set((state.logs[action.key]?.items ?? []).map((m) => m.seq));
      let next: AppState = { ...state, logs: updateLog(state, action.key, (l) => mergeEntries(l, action.entries, state.me?.user_id)) };
      for (const e of action.entries) if (e.kind === 'system' && !held.has(e.seq)) next = applySystem(next, e);
      return next;
    }
    case 'resumed': {
      const leftGroups = { ...state.leftGroups };
      for (const gid of action.gone) leftGroups[gid] = true;
      const groupsStale = { ...state.groupsStale };
      for (const gid of Object.keys(state.groups)) groupsStale[Number(gid)] = true;
      return { ...state, leftGroups, groupsStale };
    }
    case 'dropLog': {
      const logs = { ...state.logs };
      const old = logs[action.key];
      delete logs[action.key];
      // keep unsent messages
      if (old?.pending.length) logs[action.key] = { ...emptyLog, pending: old.pending };
      return { ...state, logs };
    }
    case 'message': {
      const msg = action.msg;
      const myId = state.me?.user_id ?? 0;
      const key = convKey(msg.conversation_id);
      let next: AppState = {
        ...state,
        logs: updateLog(state, key, (l) => mergeEntries(l, [msg], myId)),
      };
      const c = state.conversations[msg.conversation_id];
      if (c) {
        let after = conversationAfterMessage(c, msg, myId);
        const held = state.logs[key]?.items;
        if (msg.kind === 'recall' && !held?.some((m) => m.seq === msg.seq)) {
          const target = held?.find((m) => m.seq === (msg.body as RecallBody).seq);
          const r = countsAfterRecall(after, msg, target, myId);
          after = r.c;
          if (r.stale) next.conversationsStale = true;
        }
        next.conversations = { ...state.conversations, [c.conversation_id]: after };
      } else {
        next.conversationsStale = true;
      }
      if (msg.kind === 'system') next = applySystem(next, msg);
      // a message ends the sender's typing
      const t = state.typing[msg.conversation_id];
      if (t && t[msg.sender_id]) {
        const rest = { ...t };
        delete rest[msg.sender_id];
        next.typing = { ...state.typing, [msg.conversation_id]: rest };
      }
      return next;
    }
    case 'read': {
      const { conversation_id, user_id, read_seq } = action.ev;
      const c = state.conversations[conversation_id];
      if (!c) return state;
      if (user_id === state.me?.user_id) return reducer(state, { type: 'markedRead', conversation_id, read_seq });
      return {
        ...state,
        conversations: { ...state.conversations, [conversation_id]: { ...c, peer_read_seq: Math.max(c.peer_read_seq, read_seq) } },
      };
    }
    case 'markedRead': {
      const c = state.conversations[action.conversation_id];
      if (!c || action.read_seq < c.read_seq) return state;
      const all = action.read_seq >= c.last_seq;
      const counted = all ? null : unreadInLog(state.logs[convKey(c.conversation_id)], action.read_seq, c.last_seq, state.me?.user_id ?? 0);
      return {
        ...state,
        conversations: {
          ...state.conversations,
          [c.conversation_id]: {
            ...c,
            read_seq: action.read_seq,
            unread: all ? 0 : counted ? counted.unread : Math.min(c.unread, c.last_seq - action.read_seq),
            mentions: all ? 0 : counted ? counted.mentions : c.mentions,
          },
        },
      };
    }
    case 'pendingAdded':
      return { ...state, logs: updateLog(state, action.key, (l) => addPending(l, action.msg)) };
    case 'pendingAcked': {
      const { ack } = action;
      const key = pendingKey(state.logs, action.key, action.client_id);
      const target = convKey(ack.conversation_id);
      const known = !!state.logs[target];
      // the first message of a new direct chat: its log moves under the conversation
      let logs = moveLog(state.logs, key, target, state.me?.user_id);
      logs = { ...logs, [target]: ackPending(logs[target] ?? emptyLog, action.client_id, ack) };
      if (!known) {
        // a conversation the list did not know yet is new: nothing older exists
        const l = logs[target];
        logs[target] = { ...l, loaded: true, hasMoreBefore: (l.items[0]?.seq ?? 1) > 1 };
      }
      let conversations = state.conversations;
      const c = conversations[ack.conversation_id];
      const log = logs[target];
      const stored = log.items.find((m) => m.seq === ack.seq);
      if (c && stored) {
        conversations = { ...conversations, [c.conversation_id]: conversationAfterMessage(c, stored, state.me?.user_id ?? 0) };
      }
      return { ...state, logs, conversations, conversationsStale: state.conversationsStale || !c };
    }
    case 'pendingFailed': {
      const key = pendingKey(state.logs, action.key, action.client_id);
      return { ...state, logs: updateLog(state, key, (l) => failPending(l, action.client_id, action.failure)) };
    }
    case 'pendingRemoved': {
      const key = pendingKey(state.logs, action.key, action.client_id);
      return { ...state, logs: updateLog(state, key, (l) => removePending(l, action.client_id)) };
    }
    case 'typing': {
      const { conversation_id, user_id } = action.ev;
      return {
        ...state,
        typing: { ...state.typing, [conversation_id]: { ...(state.typing[conversation_id] ?? {}), [user_id]: action.until } },
      };
    }
    case 'typingExpired': {
      let changed = false;
      const typing: AppState['typing'] = {};
      for (const [cid, users] of Object.entries(state.typing)) {
        const keep: Record<number, number> = {};
        for (const [uid, until] of Object.entries(users)) {
          if (until > action.now) keep[Number(uid)] = until;
          else changed = true;
        }
        if (Object.keys(keep).length) typing[Number(cid)] = keep;
      }
      return changed ? { ...state, typing } : state;
    }
    case 'presence': {
      const { user_id, status } = action.ev;
      if (!state.me) return state; // before the session: presence_get follows it
      if (user_id === state.me.user_id) {
        return status === 'offline' ? state : { ...state, presence: status as PresenceChoice };
      }
      const f = state.friends[user_id];
      let next = state;
      if (f) next = { ...next, friends: { ...next.friends, [user_id]: { ...f, presence: status as Presence } } };
      // members lists show presence too
      let membersChanged = false;
      const members: AppState['members'] = {};
      for (const [gid, list] of Object.entries(state.members)) {
        if (list.some((m) => m.user_id === user_id)) {
          membersChanged = true;
          members[Number(gid)] = list.map((m) => (m.user_id === user_id ? { ...m, presence: status } : m));
        } else members[Number(gid)] = list;
      }
      return membersChanged ? { ...next, members } : next;
    }
    case 'friends': {
      const friends: Record<number, Friend> = {};
      for (const f of action.friends) friends[f.user_id] = { ...f, presence: f.presence ?? 'offline' };
      return {
        ...state,
        categories: [...action.categories].sort((a, b) => a.position - b.position),
        friends,
        friendsLoaded: true,
        users: addUsers(state.users, action.friends),
      };
    }
    case 'friendAdded': {
      const old = state.friends[action.friend.user_id];
      return {
        ...state,
        friends: {
          ...state.friends,
          [action.friend.user_id]: { ...action.friend, presence: action.friend.presence ?? old?.presence ?? 'offline' },
        },
        users: addUsers(state.users, [action.friend]),
        friendRequests: {
          ...state.friendRequests,
          incoming: state.friendRequests.incoming.filter((r) => r.from.user_id !== action.friend.user_id),
        },
      };
    }
    case 'friendDeleted': {
      const friends = { ...state.friends };
      delete friends[action.user_id];
      return { ...state, friends };
    }
    case 'friendPatched': {
      const f = state.friends[action.user_id];
      if (!f) return state;
      return { ...state, friends: { ...state.friends, [action.user_id]: { ...f, ...action.patch } } };
    }
    case 'friendRequests':
      return {
        ...state,
        friendRequests: { incoming: action.incoming, outgoing: action.outgoing },
        users: addUsers(state.users, [...action.incoming.map((r) => r.from), ...action.outgoing.map((r) => r.to)]),
      };
    case 'friendRequestIn': {
      const rest = state.friendRequests.incoming.filter((r) => r.request_id !== action.req.request_id);
      return {
        ...state,
        friendRequests: { ...state.friendRequests, incoming: [action.req, ...rest] },
        users: addUsers(state.users, [action.req.from]),
      };
    }
    case 'friendRequestDone':
      return {
        ...state,
        friendRequests: {
          ...state.friendRequests,
          incoming: state.friendRequests.incoming.filter((r) => r.request_id !== action.request_id),
        },
      };
    case 'groupRequests':
      return {
        ...state,
        groupRequests: { incoming: action.incoming.filter((r) => r.status === 'pending'), outgoing: action.outgoing },
        users: addUsers(state.users, action.incoming.map((r) => r.user)),
      };
    case 'groupRequestIn': {
      const rest = state.groupRequests.incoming.filter((r) => r.request_id !== action.req.request_id);
      return {
        ...state,
        groupRequests: { ...state.groupRequests, incoming: [action.req, ...rest] },
        users: addUsers(state.users, [action.req.user]),
      };
    }
    case 'groupRequestDone':
      return {
        ...state,
        groupRequests: {
          ...state.groupRequests,
          incoming: state.groupRequests.incoming.filter((r) => r.request_id !== action.request_id),
        },
      };
    case 'invited':
      return { ...state, invited: { ...state.invited, [action.request_id]: action.user_id } };
    case 'notice':
      return { ...state, notices: [action.notice, ...state.notices.filter((n) => n.id !== action.notice.id)].slice(0, 50) };
    case 'noticeDismissed':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'groupInfo': {
      const stale = { ...state.groupsStale };
      delete stale[action.group.group_id];
      return { ...state, groups: { ...state.groups, [action.group.group_id]: action.group }, groupsStale: stale };
    }
    case 'groupMembers':
      return {
        ...state,
        members: { ...state.members, [action.group_id]: action.members },
        users: addUsers(state.users, action.members),
      };
    case 'groupGone':
      return { ...state, leftGroups: { ...state.leftGroups, [action.group_id]: true } };
    case 'users':
      return { ...state, users: addUsers(state.users, action.users) };
    case 'blocked':
      return { ...state, blocked: action.users, users: addUsers(state.users, action.users) };
  }
}

// ---- selectors ----

/** Conversations, most recent first. */
export function sortedConversations(state: AppState): Conversation[] {
  return Object.values(state.conversations).sort(
    (a, b) => (b.last_message?.created_at ?? 0) - (a.last_message?.created_at ?? 0) || b.conversation_id - a.conversation_id,
  );
}

export function directConversationWith(state: AppState, userId: number): Conversation | undefined {
  return Object.values(state.conversations).find((c) => c.kind === 'direct' && c.peer.user_id === userId);
}

/** The groups one is in, from the conversation list (the protocol has no group list request). */
export function myGroups(state: AppState): Conversation[] {
  return Object.values(state.conversations)
    .filter((c) => c.kind === 'group' && !state.leftGroups[c.conversation_id])
    .sort((a, b) => (a.group?.name ?? '').localeCompare(b.group?.name ?? ''));
}

/** Whether the conversation has messages from others to mark read. */
export function needsRead(c: Conversation | undefined): boolean {
  return !!c && c.unread > 0 && c.read_seq < c.last_seq;
}

export function totalUnread(state: AppState): number {
  return Object.values(state.conversations).reduce((n, c) => n + c.unread, 0);
}

/** Whether an own message waits for the server (it lives only in this page until then). */
export function hasUnsent(state: AppState): boolean {
  return Object.values(state.logs).some((log) => log.pending.some((m) => m.delivery === 'pending'));
}

// per member list (lists are replaced, never changed): user id -> member
const memberIndex = new WeakMap<GroupMember[], Map<number, GroupMember>>();

/** A member of a loaded group's list, by user id (indexed once per list). */
export function memberOf(state: AppState, groupId: number, userId: number): GroupMember | undefined {
  const list = state.members[groupId];
  if (!list) return undefined;
  let index = memberIndex.get(list);
  if (!index) memberIndex.set(list, (index = new Map(list.map((m) => [m.user_id, m]))));
  return index.get(userId);
}

/** The name to show for a user: group card (in that group), else remark, else nickname, else username. */
export function displayName(state: AppState, userId: number, groupId?: number): string {
  const m = groupId !== undefined ? memberOf(state, groupId, userId) : undefined;
  if (m?.card) return m.card;
  const f = state.friends[userId];
  if (f?.remark) return f.remark;
  if (f?.nickname) return f.nickname;
  if (userId === state.me?.user_id && state.profile) return state.profile.nickname || state.profile.username;
  const u = state.users[userId];
  if (u) return u.nickname || u.username;
  if (m) return m.nickname || m.username;
  return `#${userId}`;
}

/** The title of a conversation: the group's name, or the peer's display name. */
export function conversationTitle(state: AppState, c: Conversation): string {
  if (c.kind === 'group') return c.group?.name ?? `#${c.conversation_id}`;
  return displayName(state, c.peer.user_id);
}
