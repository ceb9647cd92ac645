#!/usr/bin/env python3
"""A Mastodon instance and a Bluesky Jetstream instance for hearsay's tests.

One port on 127.0.0.1 serves both, over plain HTTP and websockets (the
`websockets` package, 10.4 as in Debian 12; plain HTTP is answered from its
process_request hook, one request per connection, "Connection: close").

Data, re-read on demand (a test appends lines while the server runs):
  DIR/mastodon.ndjson   {"event":"update","status":{...}}
                        {"event":"status.update","status":{...}}
                        {"event":"delete","id":"ID"}
                        {"event":"OTHER"[,"payload":P]} (streams only, to
                          every subscription: filters_changed, notification..)
                        {"raw":"TEXT"} (streams only: TEXT sent as it is)
  DIR/jetstream.ndjson  one Jetstream frame a line, sent as written
  DIR/instance.json     GET /api/v2/instance (404 when absent)

HTTP:
  GET /api/v1/timelines/tag/TAG, GET /api/v1/timelines/public[?local=true]
      newest first; limit (20, at most --page-max), max_id, since_id,
      min_id as Mastodon; Link: <..?max_id=OLDEST>; rel="next",
      <..?min_id=NEWEST>; rel="prev". With --token: 401 unless
      "Authorization: Bearer TOKEN" (or ?access_token=TOKEN).
  GET /api/v2/instance, GET /api/v1/streaming/health; anything else 404.
Websockets:
  /api/v1/streaming?stream=hashtag&tag=T | hashtag:local&tag=T |
      public:local | public&local=true | public   (with --token: the token
      is required, else 401). Lines appended after the connection opened,
      every 50 ms; {"type":"subscribe"|"unsubscribe",...} messages work.
  /subscribe?wantedCollections=..&wantedDids=..&cursor=TIME_US
      cursor: existing frames with time_us >= cursor first; then lines
      appended after the connection opened, every 50 ms.

Modes (--mode-file, first line's words; read at each HTTP request and
handshake, before each frame a websocket sends and every 50 ms while one is
idle; a missing or empty file is "ok", a bad one is "ok" plus a warning):
  ok              normal service
  status CODE     HTTP answers CODE, {"error":...}; handshakes get CODE
  retry CODE S    the same with Retry-After: S
  close_after N   a websocket that has sent N frames closes with 1011
  drop_after N    a websocket that has sent N frames is aborted (no close
                  frame, TCP closed: transport.abort())
  garbage         once per websocket, before its next frame (at once when
                  idle): a text frame '{"event":' and a binary frame
  hang            HTTP: never answered (the connection is held until the
                  client leaves); websocket: sends nothing and reads nothing
                  (no pongs) until the mode changes or the client leaves;
                  frames held meanwhile are sent afterwards
  quiet           websocket: sends nothing but still answers pings
  truncate        HTTP: full Content-Length, half the body, then close
Modes that do not apply (truncate on a websocket, close_after on HTTP...)
act as ok.

Log (--log): one JSON line per HTTP request {"t","kind":"http","path",
"query","status","ua","auth"}, per websocket handshake {"t","kind":"ws",
...same...} and per websocket end {"t","kind":"ws_end","path","sent",
"garbage","reason"}.
"""
import argparse
import asyncio
import http
import json
import logging
import os
import re
import signal
import socket
import sys
import time
import urllib.parse

import websockets
import websockets.exceptions
from websockets.legacy.server import WebSocketServerProtocol, serve

OPTS = None
LOGF = None
POLL = 0.05
SHUTDOWN = False


# ------------------------------------------------------------------ helpers

def log(rec):
    out = {"t": round(time.time(), 6)}
    out.update(rec)
    LOGF.write(json.dumps(out, ensure_ascii=False) + "\n")
    LOGF.flush()


def err(msg):
    sys.stderr.write("social_server: %s\n" % msg)
    sys.stderr.flush()


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Mode:
    def __init__(self, words):
        self.name = words[0] if words else "ok"
        self.code = self.n = None
        self.retry_after = None
        try:
            if self.name in ("status", "retry"):
                self.code = int(words[1])
                if not 100 <= self.code <= 999:
                    raise ValueError(words[1])
                if self.name == "retry":
                    self.retry_after = words[2]
            elif self.name in ("close_after", "drop_after"):
                self.n = int(words[1])
            elif self.name not in ("ok", "garbage", "hang", "quiet", "truncate"):
                raise ValueError("unknown mode")
        except (IndexError, ValueError) as e:
            err("bad mode %r (%s): using ok" % (" ".join(words), e))
            self.name = "ok"


