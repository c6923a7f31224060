// The WebSocket connection to parleyd: framing, request/response matching,
// hello + login/auth sequencing, reconnects with backoff and close-code handling.
import type {
  Events,
  EventType,
  RequestData,
  RequestId,
  RequestType,
  ResponseResult,
  WireError,
} from './types';

export type ConnState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/** The part of the browser WebSocket that the client uses (a fake in tests). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** An error from the server (its stable code), or a local one: `timeout`, `disconnected`, `offline`, `network`. */
export class ProtoError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly retry: boolean;
  readonly retryAfterMs?: number;
  readonly until?: number;
  readonly fromServer: boolean;

  constructor(err: WireError, fromServer = true) {
    super(err.message || err.code);
    this.name = 'ProtoError';
    this.code = err.code;
    this.field = err.field;
    this.retry = !!err.retry;
    this.retryAfterMs = err.retry_after_ms;
    this.until = err.until;
    this.fromServer = fromServer;
  }
}

function localError(code: string, message: string, retry = true): ProtoError {
  return new ProtoError({ code, message, retry }, false);
}

export type Credentials =
  | { kind: 'password'; username: string; password: string; device: string }
  | { kind: 'token'; token: string };

export interface SessionInfo {
  user_id: number;
  username: string;
  device: string;
  token: string;
  expires_at: number;
  /** true when this is a re-authentication after a lost connection */
  resumed: boolean;
}

/** Why the client stopped for good and will not reconnect by itself. */
export interface FatalInfo {
  /** the close code (4001, 4002, 4003), or 0 when `auth` was refused on a reconnect */
  closeCode: number;
  /** `logged_in_elsewhere`, `logged_out`, `password_changed`, `session_expired`, `banned` or `unauthorized` */
  reason: string;
  message: string;
}

export interface ClientOptions {
  url: string;
  socketFactory: SocketFactory;
  clientName?: string;
  requestTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** 0 disables the keep-alive ping */
  pingIntervalMs?: number;
  random?: () => number;
}

export interface RequestOptions {
  timeoutMs?: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: ProtoError) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Listener = (data: never) => void;

const PRE_AUTH = new Set(['hello', 'ping', 'register', 'login', 'auth']);

/** Splits a text frame into its messages (one JSON object per line). */
export function splitFrame(text: string): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      out.push(JSON.parse(t));
    } catch {
      // a malformed line is skipped; the rest of the frame still counts
    }
  }
  return out;
}

