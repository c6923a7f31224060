import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../proto/types';
import { emptyLog, mergeEntries, mergeHistory } from './messages';
import { planResync, snapshotForResync } from './resync';

function conv(id: number, last_seq: number, kind: 'direct' | 'group' = 'direct'): Conversation {
  return {
    conversation_id: id,
    kind,
    peer: { user_id: kind === 'direct' ? 10002 : 0, username: '', nickname: '', avatar: '' },
    last_seq,
    read_seq: 0,
    peer_read_seq: 0,
    unread: 0,
    mentions: 0,
    ...(kind === 'group' ? { group: { group_id: id, name: 'G', avatar: '', role: 'member' as const, muted_all: false, muted_until: 0 } } : {}),
  };
}

function msg(cid: number, seq: number): Message {
  return { conversation_id: cid, seq, sender_id: 10002, client_id: `c${seq}`, kind: 'text', body: { text: 'x' }, created_at: seq, recalled: false };
}

function logUpTo(cid: number, last: number) {
  return mergeHistory(emptyLog, [msg(cid, last - 1), msg(cid, last)], true);
}

describe('resync after a reconnect', () => {
  it('syncs from the seq held at the snapshot, not from a live message that came later', () => {
    const before = { logs: { 'c:1': logUpTo(1, 40) }, conversations: { 1: conv(1, 40) }, groups: {} };
    const snap = snapshotForResync(before);
    // seq 50 arrives live while the conversation list loads
    const after = mergeEntries(before.logs['c:1'], [msg(1, 50)]);
    expect(after.items.at(-1)?.seq).toBe(50);
    const plan = planResync(snap, [conv(1, 50)], 500);
    expect(plan.sync).toEqual([{ key: 'c:1', conversation_id: 1, after: 40 }]);
    expect(plan.drop).toEqual([]);
  });

  it('drops logs too far behind and skips those up to date or never loaded', () => {
    const snap = snapshotForResync({
      logs: { 'c:1': logUpTo(1, 10), 'c:2': logUpTo(2, 5), 'c:3': emptyLog, 'u:10009': logUpTo(0, 3) },
      conversations: { 1: conv(1, 10), 2: conv(2, 5), 3: conv(3, 1) },
      groups: {},
    });
    const plan = planResync(snap, [conv(1, 900), conv(2, 5), conv(3, 9)], 500);
    expect(plan).toEqual({ sync: [], drop: ['c:1'], gone: [] });
  });

  it('marks groups that left the conversation list as gone, keeping their logs', () => {
    const snap = snapshotForResync({
      logs: { 'c:7': logUpTo(7, 4), 'c:8': logUpTo(8, 4) },
      conversations: { 7: conv(7, 4, 'group'), 8: conv(8, 4, 'group') },
      groups: { 9: {} },
    });
    const plan = planResync(snap, [conv(8, 6, 'group')], 500);
    expect(plan.gone).toEqual([7, 9]);
    expect(plan.sync).toEqual([{ key: 'c:8', conversation_id: 8, after: 4 }]);
    expect(plan.drop).toEqual([]);
  });
});
