import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../proto/types';
import { convKey, displayName, hasUnsent, initialState, joinResponseNotice, memberOf, needsRead, reducer, sortedConversations, userKey, type AppState } from './store';

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
  s = reducer(s, { type: 'conversations', list: [conv(1), conv(7, { kind: 'group', group: { group_id: 7, name: 'G', avatar: '', role: 'member', muted_all: false, muted_until: 0 } })] });
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

describe('a group conversation', () => {
  it('follows my mute and the group mute from system entries', () => {
    let s = reducer(base(), {
      type: 'conversations',
      list: [conv(7, { kind: 'group', group: { group_id: 7, name: 'G', avatar: '', role: 'member', muted_all: false, muted_until: 0 } })],
    });
    const system = (seq: number, body: Record<string, unknown>) =>
      msg(seq, { conversation_id: 7, kind: 'system', sender_id: 10002, client_id: `system:${seq}`, body });
    s = reducer(s, { type: 'message', msg: system(1, { event: 'muted', by: 10002, user_id: ME, until: 5000 }) });
    expect(s.conversations[7].group?.muted_until).toBe(5000);
    s = reducer(s, { type: 'message', msg: system(2, { event: 'muted', by: 10002, user_id: 10003, until: 9000 }) });
    expect(s.conversations[7].group?.muted_until).toBe(5000);
    s = reducer(s, { type: 'message', msg: system(3, { event: 'unmuted', by: 10002, user_id: ME }) });
    expect(s.conversations[7].group?.muted_until).toBe(0);
    s = reducer(s, { type: 'message', msg: system(4, { event: 'muted_all', by: 10002, muted: true }) });
    expect(s.conversations[7].group?.muted_all).toBe(true);
  });
});

