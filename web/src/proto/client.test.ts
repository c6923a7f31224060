import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, ParleyClient, ProtoError, splitFrame, type SocketLike } from './client';

/** A scripted server end: records what the client sent and lets the test answer. */
class FakeSocket implements SocketLike {
  sent: Array<{ id: number; type: string; data?: Record<string, unknown> }> = [];
  closed: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(public url: string) {}
  send(data: string) {
    for (const line of data.split('\n')) this.sent.push(JSON.parse(line));
  }
  close(code = 1000) {
    this.closed = code;
  }
  // server side helpers
  open() {
    this.onopen?.({});
  }
  frame(...msgs: unknown[]) {
    this.onmessage?.({ data: msgs.map((m) => JSON.stringify(m)).join('\n') });
  }
  serverClose(code: number) {
    this.onclose?.({ code });
  }
  last(type: string) {
    const m = [...this.sent].reverse().find((s) => s.type === type);
    if (!m) throw new Error(`client sent no ${type}`);
    return m;
  }
  reply(type: string, result: unknown) {
    this.frame({ id: this.last(type).id, ok: true, result });
  }
}

function setup(extra: Partial<ConstructorParameters<typeof ParleyClient>[0]> = {}) {
  const sockets: FakeSocket[] = [];
  const client = new ParleyClient({
    url: 'ws://test/ws',
    socketFactory: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    pingIntervalMs: 0,
    random: () => 0.5,
    ...extra,
  });
  return { client, sockets };
}

const LOGIN_RESULT = { token: 'tok1', user_id: 10001, username: 'alice', device: 'web-x', expires_at: 1 };

