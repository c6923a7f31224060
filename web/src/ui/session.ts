// Wires a logged-in ParleyClient to the app state: events -> reducer, the initial load and
// the resync after reconnects, and the actions the UI calls (send, history, read, ...).
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type Dispatch } from 'react';
import { ProtoError, type ParleyClient, type SessionInfo } from '../proto/client';
import { newClientId } from '../proto/clientId';
import type { GroupJoinRequest, RequestData, RequestType, ResponseResult, TextBody } from '../proto/types';
import { afterSendError, minSeq, type ChatMessage } from '../state/messages';
import { planResync, snapshotForResync } from '../state/resync';
import { convKey, joinResponseNotice, needsRead, type Action, type AppState, type ChatKey } from '../state/store';

/** A chat the user has open: a conversation, or a direct chat with a user not yet talked to. */
export interface ChatTarget {
  key: ChatKey;
  kind: 'direct' | 'group';
  conversation_id: number; // 0 while a new direct chat has no conversation
  peer_id: number; // direct: the other user; group: 0
}

export interface Api {
  client: ParleyClient;
  state: AppState;
  dispatch: Dispatch<Action>;
  myId: number;
  call<T extends RequestType>(type: T, data?: RequestData<T>): Promise<ResponseResult<T>>;
  sendText(chat: ChatTarget, text: string, mentions?: number[], mentionAll?: boolean): void;
  resend(chat: ChatTarget, msg: ChatMessage): void;
  loadLatest(conversationId: number): Promise<void>;
  loadOlder(conversationId: number): Promise<void>;
  /** Loads history back to entry `seq` (a search hit); false when it is not there. */
  loadUntil(conversationId: number, seq: number): Promise<boolean>;
  markRead(conversationId: number): void;
  refreshConversations(): Promise<void>;
  refreshFriends(): Promise<void>;
  refreshFriendRequests(): Promise<void>;
  refreshGroupRequests(): Promise<void>;
  refreshBlocked(): Promise<void>;
  loadGroup(groupId: number): Promise<void>;
  loadMembers(groupId: number): Promise<void>;
  /** Answers a join request; 'decided' when another admin answered it first. */
  respondGroup(requestId: number, accept: boolean): Promise<'done' | 'decided'>;
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside a session');
  return api;
}

const PAGE = 40;
const SYNC_PAGE = 100;
const JUMP_PAGE = 200;
const MAX_SYNC_GAP = 500;

/** Runs f unless a run under the same name is still under way. */
async function oneAtATime(running: Set<string>, name: string, f: () => Promise<void>): Promise<void> {
  if (running.has(name)) return;
  running.add(name);
  try {
    await f();
  } finally {
    running.delete(name);
  }
}

