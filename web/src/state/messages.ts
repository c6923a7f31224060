// The message log of one conversation as the client holds it: stored entries ordered by
// seq (deduplicated), plus the user's own messages that are not acknowledged yet.
// Every function here is pure: it returns a new log and never changes its input.
import type { Message, RecallBody } from '../proto/types';

export type Delivery = 'pending' | 'sent' | 'failed';

export interface ChatMessage extends Message {
  /** Only on the user's own messages sent from this client. */
  delivery?: Delivery;
  /** Why the server refused an own message (delivery 'failed'). */
  failure?: { code: string; message: string; until?: number; fromServer?: boolean };
}

export interface ConvLog {
  /** Stored entries, ascending by seq, each seq once. */
  items: ChatMessage[];
  /** Own messages waiting for (or refused by) the server, in send order; seq is 0. */
  pending: ChatMessage[];
  /** Whether older entries exist before items[0] (unknown: true until a page says otherwise). */
  hasMoreBefore: boolean;
  /** Whether the newest page was loaded (so items end at the conversation's end). */
  loaded: boolean;
}

export const emptyLog: ConvLog = { items: [], pending: [], hasMoreBefore: true, loaded: false };

export function maxSeq(log: ConvLog): number {
  return log.items.length ? log.items[log.items.length - 1].seq : 0;
}

export function minSeq(log: ConvLog): number {
  return log.items.length ? log.items[0].seq : 0;
}

function recallTargets(entries: Message[]): Set<number> {
  const s = new Set<number>();
  for (const e of entries) {
    if (e.kind === 'recall' && typeof (e.body as RecallBody).seq === 'number') s.add((e.body as RecallBody).seq);
  }
  return s;
}

function asRecalled(m: ChatMessage): ChatMessage {
  return m.recalled ? m : { ...m, recalled: true, body: {} };
}

/**
 * Merges stored entries (a message event, a sync page, a history page) into the log:
 * ordered by seq, one copy per seq (the newer copy wins, but a recalled one stays
 * recalled), recall entries mark their targets recalled, and the user's own pending
 * copy with the same client_id is replaced by the stored one.
 */
export function mergeEntries(log: ConvLog, entries: Message[], myId?: number): ConvLog {
  if (!entries.length) return log;
  const bySeq = new Map<number, ChatMessage>();
  for (const m of log.items) bySeq.set(m.seq, m);
  for (const e of entries) {
    if (!(e.seq > 0)) continue;
    const old = bySeq.get(e.seq);
    const merged: ChatMessage = { ...e };
    if (old?.delivery) merged.delivery = 'sent';
    bySeq.set(e.seq, old?.recalled ? asRecalled(merged) : merged);
  }
  const targets = recallTargets([...bySeq.values()]);
  for (const seq of targets) {
    const m = bySeq.get(seq);
    if (m) bySeq.set(seq, asRecalled(m));
  }
  const items = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const stored = new Set(entries.filter((e) => myId === undefined || e.sender_id === myId).map((e) => e.client_id));
  const pending = log.pending.filter((p) => !stored.has(p.client_id));
  // a stored copy of one's own message from this client counts as sent
  const ownClientIds = new Set(log.pending.map((p) => p.client_id));
  const items2 = ownClientIds.size
    ? items.map((m) => (ownClientIds.has(m.client_id) && !m.delivery && (myId === undefined || m.sender_id === myId) ? { ...m, delivery: 'sent' as const } : m))
    : items;
  return { ...log, items: items2, pending };
}

/** Merges a history page (older entries) and records whether more exist. */
export function mergeHistory(log: ConvLog, entries: Message[], hasMore: boolean, myId?: number): ConvLog {
  const merged = mergeEntries(log, entries, myId);
  const reachedStart = !hasMore;
  return { ...merged, hasMoreBefore: reachedStart ? false : merged.hasMoreBefore || hasMore, loaded: true };
}

export function addPending(log: ConvLog, msg: ChatMessage): ConvLog {
  if (log.pending.some((p) => p.client_id === msg.client_id)) {
    return {
      ...log,
      pending: log.pending.map((p) => (p.client_id === msg.client_id ? { ...msg, delivery: 'pending', failure: undefined } : p)),
    };
  }
  return { ...log, pending: [...log.pending, { ...msg, seq: 0, delivery: 'pending' }] };
}

/** The server acknowledged an own message: it becomes a stored entry with its seq. */
export function ackPending(
  log: ConvLog,
  clientId: string,
  ack: { conversation_id: number; seq: number; created_at: number },
): ConvLog {
  const p = log.pending.find((m) => m.client_id === clientId);
  if (!p) return log;
  const stored: ChatMessage = { ...p, ...ack, delivery: 'sent' };
  const rest = { ...log, pending: log.pending.filter((m) => m.client_id !== clientId) };
  if (log.items.some((m) => m.seq === ack.seq)) {
    // the server's copy arrived first (e.g. through sync): keep it, mark it sent
    return { ...rest, items: rest.items.map((m) => (m.seq === ack.seq ? { ...m, delivery: 'sent' } : m)) };
  }
  return mergeEntries(rest, [stored]);
}

export function failPending(log: ConvLog, clientId: string, failure?: ChatMessage['failure']): ConvLog {
  return {
    ...log,
    pending: log.pending.map((m) => (m.client_id === clientId ? { ...m, delivery: 'failed', failure } : m)),
  };
}

export function removePending(log: ConvLog, clientId: string): ConvLog {
  return { ...log, pending: log.pending.filter((m) => m.client_id !== clientId) };
}

/** Who recalled what: recalled seq -> the recall entry's sender (the one who recalled it). */
export function recallers(log: ConvLog): Map<number, number> {
  const m = new Map<number, number>();
  for (const e of log.items) {
    if (e.kind === 'recall' && typeof (e.body as RecallBody).seq === 'number') m.set((e.body as RecallBody).seq, e.sender_id);
  }
  return m;
}

/** The entries to show: stored ones without the recall notices themselves, then pending ones. */
export function visibleMessages(log: ConvLog): ChatMessage[] {
  return [...log.items.filter((m) => m.kind !== 'recall'), ...log.pending];
}

/** 'read' when the peer's read cursor passed the message, else its delivery state. */
export function deliveryLabel(m: ChatMessage, peerReadSeq: number): Delivery | 'read' | undefined {
  if (m.seq > 0 && peerReadSeq >= m.seq) return 'read';
  if (m.seq > 0) return 'sent';
  return m.delivery;
}

/** How many times a send that timed out is sent again (same client_id) before it is failed. */
export const SEND_TIMEOUT_RETRIES = 3;

/**
 * What to do with an own message whose send failed with `code`, on try `attempt` (0: the
 * first): `wait` keeps it pending for the resend after the reconnect (the connection is
 * gone), `retry` sends it again after `delayMs` (the connection is up but the answer did not
 * come: sending the same client_id again never stores it twice), `fail` shows it failed
 * (with Resend).
 */
export function afterSendError(code: string, attempt: number): { action: 'wait' } | { action: 'retry'; delayMs: number } | { action: 'fail' } {
  if (code === 'timeout') {
    return attempt < SEND_TIMEOUT_RETRIES ? { action: 'retry', delayMs: 1000 * 2 ** attempt } : { action: 'fail' };
  }
  if (code === 'offline' || code === 'disconnected' || code === 'network' || code === 'unavailable' || code === 'internal') {
    return { action: 'wait' };
  }
  return { action: 'fail' };
}