async function flush() {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function loggedIn(extra = {}) {
  const t = setup(extra);
  const p = t.client.connect({ kind: 'password', username: 'alice', password: 'pw123456', device: 'web-x' });
  const s = t.sockets[0];
  s.open();
  await flush();
  s.reply('hello', { version: 1, server: 'parleyd', limits: {} });
  await flush();
  s.reply('login', LOGIN_RESULT);
  const info = await p;
  return { ...t, s, info };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('splitFrame', () => {
  it('splits several messages per frame and skips blanks and junk', () => {
    expect(splitFrame('{"a":1}\n{"b":2}\n\n{bad\n{"c":3}\n')).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and a cap', () => {
    expect(backoffDelay(0, 500, 30000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 30000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30000, () => 1)).toBe(4000);
    expect(backoffDelay(30, 500, 30000, () => 1)).toBe(30000);
    expect(backoffDelay(30, 500, 30000, () => 0)).toBe(15000);
  });
});

describe('ParleyClient', () => {
  it('sends hello first, then login, and goes online', async () => {
    const states: string[] = [];
    const t = setup();
    t.client.onState((s) => states.push(s));
    const p = t.client.connect({ kind: 'password', username: 'alice', password: 'pw123456', device: 'web-x' });
    const s = t.sockets[0];
    expect(s.sent).toEqual([]);
    s.open();
    await flush();
    expect(s.sent.map((m) => m.type)).toEqual(['hello']);
    expect(s.sent[0].data).toMatchObject({ versions: [1] });
    s.reply('hello', { version: 1 });
    await flush();
    expect(s.sent[1]).toMatchObject({ type: 'login', data: { username: 'alice', device: 'web-x' } });
    s.reply('login', LOGIN_RESULT);
    const info = await p;
    expect(info).toMatchObject({ user_id: 10001, token: 'tok1', resumed: false });
    expect(states).toEqual(['connecting', 'online']);
    expect(t.client.currentToken).toBe('tok1');
  });

  it('matches responses to requests by id even out of order and in one frame', async () => {
    const { client, s } = await loggedIn();
    const a = client.request('ping');
    const b = client.request('user_search', { query: 'bo' });
    const [pa, pb] = s.sent.slice(-2);
    s.frame(
      { id: pb.id, ok: true, result: { users: [] } },
      { type: 'presence', data: { user_id: 2, status: 'away' } },
      { id: pa.id, ok: true, result: { time: 5 } },
    );
    await expect(a).resolves.toEqual({ time: 5 });
    await expect(b).resolves.toEqual({ users: [] });
  });

  it('delivers events from a frame with several messages', async () => {
    const { client, s } = await loggedIn();
    const got: unknown[] = [];
    client.on('message', (m) => got.push(m.seq));
    client.on('typing', (m) => got.push(`typing ${m.user_id}`));
    s.onmessage?.({
      data:
        '{"type":"message","data":{"conversation_id":1,"seq":1}}\n{"type":"typing","data":{"conversation_id":1,"user_id":7}}\n{"type":"message","data":{"conversation_id":1,"seq":2}}',
    });
    expect(got).toEqual([1, 'typing 7', 2]);
  });

  it('surfaces error code, message and field', async () => {
    const { client, s } = await loggedIn();
    const p = client.request('profile_update', { email: 'x' });
    s.frame({
      id: s.last('profile_update').id,
      ok: false,
      error: { code: 'bad_request', message: 'bad email', field: 'email', retry: false },
    });
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(ProtoError);
    expect(err).toMatchObject({ code: 'bad_request', message: 'bad email', field: 'email', retry: false });
  });

  it('times out a request that gets no answer', async () => {
    const { client } = await loggedIn({ requestTimeoutMs: 1000 });
    const p = client.request('ping').catch((e) => e);
    vi.advanceTimersByTime(1001);
    expect(await p).toMatchObject({ code: 'timeout' });
  });

  it('retries a rate-limited request after retry_after_ms', async () => {
    const { client, s } = await loggedIn();
    const p = client.request('ping');
    s.frame({ id: s.last('ping').id, ok: false, error: { code: 'rate_limited', message: 'slow', retry: true, retry_after_ms: 200 } });
    await flush();
    const before = s.sent.length;
    vi.advanceTimersByTime(200);
    await flush();
    expect(s.sent.length).toBe(before + 1);
    s.reply('ping', { time: 9 });
    await expect(p).resolves.toEqual({ time: 9 });
  });

  it('rejects a wrong password without reconnecting', async () => {
    const t = setup();
    const p = t.client.connect({ kind: 'password', username: 'alice', password: 'nope12345', device: 'd' });
    const s = t.sockets[0];
    s.open();
    await flush();
    s.reply('hello', {});
    await flush();
    s.frame({ id: s.last('login').id, ok: false, error: { code: 'unauthorized', message: 'wrong username or password' } });
    await expect(p).rejects.toMatchObject({ code: 'unauthorized' });
    vi.advanceTimersByTime(60000);
    expect(t.sockets.length).toBe(1);
    expect(t.client.state).toBe('offline');
  });

  it('reconnects with backoff after a lost connection and resumes with auth', async () => {
    const { client, sockets, s } = await loggedIn({ backoffBaseMs: 1000 });
    const sessions: Array<{ resumed: boolean }> = [];
    const states: string[] = [];
    client.onSession((x) => sessions.push(x));
    client.onState((x) => states.push(x));
    const pending = client.request('ping').catch((e) => e);
    s.serverClose(1006);
    expect(await pending).toMatchObject({ code: 'disconnected' });
    expect(client.state).toBe('reconnecting');
    // attempt 0: cap 1000, random 0.5 -> 750 ms
    vi.advanceTimersByTime(749);
    expect(sockets.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(sockets.length).toBe(2);
    // the second attempt fails too: the next wait doubles
    sockets[1].serverClose(1006);
    vi.advanceTimersByTime(1499);
    expect(sockets.length).toBe(2);
    vi.advanceTimersByTime(1);
    expect(sockets.length).toBe(3);
    const s3 = sockets[2];
    s3.open();
    await flush();
    s3.reply('hello', {});
    await flush();
    expect(s3.last('auth').data).toEqual({ token: 'tok1' });
    expect(s3.sent.some((m) => m.type === 'login')).toBe(false);
    s3.reply('auth', { user_id: 10001, username: 'alice', device: 'web-x', expires_at: 1 });
    await flush();
    expect(client.state).toBe('online');
    expect(sessions).toEqual([expect.objectContaining({ resumed: true, token: 'tok1' })]);
    expect(states).toEqual(['reconnecting', 'online']);
  });

  it('waits reconnect_after_ms after server_shutdown, plus a jittered backoff', async () => {
    for (const [r, wait] of [
      [0, 2050],
      [1, 2100],
    ] as const) {
      const { sockets, s, client } = await loggedIn({ backoffBaseMs: 100, random: () => r });
      s.frame({ type: 'server_shutdown', data: { message: 'restarting', reconnect_after_ms: 2000 } });
      s.serverClose(1012);
      vi.advanceTimersByTime(wait - 1);
      expect(sockets.length).toBe(1);
      vi.advanceTimersByTime(1);
      expect(sockets.length).toBe(2);
      client.stop();
    }
  });

  for (const [code, reason] of [
    [4001, 'logged_in_elsewhere'],
    [4002, 'password_changed'],
  ] as const) {
    it(`does not reconnect after close ${code} and reports why`, async () => {
      const { client, sockets, s } = await loggedIn();
      const fatal: unknown[] = [];
      client.onFatal((f) => fatal.push(f));
      s.frame({ type: 'kicked', data: { reason, message: 'bye' } });
      s.serverClose(code);
      vi.advanceTimersByTime(120000);
      expect(sockets.length).toBe(1);
      expect(client.state).toBe('offline');
      expect(fatal).toEqual([{ closeCode: code, reason, message: 'bye' }]);
    });
  }

  it('reports a token refused on reconnect as fatal', async () => {
    const { client, sockets, s } = await loggedIn();
    const fatal: Array<{ reason: string }> = [];
    client.onFatal((f) => fatal.push(f));
    s.serverClose(1006);
    vi.advanceTimersByTime(1000);
    const s2 = sockets[1];
    s2.open();
    await flush();
    s2.reply('hello', {});
    await flush();
    s2.frame({ id: s2.last('auth').id, ok: false, error: { code: 'unauthorized', message: 'token revoked' } });
    await flush();
    expect(fatal).toEqual([expect.objectContaining({ reason: 'unauthorized' })]);
    vi.advanceTimersByTime(120000);
    expect(sockets.length).toBe(2);
  });

  it('keeps retrying a stored token through network failures', async () => {
    const t = setup({ backoffBaseMs: 100 });
    const p = t.client.connect({ kind: 'token', token: 'stored' });
    t.sockets[0].serverClose(1006);
    expect(t.client.state).toBe('connecting');
    vi.advanceTimersByTime(100);
    const s = t.sockets[1];
    s.open();
    await flush();
    s.reply('hello', {});
    await flush();
    s.reply('auth', { user_id: 1, username: 'a', device: 'd', expires_at: 1 });
    await expect(p).resolves.toMatchObject({ token: 'stored', resumed: false });
  });

  it('stop() closes for good', async () => {
    const { client, sockets, s } = await loggedIn();
    client.stop();
    expect(s.closed).toBe(1000);
    vi.advanceTimersByTime(60000);
    expect(sockets.length).toBe(1);
    await expect(client.request('ping')).rejects.toMatchObject({ code: 'offline' });
  });

  it('drops a half-open connection when a keep-alive ping gets no answer', async () => {
    const { sockets } = await loggedIn({ pingIntervalMs: 1000, requestTimeoutMs: 500, backoffBaseMs: 100 });
    vi.advanceTimersByTime(1000); // ping sent
    vi.advanceTimersByTime(500); // times out -> dropped
    await flush();
    vi.advanceTimersByTime(100);
    expect(sockets.length).toBe(2);
  });
});
