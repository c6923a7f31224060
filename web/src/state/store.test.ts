import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../proto/types';
import { convKey, displayName, initialState, reducer, sortedConversations, userKey, type AppState } from './store';

const ME = 10001;

function conv(id: number, extra: Partial<Conversation> = {}): Conversation {
  return {
    conversation_id: id,
    kind: 'direct',
    peer: { user_id: 10002, username: 'bob', nickname: 'Bob', avatar: '' },
    last_seq: 2,
    read_seq: 2,
    peer_read_seq: 0,
    unread: 0,
    mentions: 0,
    ...extra,
  };
}

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    conversation_id: 1,
    seq,
    sender_id: 10002,
    client_id: `c${seq}`,
    kind: 'text',
    body: { text: 'hi' },
    created_at: seq * 1000,
    recalled: false,
    ...extra,
  };
}

function base(): AppState {
  let s = reducer(initialState, { type: 'session', user_id: ME, username: 'alice' });
  s = reducer(s, { type: 'conversations', list: [conv(1), conv(7, { kind: 'group', group: { group_id: 7, name: 'G', avatar: '', role: 'member' } })] });
  return s;
}

describe('store reducer', () => {
  it('counts unread and mentions from message events', () => {
    let s = base();
    s = reducer(s, { type: 'message', msg: msg(3) });
    s = reducer(s, { type: 'message', msg: msg(3, { conversation_id: 7, body: { text: '@me', mentions: [ME] } }) });
    s = reducer(s, { type: 'message', msg: msg(4, { conversation_id: 7, kind: 'system', body: { event: 'joined', by: 1, user_id: 5 } }) });
    expect(s.conversations[1]).toMatchObject({ unread: 1, last_seq: 3 });
    expect(s.conversations[7]).toMatchObject({ unread: 1, mentions: 1, last_seq: 4 });
    expect(s.logs[convKey(1)].items.map((m) => m.seq)).toEqual([3]);
  });

  it('does not count the same event twice', () => {
    let s = base();
    s = reducer(s, { type: 'message', msg: msg(3) });
    s = reducer(s, { type: 'message', msg: msg(3) });
    expect(s.conversations[1].unread).toBe(1);
  });

  it('marks an unknown conversation stale so the list is fetched', () => {
    const s = reducer(base(), { type: 'message', msg: msg(1, { conversation_id: 99 }) });
    expect(s.conversationsStale).toBe(true);
  });

  it('applies read events: own clears unread, peer moves peer_read_seq', () => {
    let s = reducer(base(), { type: 'message', msg: msg(3) });
    s = reducer(s, { type: 'read', ev: { conversation_id: 1, user_id: 10002, read_seq: 3 } });
    expect(s.conversations[1]).toMatchObject({ peer_read_seq: 3, unread: 1 });
    s = reducer(s, { type: 'read', ev: { conversation_id: 1, user_id: ME, read_seq: 3 } });
    expect(s.conversations[1]).toMatchObject({ read_seq: 3, unread: 0 });
  });

  it('moves a new direct chat under its conversation id when acknowledged', () => {
    let s = base();
    const key = userKey(10003);
    s = reducer(s, { type: 'pendingAdded', key, msg: msg(0, { sender_id: ME, client_id: 'n1', conversation_id: 0 }) });
    s = reducer(s, { type: 'pendingAcked', key, client_id: 'n1', ack: { conversation_id: 5, seq: 1, created_at: 9 } });
    expect(s.logs[key]).toBeUndefined();
    expect(s.logs[convKey(5)].items.map((m) => [m.seq, m.delivery])).toEqual([[1, 'sent']]);
    expect(s.conversationsStale).toBe(true);
  });

  it('tracks leaving a group from system entries', () => {
    const s = reducer(base(), { type: 'message', msg: msg(3, { conversation_id: 7, kind: 'system', body: { event: 'removed', by: 1, user_id: ME } }) });
    expect(s.leftGroups[7]).toBe(true);
  });

  it('expires typing indicators', () => {
    let s = reducer(base(), { type: 'typing', ev: { conversation_id: 1, user_id: 10002 }, until: 100 });
    expect(s.typing[1][10002]).toBe(100);
    s = reducer(s, { type: 'typingExpired', now: 101 });
    expect(s.typing[1]).toBeUndefined();
  });

  it('updates presence of friends and orders conversations by last message', () => {
    let s = reducer(base(), {
      type: 'friends',
      categories: [{ category_id: 1, name: 'My friends', position: 0, is_default: true }],
      friends: [{ user_id: 10002, username: 'bob', nickname: 'Bob', avatar: '', signature: '', remark: 'Bobby', category_id: 1, since: 1, presence: 'offline' }],
    });
    s = reducer(s, { type: 'presence', ev: { user_id: 10002, status: 'away' } });
    expect(s.friends[10002].presence).toBe('away');
    expect(displayName(s, 10002)).toBe('Bobby');
    s = reducer(s, { type: 'message', msg: msg(9, { conversation_id: 7 }) });
    expect(sortedConversations(s).map((c) => c.conversation_id)).toEqual([7, 1]);
  });

  it('prefers the group card in groups', () => {
    let s = reducer(base(), {
      type: 'groupMembers',
      group_id: 7,
      members: [{ user_id: 10002, username: 'bob', nickname: 'Bob', avatar: '', role: 'member', card: 'Captain', joined_at: 1, muted_until: 0, presence: 'online' }],
    });
    s = reducer(s, { type: 'friendAdded', friend: { user_id: 10002, username: 'bob', nickname: 'Bob', avatar: '', signature: '', remark: 'Bobby', category_id: 1, since: 1 } });
    expect(displayName(s, 10002, 7)).toBe('Captain');
    expect(displayName(s, 10002)).toBe('Bobby');
    expect(displayName(s, 4242)).toBe('#4242');
  });
});

describe('new direct chats', () => {
  it('know that a brand-new conversation has no older history', () => {
    let s = base();
    const key = userKey(10009);
    s = reducer(s, { type: 'pendingAdded', key, msg: msg(0, { sender_id: ME, client_id: 'z', conversation_id: 0 }) });
    s = reducer(s, { type: 'pendingAcked', key, client_id: 'z', ack: { conversation_id: 12, seq: 1, created_at: 1 } });
    expect(s.logs[convKey(12)]).toMatchObject({ loaded: true, hasMoreBefore: false });
  });
});

describe('own presence', () => {
  it('takes the chosen status from presence_get, then follows own presence events', () => {
    let s = reducer(initialState, { type: 'session', user_id: ME, username: 'alice' });
    s = reducer(s, { type: 'ownPresence', status: 'busy' });
    expect(s.presence).toBe('busy');
    s = reducer(s, { type: 'presence', ev: { user_id: ME, status: 'away' } });
    expect(s.presence).toBe('away');
    // others' devices see an invisible user as offline; one's own state keeps the choice
    s = reducer(s, { type: 'presence', ev: { user_id: ME, status: 'offline' } });
    expect(s.presence).toBe('away');
  });
});