describe('new friends', () => {
  it('show the presence their friend_added event carries', () => {
    const s = reducer(base(), {
      type: 'friendAdded',
      friend: { user_id: 10002, username: 'bob', nickname: 'Bob', avatar: '', signature: '', remark: '', category_id: 1, since: 1, presence: 'busy' },
    });
    expect(s.friends[10002].presence).toBe('busy');
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

describe('catching up after a reconnect', () => {
  const sys = (seq: number, body: Record<string, unknown>) => msg(seq, { conversation_id: 7, kind: 'system', sender_id: 10002, body: { by: 10002, ...body } as never });

  it('applies group changes from sync pages, once', () => {
    let s = reducer(base(), {
      type: 'groupInfo',
      group: { group_id: 7, name: 'G', avatar: '', description: '', join_policy: 'open', invite_policy: 'direct', member_limit: 9, member_count: 3, owner_id: 10002, muted_all: false, full_history: false, created_at: 1, role: 'member' },
    });
    s = reducer(s, { type: 'sync', key: convKey(7), entries: [sys(3, { event: 'muted_all', muted: true }), sys(4, { event: 'admin', user_id: ME, admin: true }), sys(5, { event: 'updated', name: 'New' })] });
    expect(s.groups[7]).toMatchObject({ muted_all: true, role: 'admin', name: 'New' });
    expect(s.conversations[7].group).toMatchObject({ role: 'admin', name: 'New' });
    expect(s.groupsStale[7]).toBe(true);
    // an entry the log already held is not applied again
    s = reducer(s, { type: 'message', msg: sys(6, { event: 'muted_all', muted: false }) });
    s = reducer(s, { type: 'sync', key: convKey(7), entries: [sys(3, { event: 'muted_all', muted: true }), sys(6, { event: 'muted_all', muted: false })] });
    expect(s.groups[7].muted_all).toBe(false);
  });

  it('marks a removal found by sync as leaving the group', () => {
    const s = reducer(base(), { type: 'sync', key: convKey(7), entries: [sys(3, { event: 'removed', user_id: ME })] });
    expect(s.leftGroups[7]).toBe(true);
  });

  it('marks gone groups left and loaded groups stale', () => {
    let s = reducer(base(), {
      type: 'groupInfo',
      group: { group_id: 7, name: 'G', avatar: '', description: '', join_policy: 'open', invite_policy: 'direct', member_limit: 9, member_count: 3, owner_id: 1, muted_all: false, full_history: false, created_at: 1, role: 'member' },
    });
    s = reducer(s, { type: 'resumed', gone: [8] });
    expect(s.leftGroups).toEqual({ 8: true });
    expect(s.groupsStale).toEqual({ 7: true });
  });
});

describe('read cursor', () => {
  it('is not moved by one own messages, so unread ones can still be marked read', () => {
    let s = reducer(base(), { type: 'message', msg: msg(3) });
    s = reducer(s, { type: 'message', msg: msg(4, { sender_id: ME }) });
    expect(s.conversations[1]).toMatchObject({ read_seq: 2, last_seq: 4, unread: 1 });
    expect(needsRead(s.conversations[1])).toBe(true);
    // another device read up to 3: applied
    s = reducer(s, { type: 'read', ev: { conversation_id: 1, user_id: ME, read_seq: 3 } });
    expect(s.conversations[1]).toMatchObject({ read_seq: 3, unread: 0 });
    expect(needsRead(s.conversations[1])).toBe(false);
  });
});

describe('recalls', () => {
  it('take a recalled unread message out of the unread and mention counts', () => {
    let s = reducer(base(), { type: 'message', msg: msg(3, { conversation_id: 7, body: { text: '@me', mentions: [ME] } }) });
    s = reducer(s, { type: 'message', msg: msg(4, { conversation_id: 7 }) });
    expect(s.conversations[7]).toMatchObject({ unread: 2, mentions: 1 });
    const recall = msg(5, { conversation_id: 7, kind: 'recall', body: { seq: 3 }, client_id: 'recall:7:3' });
    s = reducer(s, { type: 'message', msg: recall });
    expect(s.conversations[7]).toMatchObject({ unread: 1, mentions: 0 });
    s = reducer(s, { type: 'message', msg: recall });
    expect(s.conversations[7]).toMatchObject({ unread: 1, mentions: 0 });
  });

  it('of a message the log does not hold fetch the list again', () => {
    const s = reducer(base(), { type: 'message', msg: msg(9, { kind: 'recall', body: { seq: 5 } }) });
    expect(s.conversationsStale).toBe(true);
  });
});

describe('group role and name in the conversation list', () => {
  it('follow owner, admin and updated entries', () => {
    let s = reducer(base(), { type: 'message', msg: msg(3, { conversation_id: 7, kind: 'system', body: { event: 'owner', by: 1, user_id: ME } }) });
    expect(s.conversations[7].group?.role).toBe('owner');
    s = reducer(s, { type: 'message', msg: msg(4, { conversation_id: 7, kind: 'system', body: { event: 'owner', by: ME, user_id: 10002 } }) });
    expect(s.conversations[7].group?.role).toBe('member');
    s = reducer(s, { type: 'message', msg: msg(5, { conversation_id: 7, kind: 'system', body: { event: 'updated', by: 1, name: 'N', avatar: '/a.png' } }) });
    expect(s.conversations[7].group).toMatchObject({ name: 'N', avatar: '/a.png' });
  });
});

describe('a direct chat begun before its conversation existed', () => {
  it('moves under the conversation id when the list names it, pending messages once', () => {
    let s = base();
    const key = userKey(10003);
    s = reducer(s, { type: 'pendingAdded', key, msg: msg(0, { sender_id: ME, client_id: 'p1', conversation_id: 0 }) });
    s = reducer(s, { type: 'conversations', list: [conv(5, { peer: { user_id: 10003, username: 'c', nickname: 'C', avatar: '' }, last_seq: 0 })] });
    expect(s.logs[key]).toBeUndefined();
    expect(s.logs[convKey(5)].pending.map((p) => p.client_id)).toEqual(['p1']);
    // the late answer, addressed to the old key, still finds it
    s = reducer(s, { type: 'pendingAcked', key, client_id: 'p1', ack: { conversation_id: 5, seq: 1, created_at: 9 } });
    expect(s.logs[key]).toBeUndefined();
    expect(s.logs[convKey(5)].pending).toEqual([]);
    expect(s.logs[convKey(5)].items.map((m) => [m.seq, m.delivery])).toEqual([[1, 'sent']]);
  });
});

describe('group join responses', () => {
  const ev = { request_id: 31, group_id: 7, group_name: 'Hiking', accepted: true, reason: '' };
  const req = { request_id: 31, group_id: 7, group_name: 'Hiking', user: { user_id: ME, username: 'alice', nickname: 'A', avatar: '' }, inviter_id: 0, note: '', status: 'accepted' as const, reason: '', created_at: 1, decided_at: 2 };

  it('tell the requester, found among its own requests', () => {
    expect(joinResponseNotice(ev, [req], {}, 5)).toMatchObject({ role: 'requester', name: 'Hiking', subject: 7, accepted: true });
  });

  it('tell the inviter otherwise, naming the invitee when invited from here', () => {
    expect(joinResponseNotice(ev, [], { 31: 10003 }, 5)).toMatchObject({ role: 'inviter', invitee: 10003 });
    expect(joinResponseNotice({ ...ev, accepted: false }, [], {}, 5)).toMatchObject({ role: 'inviter', accepted: false });
    expect(joinResponseNotice(ev, [], {}, 5).invitee).toBeUndefined();
  });
});

describe('member lookup', () => {
  it('indexes each member list once and follows a replaced list', () => {
    const member = (user_id: number, card: string) => ({ user_id, username: `u${user_id}`, nickname: `N${user_id}`, avatar: '', role: 'member' as const, card, joined_at: 1, muted_until: 0, presence: 'online' as const });
    let s = reducer(base(), { type: 'groupMembers', group_id: 7, members: [member(10002, 'Cap'), member(10003, '')] });
    expect(memberOf(s, 7, 10003)?.nickname).toBe('N10003');
    expect(displayName(s, 10002, 7)).toBe('Cap');
    s = reducer(s, { type: 'groupMembers', group_id: 7, members: [member(10002, 'Boss')] });
    expect(displayName(s, 10002, 7)).toBe('Boss');
    expect(memberOf(s, 7, 10003)).toBeUndefined();
    expect(memberOf(s, 8, 10002)).toBeUndefined();
  });
});

describe('unsent messages', () => {
  it('are there from the send until the acknowledgement, and not for a refused one', () => {
    let s = base();
    expect(hasUnsent(s)).toBe(false);
    const key = convKey(1);
    const mine = msg(0, { sender_id: ME, client_id: 'u-1' });
    s = reducer(s, { type: 'pendingAdded', key, msg: { ...mine, delivery: 'pending' } });
    expect(hasUnsent(s)).toBe(true);
    s = reducer(s, { type: 'pendingAcked', key, client_id: 'u-1', ack: { conversation_id: 1, seq: 3, created_at: 3000 } });
    expect(hasUnsent(s)).toBe(false);
    s = reducer(s, { type: 'pendingAdded', key, msg: { ...mine, client_id: 'u-2', delivery: 'pending' } });
    s = reducer(s, { type: 'pendingFailed', key, client_id: 'u-2', failure: { code: 'forbidden', message: 'no' } });
    expect(hasUnsent(s)).toBe(false);
  });
});
