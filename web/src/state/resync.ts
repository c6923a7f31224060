// What to catch up after a reconnect, decided from plain data (no I/O here).
//
// The snapshot is taken synchronously when the session starts, before any live `message`
// event of the new connection is applied: the seq held per log at that moment is where
// its sync starts. (Reading it later would let a live message that arrived meanwhile hide
// the gap before it.)
import type { Conversation } from '../proto/types';
import { maxSeq, type ConvLog } from './messages';

export interface ResyncSnapshot {
  /** per `c:ID` log that holds the conversation's end: the last seq it has */
  logs: Array<{ key: string; conversation_id: number; have: number }>;
  /** the groups known before the reconnect (conversation list, loaded profiles, group logs) */
  groups: number[];
}

export interface ResyncPlan {
  /** logs to catch up with `sync` from `after` */
  sync: Array<{ key: string; conversation_id: number; after: number }>;
  /** logs too far behind (or unknown): dropped, so opening them loads the newest page */
  drop: string[];
  /** groups no longer in the conversation list: left, removed or dissolved while away */
  gone: number[];
}

export function snapshotForResync(state: {
  logs: Record<string, ConvLog>;
  conversations: Record<number, Conversation>;
  groups: Record<number, unknown>;
}): ResyncSnapshot {
  const logs: ResyncSnapshot['logs'] = [];
  const groups = new Set<number>();
  for (const c of Object.values(state.conversations)) if (c.kind === 'group') groups.add(c.conversation_id);
  for (const id of Object.keys(state.groups)) groups.add(Number(id));
  for (const [key, log] of Object.entries(state.logs)) {
    if (!key.startsWith('c:')) continue;
    const id = Number(key.slice(2));
    // a log with nothing and no newest page loads the newest page when opened anyway
    if (!log.loaded && !log.items.length) continue;
    logs.push({ key, conversation_id: id, have: maxSeq(log) });
  }
  return { logs, groups: [...groups].sort((a, b) => a - b) };
}

/** Decides, from the snapshot and the fresh conversation list, what to sync, drop and mark gone. */
export function planResync(snap: ResyncSnapshot, list: Conversation[], maxGap: number): ResyncPlan {
  const byId = new Map(list.map((c) => [c.conversation_id, c]));
  const plan: ResyncPlan = { sync: [], drop: [], gone: [] };
  for (const gid of snap.groups) if (!byId.has(gid)) plan.gone.push(gid);
  for (const l of snap.logs) {
    const c = byId.get(l.conversation_id);
    if (!c) continue; // a group that is gone keeps what it shows; a direct one cannot vanish
    if (c.last_seq <= l.have) continue;
    if (c.last_seq - l.have > maxGap) plan.drop.push(l.key);
    else plan.sync.push({ key: l.key, conversation_id: l.conversation_id, after: l.have });
  }
  return plan;
}