def read_mode():
    try:
        with open(OPTS.mode_file) as f:
            return Mode(f.read().split())
    except OSError:
        return Mode([])


class AnyStatus:
    """An HTTP status websockets can write even when http.HTTPStatus lacks it."""

    def __init__(self, code):
        self.value = code
        self.phrase = "Status %d" % code


def status_obj(code):
    try:
        return http.HTTPStatus(code)
    except ValueError:
        return AnyStatus(code)


def id_key(i):
    return (len(i), i)


def peer_gone(transport):
    """True once the peer closed or reset the TCP connection (Linux TCP_INFO)."""
    if transport is None or transport.is_closing():
        return True
    sock = transport.get_extra_info("socket")
    try:
        state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
    except (OSError, AttributeError, IndexError):
        return True
    return state in (7, 8, 9)  # TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK


# ------------------------------------------------------------------- files

class Entry:
    __slots__ = ("kind", "id", "status", "raw", "prev", "payload",
                 "time_us", "did", "collection")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


class LineFile:
    """Complete lines of an append-only file, read incrementally.

    When the file shrinks or is replaced, everything is read again and
    `generation` goes up (followers then start again from its first line).
    """

    def __init__(self, path):
        self.path = path
        self.entries = []
        self.offset = 0
        self.ino = None
        self.generation = 0
        self.lineno = 0

    def reset(self):
        self.entries = []
        self.offset = 0
        self.lineno = 0
        self.generation += 1
        self.on_reset()

    def on_reset(self):
        pass

    def refresh(self):
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self.entries or self.offset:
                self.reset()
            self.ino = None
            return
        if (self.ino is not None and st.st_ino != self.ino) or st.st_size < self.offset:
            self.reset()
        self.ino = st.st_ino
        if st.st_size == self.offset:
            return
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(st.st_size - self.offset)
        end = data.rfind(b"\n")
        if end < 0:
            return  # only part of a line so far
        self.offset += end + 1
        for raw in data[:end].split(b"\n"):
            self.lineno += 1
            text = raw.decode("utf-8", "replace").rstrip("\r")
            if not text.strip():
                continue
            e = self.parse(text)
            if e is not None:
                self.entries.append(e)


class MastodonFile(LineFile):
    def on_reset(self):
        self.latest = {}

    def __init__(self, path):
        super().__init__(path)
        self.latest = {}  # id -> latest status seen so far (for deletes)

    def parse(self, text):
        try:
            o = json.loads(text)
            if not isinstance(o, dict):
                raise ValueError("not an object")
            if "raw" in o:
                return Entry(kind="raw", raw=str(o["raw"]))
            ev = o.get("event")
            if ev in ("update", "status.update"):
                st = o["status"]
                if not isinstance(st, dict) or st.get("id") in (None, ""):
                    raise ValueError("status without id")
                sid = str(st["id"])
                self.latest[sid] = st
                return Entry(kind=ev, id=sid, status=st)
            if ev == "delete":
                sid = str(o["id"])
                return Entry(kind="delete", id=sid, prev=self.latest.get(sid))
            if isinstance(ev, str) and ev:
                return Entry(kind="other", raw=ev, payload=o.get("payload"))
            raise ValueError("no event")
        except (ValueError, KeyError, TypeError) as e:
            err("%s:%d: skipped (%s)" % (self.path, self.lineno, e))
            return None

    def current(self):
        """Latest version of every status, deleted ones left out."""
        cur, deleted = {}, set()
        for e in self.entries:
            if e.kind in ("update", "status.update"):
                if e.id not in deleted:
                    cur[e.id] = e.status
            elif e.kind == "delete":
                deleted.add(e.id)
                cur.pop(e.id, None)
        return cur


TIME_RE = re.compile(r'"time_us"\s*:\s*(-?\d+)')


