#!/usr/bin/env python3
"""W4 over TLS, ad hoc: N idle authenticated wss:// connections, server RSS per connection.

parley-bench speaks plain ws:// only; until it speaks TLS this measures W4 over wss://
(docs/benchmarks.md, "W4"). Standard library only; slow to open (Python's TLS), so use a
few thousand connections at most.

usage: w4_tls_idle.py PARLEYD N [--plain]
Starts PARLEYD with a self-signed certificate (or plain with --plain), registers N/4
users and logs each in on 4 devices over HTTP(S), reads VmRSS, opens N WebSockets
(TLS, upgrade, hello, auth with a token), holds them 5 s, reads VmRSS again.
"""
import asyncio, base64, json, os, ssl, struct, subprocess, sys, tempfile, time

PARLEYD, N = sys.argv[1], int(sys.argv[2])
PLAIN = "--plain" in sys.argv
DEVICES = 4


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


def frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def read_frame(reader):
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", await reader.readexactly(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", await reader.readexactly(8))[0]
    return b0 & 0x0F, await reader.readexactly(n)


class Ws:
    async def open(self, port, source):
        ctx = None
        if not PLAIN:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        self.r, self.w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx, local_addr=(source, 0))
        key = base64.b64encode(os.urandom(16)).decode()
        self.w.write((f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await self.r.readuntil(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.next_id = 0
        return self

    async def call(self, type_, data):
        self.next_id += 1
        rid = str(self.next_id)
        self.w.write(frame(json.dumps({"id": rid, "type": type_, "data": data})))
        while True:
            op, payload = await read_frame(self.r)
            if op != 1:
                continue
            for line in payload.decode().split("\n"):
                msg = json.loads(line)
                if msg.get("id") == rid:
                    if not msg.get("ok"):
                        raise RuntimeError(f"{type_}: {msg}")
                    return msg.get("result")


async def main():
    d = tempfile.mkdtemp()
    args = [PARLEYD, "--listen", "127.0.0.1:0", "--port-file", d + "/port", "--data-dir", d + "/data",
            "--argon2-ops", "1", "--argon2-memory-kib", "8", "--max-requests-per-second", "1000000",
            "--request-burst", "1000000", "--max-connections-per-ip", "100000"]
    if not PLAIN:
        args.append("--tls-self-signed")
    log = open(d + "/log", "w")
    server = subprocess.Popen(args, stdout=log, stderr=log)
    try:
        while not os.path.exists(d + "/port") or not open(d + "/port").read().strip():
            await asyncio.sleep(0.05)
        port = int(open(d + "/port").read().strip())
        import http.client
        if PLAIN:
            conn = http.client.HTTPConnection("127.0.0.1", port)
        else:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl._create_unverified_context())

        def post(type_, data):
            conn.request("POST", "/api/v1/" + type_, json.dumps(data), {"Content-Type": "application/json"})
            body = json.loads(conn.getresponse().read())
            if not body.get("ok") and body.get("error", {}).get("code") != "conflict":
                raise RuntimeError(f"{type_}: {body}")
            return body.get("result")

        tokens = []
        for u in range((N + DEVICES - 1) // DEVICES):
            name = f"tlsidle{u}"
            post("register", {"username": name, "password": "correct horse 1"})
            for dev in range(DEVICES):
                tokens.append(post("login", {"username": name, "password": "correct horse 1", "device": f"d{dev}"})["token"])
        conn.close()
        await asyncio.sleep(1)
        before = rss_kib(server.pid)
        sem = asyncio.Semaphore(64)
        held = []

        async def one(i):
            async with sem:
                ws = await Ws().open(port, f"127.0.0.{2 + i % 4}")
                await ws.call("hello", {"versions": [1], "client": "tls-idle/0"})
                await ws.call("auth", {"token": tokens[i]})
                held.append(ws)

        t0 = time.time()
        await asyncio.gather(*(one(i) for i in range(N)))
        opened = time.time() - t0
        await asyncio.sleep(5)
        after = rss_kib(server.pid)
        mode = "plain" if PLAIN else "tls"
        print(f"{mode} connections={len(held)} open_s={opened:.1f} rss_before_mib={before/1024:.1f} "
              f"rss_after_mib={after/1024:.1f} kib_per_conn={(after-before)/len(held):.2f}")
    finally:
        server.terminate()
        server.wait()


asyncio.run(main())
