import { describe, expect, it } from 'vitest';
import type { Message } from '../proto/types';
import {
  ackPending,
  addPending,
  afterSendError,
  SEND_TIMEOUT_RETRIES,
  deliveryLabel,
  emptyLog,
  failPending,
  maxSeq,
  mergeEntries,
  mergeHistory,
  recallers,
  visibleMessages,
} from './messages';

const ME = 10001;
const PEER = 10002;

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    conversation_id: 1,
    seq,
    sender_id: PEER,
    client_id: `c${seq}`,
    kind: 'text',
    body: { text: `m${seq}` },
    created_at: 1000 + seq,
    recalled: false,
    ...extra,
  };
}

describe('message log', () => {
  it('orders by seq and keeps one copy per seq', () => {
    let log = mergeEntries(emptyLog, [msg(3), msg(1)], ME);
    log = mergeEntries(log, [msg(2), msg(3), msg(1)], ME);
    expect(log.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(maxSeq(log)).toBe(3);
  });

  it('merges overlapping sync pages without duplicates', () => {
    let log = mergeEntries(emptyLog, [1, 2, 3, 4].map((s) => msg(s)), ME);
    log = mergeEntries(log, [3, 4, 5, 6].map((s) => msg(s)), ME);
    log = mergeEntries(log, [6, 7].map((s) => msg(s)), ME);
    expect(log.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('merges history pages before and records the start', () => {
    let log = mergeHistory(emptyLog, [msg(5), msg(6)], true, ME);
    expect(log.hasMoreBefore).toBe(true);
    expect(log.loaded).toBe(true);
    log = mergeHistory(log, [msg(3), msg(4)], false, ME);
    expect(log.items.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(log.hasMoreBefore).toBe(false);
  });

  it('marks the target of a recall entry recalled and hides the notice', () => {
    let log = mergeEntries(emptyLog, [msg(1), msg(2)], ME);
    log = mergeEntries(log, [msg(3, { kind: 'recall', body: { seq: 1 }, client_id: 'recall:1:1' })], ME);
    expect(log.items[0]).toMatchObject({ seq: 1, recalled: true, body: {} });
    expect(log.items[1].recalled).toBe(false);
    expect(visibleMessages(log).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('keeps a message recalled when an older copy is merged again', () => {
    let log = mergeEntries(emptyLog, [msg(1), msg(2, { kind: 'recall', body: { seq: 1 } })], ME);
    log = mergeEntries(log, [msg(1)], ME);
    expect(log.items[0].recalled).toBe(true);
  });

  it('turns a pending message into a sent one on ack', () => {
    let log = mergeEntries(emptyLog, [msg(1)], ME);
    log = addPending(log, msg(0, { sender_id: ME, client_id: 'mine' }));
    expect(visibleMessages(log).map((m) => [m.seq, m.delivery])).toEqual([
      [1, undefined],
      [0, 'pending'],
    ]);
    log = ackPending(log, 'mine', { conversation_id: 1, seq: 2, created_at: 5000 });
    expect(log.pending).toEqual([]);
    expect(log.items.map((m) => [m.seq, m.delivery, m.client_id])).toEqual([
      [1, undefined, 'c1'],
      [2, 'sent', 'mine'],
    ]);
  });

  it('dedupes the own pending copy against the server copy by client_id', () => {
    let log = addPending(emptyLog, msg(0, { sender_id: ME, client_id: 'mine' }));
    // the stored copy arrives through sync before the ack (e.g. after a reconnect)
    log = mergeEntries(log, [msg(7, { sender_id: ME, client_id: 'mine' })], ME);
    expect(log.pending).toEqual([]);
    expect(log.items.map((m) => [m.seq, m.delivery])).toEqual([[7, 'sent']]);
    // the late ack changes nothing
    log = ackPending(log, 'mine', { conversation_id: 1, seq: 7, created_at: 1 });
    expect(visibleMessages(log).length).toBe(1);
  });

  it('does not drop a pending message because someone else used the same client_id', () => {
    let log = addPending(emptyLog, msg(0, { sender_id: ME, client_id: 'same' }));
    log = mergeEntries(log, [msg(4, { sender_id: PEER, client_id: 'same' })], ME);
    expect(log.pending.length).toBe(1);
  });

  it('marks a refused message failed and can retry it', () => {
    let log = addPending(emptyLog, msg(0, { sender_id: ME, client_id: 'x' }));
    log = failPending(log, 'x');
    expect(log.pending[0].delivery).toBe('failed');
    log = addPending(log, log.pending[0]);
    expect(log.pending.map((m) => m.delivery)).toEqual(['pending']);
  });

  it('labels delivery with the peer read cursor', () => {
    expect(deliveryLabel({ ...msg(5), delivery: 'sent' }, 4)).toBe('sent');
    expect(deliveryLabel({ ...msg(5), delivery: 'sent' }, 5)).toBe('read');
    expect(deliveryLabel({ ...msg(0), delivery: 'pending' }, 9)).toBe('pending');
    expect(deliveryLabel({ ...msg(0), delivery: 'failed' }, 9)).toBe('failed');
  });
});

describe('after a failed send', () => {
  it('sends again a bounded number of times after a timeout, then fails', () => {
    expect(afterSendError('timeout', 0)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(afterSendError('timeout', 1)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(afterSendError('timeout', SEND_TIMEOUT_RETRIES)).toEqual({ action: 'fail' });
  });
  it('waits for the reconnect when the connection is gone, fails on a refusal', () => {
    expect(afterSendError('disconnected', 0)).toEqual({ action: 'wait' });
    expect(afterSendError('offline', 5)).toEqual({ action: 'wait' });
    expect(afterSendError('forbidden', 0)).toEqual({ action: 'fail' });
  });
});

describe('recall notices', () => {
  it('name the one who recalled, from the recall entry', () => {
    const log = mergeEntries(emptyLog, [msg(1), msg(2, { sender_id: ME }), msg(3, { sender_id: 10005, kind: 'recall', body: { seq: 1 } })]);
    expect([...recallers(log)]).toEqual([[1, 10005]]);
    expect(log.items[0].recalled).toBe(true);
  });
});