class JetstreamFile(LineFile):
    def parse(self, text):
        e = Entry(kind=None, raw=text)
        try:
            o = json.loads(text)
        except ValueError:
            o = None
        if isinstance(o, dict):
            t = o.get("time_us")
            e.time_us = t if isinstance(t, int) and not isinstance(t, bool) else None
            e.did = o.get("did") if isinstance(o.get("did"), str) else None
            e.kind = o.get("kind") if isinstance(o.get("kind"), str) else None
            c = o.get("commit")
            if isinstance(c, dict) and isinstance(c.get("collection"), str):
                e.collection = c["collection"]
        else:
            m = TIME_RE.search(text)
            if m:
                e.time_us = int(m.group(1))
        if e.time_us is None and self.entries:
            e.time_us = self.entries[-1].time_us  # unreadable: goes with the line before
        return e


MASTO = None
JET = None


# --------------------------------------------------------------- Mastodon

def has_tag(st, tag):
    want = tag.casefold()
    for s in (st, st.get("reblog")):
        if not isinstance(s, dict):
            continue
        for t in s.get("tags") or []:
            if isinstance(t, dict) and isinstance(t.get("name"), str) \
                    and t["name"].lstrip("#").casefold() == want:
                return True
    return False


def last(args, name):
    v = args.get(name)
    if not v or v[-1] == "":
        return None
    return v[-1]


def token_ok(headers, args):
    if not OPTS.token:
        return True
    for a in headers.get_all("Authorization"):
        if a.strip() == "Bearer " + OPTS.token:
            return True
    return last(args, "access_token") == OPTS.token


def timeline_page(statuses, args):
    """Mastodon paging over statuses (any order); returns newest first."""
    lim = last(args, "limit")
    limit = 20
    if lim is not None:
        m = re.match(r"\s*[-+]?(\d+)", lim)
        limit = abs(int(m.group(1))) if m else 20
    limit = min(limit, OPTS.page_max)
    max_id, since_id, min_id = last(args, "max_id"), last(args, "since_id"), last(args, "min_id")
    items = sorted(statuses, key=lambda s: id_key(str(s["id"])))  # oldest first
    if max_id is not None:
        items = [s for s in items if id_key(str(s["id"])) < id_key(max_id)]
    if min_id is not None:
        items = [s for s in items if id_key(str(s["id"])) > id_key(min_id)]
        page = items[:limit]
    else:
        if since_id is not None:
            items = [s for s in items if id_key(str(s["id"])) > id_key(since_id)]
        page = items[-limit:] if limit else []
    page.reverse()
    return page


def link_header(host, path, query, page):
    if not page:
        return None
    keep = [(k, v) for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)
            if k not in ("max_id", "min_id", "since_id", "access_token")]
    base = "http://%s%s" % (host, path)

    def url(k, v):
        return base + "?" + urllib.parse.urlencode(keep + [(k, v)])
    return '<%s>; rel="next", <%s>; rel="prev"' % (url("max_id", str(page[-1]["id"])),
                                                    url("min_id", str(page[0]["id"])))


def parse_stream(name, tag, local):
    """(stream array, matcher) for a Mastodon stream, or an error text."""
    if name == "public" and (local or "").lower() in ("true", "1"):
        name = "public:local"
    if name in ("public", "public:local"):
        return [name], None
    if name in ("hashtag", "hashtag:local"):
        if not tag:
            return None, "No tag for stream provided"
        return [name, tag], tag
    return None, "Unknown stream type"


class Sub:
    def __init__(self, stream, tag):
        self.stream, self.tag = stream, tag

    def matches(self, st):
        return self.tag is None or has_tag(st, self.tag)


def mastodon_frames(e, subs):
    if e.kind == "raw":
        return [e.raw]
    out = []
    for s in subs:
        if e.kind in ("update", "status.update"):
            if s.matches(e.status):
                out.append(dumps({"stream": s.stream, "event": e.kind,
                                  "payload": dumps(e.status)}))
        elif e.kind == "delete":
            if s.tag is None or e.prev is None or s.matches(e.prev):
                out.append(dumps({"stream": s.stream, "event": "delete", "payload": e.id}))
        else:
            f = {"stream": s.stream, "event": e.raw}
            if e.payload is not None:
                f["payload"] = e.payload if isinstance(e.payload, str) else dumps(e.payload)
            out.append(dumps(f))
    return out


# -------------------------------------------------------------- Jetstream