/** Computes the wait before reconnect attempt `attempt` (0-based): exponential with jitter. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * Math.pow(2, Math.min(attempt, 20)));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export class ParleyClient {
  state: ConnState = 'idle';
  /** When the next reconnect attempt starts (ms since epoch), while reconnecting. */
  nextRetryAt = 0;

  private readonly opts: Required<Omit<ClientOptions, 'clientName'>> & { clientName: string };
  private ws: SocketLike | null = null;
  private pending = new Map<RequestId, Pending>();
  private nextId = 1;
  private creds: Credentials | null = null;
  private token: string | null = null;
  private stopped = true;
  private authed = false;
  private everAuthed = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private minNextDelay = 0;
  private lastKick: Events['kicked'] | null = null;
  private firstWaiter: { resolve: (s: SessionInfo) => void; reject: (e: ProtoError) => void } | null = null;

  private eventListeners = new Map<string, Set<Listener>>();
  private stateListeners = new Set<(s: ConnState) => void>();
  private sessionListeners = new Set<(s: SessionInfo) => void>();
  private fatalListeners = new Set<(f: FatalInfo) => void>();

  constructor(opts: ClientOptions) {
    this.opts = {
      clientName: 'parley-web/0.1.0',
      requestTimeoutMs: 15000,
      backoffBaseMs: 500,
      backoffMaxMs: 30000,
      pingIntervalMs: 25000,
      random: Math.random,
      ...opts,
    };
  }

  // ---- subscriptions ----

  on<T extends EventType>(type: T, cb: (data: Events[T]) => void): () => void {
    let set = this.eventListeners.get(type);
    if (!set) this.eventListeners.set(type, (set = new Set()));
    set.add(cb as Listener);
    return () => set!.delete(cb as Listener);
  }

  onState(cb: (s: ConnState) => void): () => void {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  /** Called after every successful login/auth, the first and each resume. */
  onSession(cb: (s: SessionInfo) => void): () => void {
    this.sessionListeners.add(cb);
    return () => this.sessionListeners.delete(cb);
  }

  /** Called when the client gives up for good after having been logged in (kicked, revoked). */
  onFatal(cb: (f: FatalInfo) => void): () => void {
    this.fatalListeners.add(cb);
    return () => this.fatalListeners.delete(cb);
  }

  // ---- life cycle ----

  /**
   * Connects and logs in. Resolves on the first successful login/auth; rejects when the
   * server refuses it (wrong password, unknown token) or, for a password login, when the
   * connection fails. With a token, network failures are retried with backoff.
   */
  connect(creds: Credentials): Promise<SessionInfo> {
    this.shutdown('idle');
    this.creds = creds;
    this.token = creds.kind === 'token' ? creds.token : null;
    this.stopped = false;
    this.everAuthed = false;
    this.attempt = 0;
    this.lastKick = null;
    return new Promise<SessionInfo>((resolve, reject) => {
      this.firstWaiter = { resolve, reject };
      this.open();
    });
  }

  /** Closes the connection for good (no reconnect). */
  stop(): void {
    this.shutdown('offline');
  }

  /** Sends `logout` (best effort), then stops. */
  async logout(all = false): Promise<void> {
    try {
      if (this.authed) await this.request('logout', { all }, { timeoutMs: 5000 });
    } catch {
      // the token is forgotten locally either way
    }
    this.stop();
  }

  /** Skips the wait of a pending reconnect (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.ws || !this.reconnectTimer) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.open();
  }

  get currentToken(): string | null {
    return this.token;
  }

  // ---- requests ----

  request<T extends RequestType>(
    type: T,
    data?: RequestData<T>,
    options: RequestOptions = {},
  ): Promise<ResponseResult<T>> {
    return this.requestWithRetry(type, data, options, 0);
  }

  private async requestWithRetry<T extends RequestType>(
    type: T,
    data: RequestData<T> | undefined,
    options: RequestOptions,
    tries: number,
  ): Promise<ResponseResult<T>> {
    if (!this.ws || (!this.authed && !PRE_AUTH.has(type))) {
      throw localError('offline', 'not connected');
    }
    try {
      return (await this.rawRequest(this.ws, type, data, options.timeoutMs)) as ResponseResult<T>;
    } catch (e) {
      if (e instanceof ProtoError && e.code === 'rate_limited' && tries < 3) {
        await new Promise((r) => setTimeout(r, e.retryAfterMs ?? 250));
        return this.requestWithRetry(type, data, options, tries + 1);
      }
      throw e;
    }
  }

  private rawRequest(ws: SocketLike, type: string, data: unknown, timeoutMs?: number): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(localError('timeout', `no answer to ${type}`));
      }, timeoutMs ?? this.opts.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        ws.send(JSON.stringify(data === undefined ? { id, type } : { id, type, data }));
      } catch {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(localError('disconnected', 'connection lost'));
      }
    });
  }

  // ---- internals ----

  private setState(s: ConnState): void {
    if (this.state === s) return;
    this.state = s;
    for (const cb of [...this.stateListeners]) cb(s);
  }

  private open(): void {
    this.reconnectTimer = null;
    this.setState(this.everAuthed ? 'reconnecting' : 'connecting');
    let ws: SocketLike;
    try {
      ws = this.opts.socketFactory(this.opts.url);
    } catch {
      this.afterClose(1006);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws === ws) void this.handshake(ws);
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.handleFrame(typeof ev.data === 'string' ? ev.data : String(ev.data));
    };
    ws.onclose = (ev) => this.drop(ws, ev.code, ev.reason);
    ws.onerror = () => {
      /* a close event follows */
    };
  }

  private async handshake(ws: SocketLike): Promise<void> {
    try {
      await this.rawRequest(ws, 'hello', { versions: [1], client: this.opts.clientName });
      let info: SessionInfo;
      if (this.token) {
        const r = (await this.rawRequest(ws, 'auth', { token: this.token })) as ResponseResult<'auth'>;
        info = { ...r, token: this.token, resumed: this.everAuthed };
      } else if (this.creds && this.creds.kind === 'password') {
        const { username, password, device } = this.creds;
        const r = (await this.rawRequest(ws, 'login', { username, password, device })) as ResponseResult<'login'>;
        this.token = r.token;
        this.creds = { kind: 'token', token: r.token }; // forget the password
        info = { ...r, resumed: false };
      } else {
        throw localError('unauthorized', 'no credentials', false);
      }
      if (this.ws !== ws) return;
      this.authed = true;
      this.attempt = 0;
      this.everAuthed = true;
      this.setState('online');
      this.startPing(ws);
      for (const cb of [...this.sessionListeners]) cb(info);
      const w = this.firstWaiter;
      this.firstWaiter = null;
      w?.resolve(info);
    } catch (e) {
      if (this.ws !== ws) return;
      const err = e instanceof ProtoError ? e : localError('internal', String(e));
      if (err.fromServer && err.code !== 'unavailable' && err.code !== 'internal') {
        // the server refused the login or the token: do not retry
        this.giveUp({ closeCode: 0, reason: 'unauthorized', message: err.message }, err);
      } else {
        this.drop(ws, 1006);
      }
    }
  }

  private handleFrame(text: string): void {
    for (const msg of splitFrame(text)) {
      if (!msg || typeof msg !== 'object') continue;
      const m = msg as Record<string, unknown>;
      if (typeof m.ok === 'boolean' && 'id' in m) {
        const id = m.id as RequestId | null;
        if (id === null) continue;
        const p = this.pending.get(id);
        if (!p) continue;
        this.pending.delete(id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result ?? {});
        else p.reject(new ProtoError((m.error as WireError) ?? { code: 'internal', message: 'error' }));
      } else if (typeof m.type === 'string') {
        const data = (m.data ?? {}) as never;
        if (m.type === 'kicked') this.lastKick = data as Events['kicked'];
        if (m.type === 'server_shutdown') {
          const after = (data as Events['server_shutdown']).reconnect_after_ms;
          if (typeof after === 'number') this.minNextDelay = after;
        }
        const set = this.eventListeners.get(m.type);
        if (set) for (const cb of [...set]) cb(data);
      }
    }
  }

  private startPing(ws: SocketLike): void {
    this.stopPing();
    if (!this.opts.pingIntervalMs) return;
    this.pingTimer = setInterval(() => {
      if (this.ws !== ws) return;
      this.rawRequest(ws, 'ping', {}, Math.min(10000, this.opts.requestTimeoutMs)).catch((e: ProtoError) => {
        if (e.code === 'timeout') this.drop(ws, 1006); // a half-open connection
      });
    }, this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private detach(ws: SocketLike, code = 1000): void {
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code);
    } catch {
      /* already closed */
    }
  }

  private rejectPending(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(localError('disconnected', 'connection lost'));
    }
    this.pending.clear();
  }

  /** The socket `ws` is gone (closed by the server, the network, or a failed ping). */
  private drop(ws: SocketLike, code: number, _reason?: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.detach(ws);
    this.afterClose(code);
  }

  private afterClose(code: number): void {
    this.stopPing();
    this.authed = false;
    this.rejectPending();
    if (this.stopped) return;
    if (code === 4001 || code === 4002 || code === 4003) {
      const reason =
        this.lastKick?.reason ?? (code === 4001 ? 'logged_in_elsewhere' : code === 4003 ? 'banned' : 'logged_out');
      this.giveUp({ closeCode: code, reason, message: this.lastKick?.message ?? '' });
      return;
    }
    if (!this.everAuthed && this.creds?.kind === 'password') {
      this.giveUp(
        { closeCode: code, reason: 'network', message: 'could not connect' },
        localError('network', 'could not connect to the server'),
      );
      return;
    }
    // after server_shutdown: its reconnect_after_ms plus the jittered backoff, so that
    // every client of the server does not come back at the same moment
    const delay =
      this.minNextDelay + backoffDelay(this.attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs, this.opts.random);
    this.minNextDelay = 0;
    this.attempt++;
    this.nextRetryAt = Date.now() + delay;
    this.setState(this.everAuthed ? 'reconnecting' : 'connecting');
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  private giveUp(fatal: FatalInfo, err?: ProtoError): void {
    const w = this.firstWaiter;
    this.firstWaiter = null;
    this.shutdown('offline');
    if (w) w.reject(err ?? new ProtoError({ code: 'unauthorized', message: fatal.message || fatal.reason }));
    else for (const cb of [...this.fatalListeners]) cb(fatal);
  }

  private shutdown(state: ConnState): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    if (ws) this.detach(ws, 1000);
    this.authed = false;
    this.rejectPending();
    const w = this.firstWaiter;
    this.firstWaiter = null;
    w?.reject(localError('disconnected', 'stopped', false));
    this.setState(state);
  }
}

/** The WebSocket URL on the page's own origin. */
export function defaultWsUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

/** One-shot HTTP request (`POST /api/v1/TYPE`), e.g. for `register`. */
export async function httpRequest<T extends RequestType>(
  type: T,
  data: RequestData<T>,
  fetchImpl: typeof fetch = fetch,
): Promise<ResponseResult<T>> {
  let res: Response;
  try {
    res = await fetchImpl(`/api/v1/${type}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(data),
    });
  } catch {
    throw localError('network', 'could not reach the server');
  }
  let body: { ok?: boolean; result?: unknown; error?: WireError } = {};
  try {
    body = await res.json();
  } catch {
    throw localError('internal', `HTTP ${res.status}`);
  }
  if (body.ok) return body.result as ResponseResult<T>;
  throw new ProtoError(body.error ?? { code: 'internal', message: `HTTP ${res.status}` });
}