export function useSessionApi(client: ParleyClient, state: AppState, dispatch: Dispatch<Action>): Api {
  const stateRef = useRef(state);
  stateRef.current = state;
  const loading = useRef(new Set<string>());
  const readSent = useRef(new Map<number, number>());

  const call = useCallback(
    <T extends RequestType>(type: T, data?: RequestData<T>) => client.request(type, data),
    [client],
  );

  const refreshConversations = useCallback(async () => {
    const r = await client.request('conversations', {});
    dispatch({ type: 'conversations', list: r.conversations });
  }, [client, dispatch]);

  const refreshFriends = useCallback(async () => {
    const r = await client.request('friends_list', {});
    dispatch({ type: 'friends', categories: r.categories, friends: r.friends });
  }, [client, dispatch]);

  const refreshFriendRequests = useCallback(async () => {
    const r = await client.request('friend_requests', {});
    dispatch({ type: 'friendRequests', incoming: r.incoming, outgoing: r.outgoing });
  }, [client, dispatch]);

  const refreshGroupRequests = useCallback(async () => {
    const r = await client.request('group_requests', {});
    dispatch({ type: 'groupRequests', incoming: r.incoming, outgoing: r.outgoing });
  }, [client, dispatch]);

  const refreshBlocked = useCallback(async () => {
    const r = await client.request('blocks_list', {});
    dispatch({ type: 'blocked', users: r.users });
  }, [client, dispatch]);

  const respondGroup = useCallback(
    async (requestId: number, accept: boolean): Promise<'done' | 'decided'> => {
      try {
        await client.request('group_respond', { request_id: requestId, accept });
        dispatch({ type: 'groupRequestDone', request_id: requestId });
        return 'done';
      } catch (e) {
        if (!(e instanceof ProtoError) || (e.code !== 'conflict' && e.code !== 'not_found')) throw e;
        // decided elsewhere (or, for conflict, the group is full): see which
        const r = await client.request('group_requests', {});
        dispatch({ type: 'groupRequests', incoming: r.incoming, outgoing: r.outgoing });
        if (r.incoming.some((x) => x.request_id === requestId && x.status === 'pending')) throw e;
        dispatch({ type: 'groupRequestDone', request_id: requestId });
        return 'decided';
      }
    },
    [client, dispatch],
  );

  const loadGroup = useCallback(
    async (groupId: number) => {
      try {
        const g = await client.request('group_info', { group_id: groupId });
        dispatch({ type: 'groupInfo', group: g });
      } catch (e) {
        if (e instanceof ProtoError && e.code === 'not_found') dispatch({ type: 'groupGone', group_id: groupId });
        else throw e;
      }
    },
    [client, dispatch],
  );

  const loadMembers = useCallback(
    (groupId: number) =>
      oneAtATime(loading.current, `members:${groupId}`, async () => {
        try {
          const all = [];
          let after = 0;
          for (let i = 0; i < 20; i++) {
            const r = await client.request('group_members', { group_id: groupId, after_user_id: after, limit: 500 });
            all.push(...r.members);
            if (!r.has_more || !r.members.length) break;
            after = r.members[r.members.length - 1].user_id;
          }
          dispatch({ type: 'groupMembers', group_id: groupId, members: all });
        } catch (e) {
          if (e instanceof ProtoError && e.code === 'not_found') dispatch({ type: 'groupGone', group_id: groupId });
        }
      }),
    [client, dispatch],
  );

  const loadLatest = useCallback(
    (conversationId: number) =>
      oneAtATime(loading.current, `latest:${conversationId}`, async () => {
        const r = await client.request('history', { conversation_id: conversationId, limit: PAGE });
        dispatch({ type: 'history', key: convKey(conversationId), entries: r.messages, hasMore: r.has_more });
      }),
    [client, dispatch],
  );

  const loadOlder = useCallback(
    async (conversationId: number) => {
      const key = convKey(conversationId);
      const log = stateRef.current.logs[key];
      if (!log || !log.hasMoreBefore) return;
      await oneAtATime(loading.current, `older:${conversationId}`, async () => {
        const before = minSeq(log);
        const r = await client.request(
          'history',
          before ? { conversation_id: conversationId, before_seq: before, limit: PAGE } : { conversation_id: conversationId, limit: PAGE },
        );
        dispatch({ type: 'history', key, entries: r.messages, hasMore: r.has_more });
      });
    },
    [client, dispatch],
  );

  const loadUntil = useCallback(
    async (conversationId: number, seq: number): Promise<boolean> => {
      const key = convKey(conversationId);
      const log = stateRef.current.logs[key];
      if (log?.loaded && log.items.some((m) => m.seq === seq)) return true;
      // the log stays one run from the newest entry back: page back until seq is in it
      let before = log?.loaded ? minSeq(log) : 0;
      let more = log?.loaded ? log.hasMoreBefore : true;
      for (let i = 0; i < 100 && more && (before === 0 || before > seq); i++) {
        const r = await client.request(
          'history',
          before ? { conversation_id: conversationId, before_seq: before, limit: JUMP_PAGE } : { conversation_id: conversationId, limit: JUMP_PAGE },
        );
        dispatch({ type: 'history', key, entries: r.messages, hasMore: r.has_more });
        more = r.has_more && r.messages.length > 0;
        if (r.messages.length) before = before ? Math.min(before, r.messages[0].seq) : r.messages[0].seq;
      }
      return before > 0 && before <= seq;
    },
    [client, dispatch],
  );

  const markRead = useCallback(
    (conversationId: number) => {
      const c = stateRef.current.conversations[conversationId];
      if (!c || !needsRead(c)) return;
      if ((readSent.current.get(conversationId) ?? 0) >= c.last_seq) return;
      readSent.current.set(conversationId, c.last_seq);
      client
        .request('message_read', { conversation_id: conversationId, seq: c.last_seq })
        .then((r) => dispatch({ type: 'markedRead', conversation_id: conversationId, read_seq: r.read_seq }))
        .catch(() => readSent.current.delete(conversationId));
    },
    [client, dispatch],
  );

  const deliver = useCallback(
    async function deliverOnce(chat: ChatTarget, msg: ChatMessage, attempt = 0): Promise<void> {
      const conversationId = msg.conversation_id || stateRef.current.conversations[chat.conversation_id]?.conversation_id || 0;
      const target = conversationId ? { conversation_id: conversationId } : { to: chat.peer_id };
      try {
        const r = await client.request('message_send', {
          ...target,
          client_id: msg.client_id,
          kind: 'text',
          body: msg.body as TextBody,
        });
        dispatch({ type: 'pendingAcked', key: chat.key, client_id: msg.client_id, ack: r });
        if (!conversationId) void refreshConversations().catch(() => {});
      } catch (e) {
        const err = e instanceof ProtoError ? e : new ProtoError({ code: 'internal', message: String(e) });
        const next = afterSendError(err.code, attempt);
        if (next.action === 'wait') return; // stays pending; sent again after the reconnect
        if (next.action === 'retry') {
          // no answer on a live connection: the same client_id again (never stored twice)
          setTimeout(() => {
            const log = stateRef.current.logs;
            const still = Object.values(log).some((l) => l.pending.some((p) => p.client_id === msg.client_id && p.delivery === 'pending'));
            if (still) void deliverOnce(chat, msg, attempt + 1);
          }, next.delayMs);
          return;
        }
        dispatch({
          type: 'pendingFailed',
          key: chat.key,
          client_id: msg.client_id,
          failure: { code: err.code, message: err.message, until: err.until, fromServer: err.fromServer },
        });
      }
    },
    [client, dispatch, refreshConversations],
  );

  const sendText = useCallback(
    (chat: ChatTarget, text: string, mentions?: number[], mentionAll?: boolean) => {
      const body: TextBody = { text };
      if (mentions?.length) body.mentions = mentions;
      if (mentionAll) body.mention_all = true;
      const msg: ChatMessage = {
        conversation_id: chat.conversation_id,
        seq: 0,
        sender_id: stateRef.current.me?.user_id ?? 0,
        client_id: newClientId(),
        kind: 'text',
        body,
        created_at: Date.now(),
        recalled: false,
        delivery: 'pending',
      };
      dispatch({ type: 'pendingAdded', key: chat.key, msg });
      void deliver(chat, msg);
    },
    [deliver, dispatch],
  );

  const resend = useCallback(
    (chat: ChatTarget, msg: ChatMessage) => {
      dispatch({ type: 'pendingAdded', key: chat.key, msg: { ...msg, delivery: 'pending' } });
      void deliver(chat, msg);
    },
    [deliver, dispatch],
  );

  // ---- events ----
  useEffect(() => {
    const offs = [
      client.on('message', (msg) => dispatch({ type: 'message', msg })),
      client.on('read', (ev) => dispatch({ type: 'read', ev })),
      client.on('presence', (ev) => dispatch({ type: 'presence', ev })),
      client.on('typing', (ev) => dispatch({ type: 'typing', ev, until: Date.now() + 4000 })),
      client.on('friend_request', (req) => dispatch({ type: 'friendRequestIn', req })),
      client.on('friend_response', (ev) => {
        const u = stateRef.current.users[ev.user_id];
        dispatch({
          type: 'notice',
          notice: {
            id: `fr:${ev.request_id}`,
            kind: 'friend_response',
            accepted: ev.accepted,
            reason: ev.reason,
            subject: ev.user_id,
            name: u ? u.nickname || u.username : `#${ev.user_id}`,
            at: Date.now(),
          },
        });
        void refreshFriendRequests().catch(() => {});
      }),
      client.on('friend_added', (friend) => {
        dispatch({ type: 'friendAdded', friend });
        // A presence change made as the friendship formed may have come before this event
        // (and been dropped, not yet being a friend's): the list has the current one.
        void refreshFriends().catch(() => {});
      }),
      client.on('friend_deleted', (ev) => dispatch({ type: 'friendDeleted', user_id: ev.user_id })),
      client.on('friends_changed', () => {
        void refreshFriends().catch(() => {});
        void refreshFriendRequests().catch(() => {});
        void refreshBlocked().catch(() => {});
      }),
      client.on('group_join_request', (req) => dispatch({ type: 'groupRequestIn', req })),
      client.on('group_join_response', (ev) => {
        // one's own requests tell whether this is the requester or the inviter
        const notify = (outgoing: GroupJoinRequest[]) =>
          dispatch({ type: 'notice', notice: joinResponseNotice(ev, outgoing, stateRef.current.invited, Date.now()) });
        client
          .request('group_requests', {})
          .then((r) => {
            dispatch({ type: 'groupRequests', incoming: r.incoming, outgoing: r.outgoing });
            notify(r.outgoing);
          })
          .catch(() => notify(stateRef.current.groupRequests.outgoing));
        if (ev.accepted) void refreshConversations().catch(() => {});
      }),
    ];
    return () => offs.forEach((f) => f());
  }, [client, dispatch, refreshBlocked, refreshConversations, refreshFriendRequests, refreshFriends]);

  // ---- initial load and resync on every (re)authentication ----
  useEffect(() => {
    const onSession = async (info: SessionInfo) => {
      // where each log ends, before any live event of this connection is applied
      const snap = info.resumed ? snapshotForResync(stateRef.current) : null;
      if (!info.resumed) {
        // a new login (perhaps another account): nothing carries over
        readSent.current.clear();
        loading.current.clear();
      }
      dispatch({ type: 'session', user_id: info.user_id, username: info.username });
      const tasks: Array<Promise<unknown>> = [
        client.request('profile_get', {}).then((p) => dispatch({ type: 'profile', profile: p as never })),
        client.request('presence_get', {}).then((p) => dispatch({ type: 'ownPresence', status: p.status })),
        refreshFriends(),
        refreshFriendRequests(),
        refreshGroupRequests(),
      ];
      let convs: ResponseResult<'conversations'>['conversations'] | null = null;
      tasks.push(
        client.request('conversations', {}).then((r) => {
          convs = r.conversations;
          dispatch({ type: 'conversations', list: r.conversations });
        }),
      );
      await Promise.allSettled(tasks);
      if (!snap) return;
      readSent.current.clear();
      // without the list nothing can be decided; the next reconnect tries again
      if (!convs) return;
      // catch up every conversation this client holds messages of, from where it stood
      const plan = planResync(snap, convs, MAX_SYNC_GAP);
      dispatch({ type: 'resumed', gone: plan.gone });
      for (const key of plan.drop) dispatch({ type: 'dropLog', key });
      for (const { key, conversation_id, after: from } of plan.sync) {
        let after = from;
        try {
          for (let i = 0; i < 20; i++) {
            const r = await client.request('sync', { conversation_id, after_seq: after, limit: SYNC_PAGE });
            dispatch({ type: 'sync', key, entries: r.messages });
            if (!r.has_more || !r.messages.length) break;
            after = r.messages[r.messages.length - 1].seq;
          }
        } catch (e) {
          if (e instanceof ProtoError && e.code === 'not_found' && snap.groups.includes(conversation_id)) {
            dispatch({ type: 'groupGone', group_id: conversation_id });
          } else {
            // a hole would stay: drop the log, so opening it loads the newest page
            dispatch({ type: 'dropLog', key });
          }
        }
      }
      // send what was waiting for the connection (same client_id: never stored twice)
      for (const [key, log] of Object.entries(stateRef.current.logs)) {
        for (const m of log.pending) {
          if (m.delivery !== 'pending') continue;
          const cid = key.startsWith('c:') ? Number(key.slice(2)) : 0;
          const peer = key.startsWith('u:') ? Number(key.slice(2)) : 0;
          void deliver({ key, kind: 'direct', conversation_id: cid, peer_id: peer }, { ...m, conversation_id: cid });
        }
      }
    };
    return client.onSession((info) => void onSession(info));
  }, [client, deliver, dispatch, refreshFriendRequests, refreshFriends, refreshGroupRequests]);

  // refetch the conversation list when an event named an unknown conversation
  useEffect(() => {
    if (!state.conversationsStale) return;
    const t = setTimeout(() => void refreshConversations().catch(() => {}), 300);
    return () => clearTimeout(t);
  }, [state.conversationsStale, refreshConversations]);

  // typing indicators fade out
  useEffect(() => {
    const t = setInterval(() => dispatch({ type: 'typingExpired', now: Date.now() }), 1000);
    return () => clearInterval(t);
  }, [dispatch]);

  const api: Api = {
    client,
    state,
    dispatch,
    myId: state.me?.user_id ?? 0,
    call,
    sendText,
    resend,
    loadLatest,
    loadOlder,
    loadUntil,
    markRead,
    refreshConversations,
    refreshFriends,
    refreshFriendRequests,
    refreshGroupRequests,
    refreshBlocked,
    loadGroup,
    loadMembers,
    respondGroup,
  };
  // the same object until one of its parts changes (myId changes only with state)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => api, Object.values(api));
}