def collection_ok(coll, wanted):
    if not wanted:
        return True
    for w in wanted:
        if w == coll or (w.endswith(".*") and coll is not None and coll.startswith(w[:-1])):
            return True
    return False


def jet_passes(e, conn):
    if conn.dids and e.did is not None and e.did not in conn.dids:
        return False
    if e.kind == "commit":
        return collection_ok(e.collection, conn.collections)
    return True


# --------------------------------------------------------------- protocol

class Conn:
    def __init__(self, path, query, ua, auth):
        self.path, self.query, self.ua, self.auth = path, query, ua, auth
        self.route = None
        self.subs = []
        self.pending = []     # frames to send first (errors, replies)
        self.collections = []
        self.dids = set()
        self.cursor = None
        self.sent = 0
        self.garbage = 0
        self.garbage_done = False
        self.reason = None
        self.ws = None


def json_body(obj):
    return (dumps(obj) + "\n").encode()


class SocialProtocol(WebSocketServerProtocol):
    conn = None

    async def process_request(self, path, headers):
        u = urllib.parse.urlsplit(path)
        route, query = u.path, u.query
        args = urllib.parse.parse_qs(query, keep_blank_values=True)
        ua = headers.get_all("User-Agent")
        auth = headers.get_all("Authorization")
        conn = Conn(route, query, ua[0] if ua else None, auth[0] if auth else None)
        upgrade = any("websocket" in v.lower() for v in headers.get_all("Upgrade"))
        kind = "ws" if upgrade else "http"
        mode = read_mode()
        rec = {"kind": kind, "path": route, "query": query, "ua": conn.ua, "auth": conn.auth}
        if mode.name != "ok":
            rec["mode"] = mode.name

        def answer(code, body, hdrs=()):
            h = list(hdrs)
            if not any(k.lower() == "content-type" for k, _ in h):
                h.append(("Content-Type", "application/json; charset=utf-8"))
            if kind == "http" and mode.name == "truncate":
                h.append(("Content-Length", str(len(body))))
                body = body[:len(body) // 2]
                rec["truncated"] = True
            rec["status"] = code
            log(rec)
            return status_obj(code), h, body

        if mode.name in ("status", "retry"):
            hdrs = [("Retry-After", mode.retry_after)] if mode.name == "retry" else []
            msg = "Too many requests" if mode.code == 429 else "Error %d" % mode.code
            return answer(mode.code, json_body({"error": msg}), hdrs)

        if kind == "http":
            if mode.name == "hang":
                rec["status"] = None
                log(rec)
                await asyncio.shield(self.connection_lost_waiter)
                return None  # the client went away; websockets drops it quietly
            return self.http_route(route, query, args, headers, answer)

        # a websocket handshake
        if route in ("/api/v1/streaming", "/api/v1/streaming/"):
            if not token_ok(headers, args):
                return answer(401, json_body({"error": "The access token is invalid"}))
            conn.route = "mastodon"
            names = args.get("stream") or []
            if names and names[-1]:
                stream, tag = parse_stream(names[-1], last(args, "tag"), last(args, "local"))
                if stream is None:
                    conn.pending.append(dumps({"error": tag, "status": 400}))
                else:
                    conn.subs.append(Sub(stream, tag))
        elif route in ("/subscribe", "/subscribe/"):
            conn.route = "jetstream"
            conn.collections = [c for c in args.get("wantedCollections", []) if c]
            conn.dids = set(d for d in args.get("wantedDids", []) if d)
            cur = last(args, "cursor")
            if cur is not None:
                try:
                    conn.cursor = int(cur)
                except ValueError:
                    return answer(400, json_body({"error": "invalid cursor"}))
        else:
            return answer(404, json_body({"error": "Not found"}))
        conn.ws_rec = rec
        self.conn = conn
        return None

    def http_route(self, route, query, args, headers, answer):
        if route == "/api/v2/instance":
            try:
                with open(os.path.join(OPTS.state, "instance.json"), "rb") as f:
                    return answer(200, f.read())
            except OSError:
                return answer(404, json_body({"error": "Record not found"}))
        if route == "/api/v1/streaming/health":
            return answer(200, b"OK", [("Content-Type", "text/plain")])
        if route in ("/api/v1/streaming", "/api/v1/streaming/", "/subscribe"):
            return answer(426, json_body({"error": "A websocket upgrade is required"}),
                          [("Upgrade", "websocket")])
        tag = None
        if route.startswith("/api/v1/timelines/tag/"):
            tag = urllib.parse.unquote(route[len("/api/v1/timelines/tag/"):])
            if not tag or "/" in tag:
                return answer(404, json_body({"error": "Record not found"}))
        elif route != "/api/v1/timelines/public":
            return answer(404, json_body({"error": "Record not found"}))
        if not token_ok(headers, args):
            return answer(401, json_body({"error": "The access token is invalid"}))
        MASTO.refresh()
        statuses = list(MASTO.current().values())
        if tag is not None:
            statuses = [s for s in statuses if has_tag(s, tag)]
        page = timeline_page(statuses, args)
        host = headers.get_all("Host")
        host = host[0] if host else "127.0.0.1:%d" % OPTS.bound_port
        link = link_header(host, route, query, page)
        return answer(200, (dumps(page) + "\n").encode(), [("Link", link)] if link else [])


# ---------------------------------------------------------- websocket side

async def hold(ws, conn):
    """Mode hang: send nothing and read nothing (no pongs either) until the
    mode changes or the client goes away. Returns False when it went away."""
    tr = ws.transport
    try:
        tr.pause_reading()
    except (AttributeError, RuntimeError):
        pass
    try:
        while True:
            await asyncio.sleep(POLL)
            if peer_gone(tr):
                conn.reason = "shutdown" if SHUTDOWN else "peer_gone"
                tr.abort()
                return False
            if read_mode().name != "hang":
                return True
    finally:
        if not tr.is_closing():
            try:
                tr.resume_reading()
            except (AttributeError, RuntimeError):
                pass


async def gate(ws, conn):
    """Apply the mode before a frame (and on every idle tick).
    Returns False when the connection is over."""
    while True:
        if not ws.open:
            return False
        mode = read_mode()
        if mode.name == "hang":
            if not await hold(ws, conn):
                return False
            continue
        if mode.name == "quiet":
            await asyncio.sleep(POLL)
            continue
        if mode.name == "close_after" and conn.sent >= mode.n:
            conn.reason = "close_after"
            await ws.close(1011, "close_after")
            return False
        if mode.name == "drop_after" and conn.sent >= mode.n:
            conn.reason = "drop_after"
            ws.transport.abort()
            return False
        if mode.name == "garbage" and not conn.garbage_done:
            conn.garbage_done = True
            await ws.send('{"event":')
            await ws.send(b"\x00\xff\xfe garbage \x01")
            conn.garbage += 2
        return True


async def send(ws, conn, text):
    if not await gate(ws, conn):
        return False
    await ws.send(text)
    conn.sent += 1
    return True


async def reader(ws, conn):
    """Client messages: Mastodon (un)subscribe, Jetstream options_update."""
    try:
        await read_messages(ws, conn)
    except websockets.exceptions.ConnectionClosed:
        pass


async def read_messages(ws, conn):
    async for msg in ws:
        if isinstance(msg, bytes):
            continue
        try:
            o = json.loads(msg)
        except ValueError:
            continue
        if not isinstance(o, dict):
            continue
        if conn.route == "mastodon" and o.get("type") in ("subscribe", "unsubscribe"):
            tag = o.get("tag") if isinstance(o.get("tag"), str) else None
            stream, tag = parse_stream(str(o.get("stream", "")), tag, None)
            if stream is None:
                conn.pending.append(dumps({"error": tag, "status": 400}))
            elif o["type"] == "subscribe":
                if not any(s.stream == stream for s in conn.subs):
                    conn.subs.append(Sub(stream, tag))
            else:
                conn.subs = [s for s in conn.subs if s.stream != stream]
        elif conn.route == "jetstream" and o.get("type") == "options_update":
            p = o.get("payload") or {}
            if isinstance(p.get("wantedCollections"), list):
                conn.collections = [c for c in p["wantedCollections"] if isinstance(c, str) and c]
            if isinstance(p.get("wantedDids"), list):
                conn.dids = set(d for d in p["wantedDids"] if isinstance(d, str) and d)


async def follow(ws, conn):
    store = MASTO if conn.route == "mastodon" else JET
    store.refresh()
    gen = store.generation
    pos = len(store.entries)
    replay_end = 0
    if conn.route == "jetstream" and conn.cursor is not None:
        replay_end, pos = pos, 0
    while True:
        if not await gate(ws, conn):
            return
        while conn.pending:
            if not await send(ws, conn, conn.pending.pop(0)):
                return
        store.refresh()
        if store.generation != gen:
            gen, pos, replay_end = store.generation, 0, 0
        while pos < len(store.entries):
            e = store.entries[pos]
            pos += 1
            if conn.route == "mastodon":
                frames = mastodon_frames(e, conn.subs)
            else:
                if pos <= replay_end and (e.time_us is None or e.time_us < conn.cursor):
                    continue
                frames = [e.raw] if jet_passes(e, conn) else []
            for f in frames:
                if not await send(ws, conn, f):
                    return
        await asyncio.sleep(POLL)


async def handler(ws):
    conn = ws.conn
    conn.ws = ws
    rec = conn.ws_rec
    rec["status"] = 101
    log(rec)
    task = asyncio.ensure_future(reader(ws, conn))
    try:
        await follow(ws, conn)
    except websockets.exceptions.ConnectionClosed:
        pass
    finally:
        task.cancel()
        log({"kind": "ws_end", "path": conn.path, "sent": conn.sent,
             "garbage": conn.garbage, "reason": conn.reason or end_reason(ws)})


def end_reason(ws):
    """Who ended a connection the mode did not end."""
    if ws.close_rcvd is not None and (ws.close_sent is None or ws.close_rcvd_then_sent):
        return "client_closed"  # the client sent the first close frame
    if SHUTDOWN:
        return "shutdown"
    if ws.close_rcvd is None:
        return "peer_gone"  # TCP closed or reset without a close frame
    return "client_closed"


# ------------------------------------------------------------------- main

async def run():
    global MASTO, JET, SHUTDOWN
    MASTO = MastodonFile(os.path.join(OPTS.state, "mastodon.ndjson"))
    JET = JetstreamFile(os.path.join(OPTS.state, "jetstream.ndjson"))
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    tls = None
    if OPTS.tls_cert:  # wss:// and https:// with a certificate the client must check
        import ssl
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(OPTS.tls_cert, OPTS.tls_key)
    try:
        server = await serve(handler, "127.0.0.1", OPTS.port, create_protocol=SocialProtocol,
                             ping_interval=None, close_timeout=2, compression=None,
                             max_size=1 << 22, server_header="social_server", ssl=tls)
    except OSError as e:
        err("cannot listen on 127.0.0.1:%d: %s" % (OPTS.port, e))
        sys.exit(1)
    OPTS.bound_port = server.sockets[0].getsockname()[1]
    if OPTS.port_file:
        with open(OPTS.port_file + ".tmp", "w") as f:
            f.write(str(OPTS.bound_port))
        os.rename(OPTS.port_file + ".tmp", OPTS.port_file)
    await stop
    SHUTDOWN = True
    # Stop listening, say goodbye (1001) to open websockets, drop the rest.
    server.server.close()
    protos = list(server.websockets)
    closing = [asyncio.ensure_future(p.close(1001, "server shutting down"))
               for p in protos if p.open]
    if closing:
        await asyncio.wait(closing, timeout=1)
    for p in protos:
        if p.transport is not None:
            p.transport.abort()
    await asyncio.sleep(0.2)  # let handlers log their end
    LOGF.flush()
    os._exit(0)


def main():
    global OPTS, LOGF
    ap = argparse.ArgumentParser(description="Mastodon + Jetstream test server (127.0.0.1 only)")
    ap.add_argument("--port", type=int, required=True, help="0 picks a free port (see --port-file)")
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--state", required=True, help="directory with mastodon.ndjson, jetstream.ndjson, instance.json")
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode-file", default="/nonexistent")
    ap.add_argument("--token", default=None)
    ap.add_argument("--page-max", type=int, default=40)
    ap.add_argument("--tls-cert", help="serve TLS (wss://, https://) with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    OPTS = ap.parse_args()
    if bool(OPTS.tls_cert) != bool(OPTS.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if OPTS.page_max < 1:
        ap.error("--page-max must be at least 1")
    LOGF = open(OPTS.log, "a", encoding="utf-8")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="social_server: %(name)s: %(message)s")
    asyncio.run(run())


if __name__ == "__main__":
    main()
