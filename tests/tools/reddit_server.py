#!/usr/bin/env python3
"""A fake Reddit (OAuth API, application-only) for hearsay's tests.

Binds 127.0.0.1 only; Python 3 standard library only.

  reddit_server.py --port-file F --state DIR --log LOG --mode-file MODE
                   --client-id ID --client-secret SECRET [--expires-in 3600]
                   [--port 0]

  POST /api/v1/access_token
      HTTP Basic ID:SECRET (else 401 {"message":"Unauthorized","error":401}),
      body grant_type=client_credentials (else 400
      {"error":"unsupported_grant_type"}); answers {"access_token":"tok-N",
      "token_type":"bearer","expires_in":E,"scope":"*"}, a new token each
      time (N = 1, 2, ...).
  GET /r/A+B+C/new?limit=N&after=FULLNAME&before=FULLNAME
      "Authorization: bearer TOKEN" (any case of the scheme) with a token
      that was issued, has not expired and was not revoked, else 401
      {"message":"Unauthorized","error":401}. Serves the t3 `data` objects
      of DIR/posts.ndjson (one a line, re-read at every request, so a test
      may append while the server runs; a last line without its newline is
      not read yet) whose subreddit is one of A, B, C (any case), newest
      first (created_utc, then fullname: shorter is older, then bytewise).
      limit: default 25, 1-100. after=X: only items older than X in that
      order; before=X: the `limit` items just newer than X. An X that is
      not in the file gives an empty page. The answer is a Listing
      {"kind":"Listing","data":{"after":LAST-OR-null,"before":null,
      "dist":n,"modhash":"","children":[{"kind":"t3","data":{...}},...]}},
      "after" null when nothing older remains. Listings always carry
      X-Ratelimit-Used, X-Ratelimit-Remaining ("599.0") and
      X-Ratelimit-Reset (seconds to the end of the 600 s window).
  Anything else: 404 {"message":"Not Found","error":404}.

Modes (--mode-file, its first line's words, read at every request; missing
or empty is "ok", a bad one is "ok" plus a warning on stderr):
  ok                     normal service
  status CODE            every request is answered CODE {"message":..,"error":CODE}
  retry CODE S           the same with Retry-After: S
  ratelimit REM RESET    listings are served with X-Ratelimit-Remaining: REM
                         and X-Ratelimit-Reset: RESET (as written)
  revoke                 tokens issued before the mode file was last written
                         are refused (401); tokens issued since work: the
                         client's next listing gets 401, its new token works
  malformed              listings: the first half of the JSON body
  badutf8                listings: the newest item's title holds the bytes
                         0xff 0xfe (the rest of the body is as in ok)
  slow S                 listings are answered after S seconds (else as ok)

Log (--log): one JSON line per request, flushed when it is answered:
{"t","method","path","query","status","ua","auth","body","mode"} (t: when
the request arrived; auth: the raw Authorization header; body: the request
body as text, or null; mode: the mode's words).

Generator (deterministic; prints one t3 `data` object a line, for
DIR/posts.ndjson):

  reddit_server.py gen --from N --count K --sub NAME [--base EPOCH]
      posts N..N+K-1 of r/NAME: name t3_<base36 of N+i>, created_utc
      EPOCH + 30 * (N+i) (EPOCH 1778925000, 2026-05-16T09:50:00Z), chatter
      of the fictional town of Rivertown.
"""
import argparse
import base64
import hashlib
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_BASE = 1778925000  # 2026-05-16T09:50:00Z
WINDOW = 600               # seconds of Reddit's rate-limit window
QUOTA = 600                # requests in a window

LOG_LOCK = threading.Lock()
TOK_LOCK = threading.Lock()

# ---------------------------------------------------------------- generator

USERS = ["river_walker", "mill_lane_mum", "ferryman_joe", "quay_street_baker",
         "rt_allotments", "old_bridge_fan", "heron_watcher", "rivertown_dad",
         "library_lou", "station_road_sam", "otter_quizmaster", "market-square-mo"]

PLACES = ["Mill Lane", "the old bridge", "Market Square", "the library",
          "Riverside Park", "the bakery on Quay Street", "the town hall",
          "the ferry landing", "St Anne's school", "the allotments",
          "the swimming baths", "Station Road"]

WHEN = ["this morning", "tonight", "on Saturday", "since Tuesday",
        "after the storm", "all week", "tomorrow", "at lunchtime"]

TITLES = [
    "Road works at {place} {when} \u2014 anyone know how long?",
    "Caf\u00e9 near {place} closed {when}?",
    "Lost grey cat around {place}, answers to \u201cPickle\u201d",
    "Council meeting about {place} {when}",
    "Water rising again at {place}",
    "Farmers' market at {place} {when}: worth it?",
    "Bus 12 diverted around {place} {when}",
    "Found keys outside {place}",
    "Power cut around {place} {when}",
    "Volunteers for a litter pick at {place} {when}",
    "New mural at {place} looks great",
    "Fog on the river {when}, ferry cancelled",
]

BODIES = [
    "",
    "Saw it on my way past {place}. Does anyone have more details?",
    "Heard it from a neighbour {when}, so take it with a pinch of salt.\n\n"
    "* rumour from the bus stop\n* or **true**?",
    "Posting here because the town website has nothing yet.",
    "",
    "Update in the comments if I hear more. Stay dry, Rivertown \U0001f309",
]


def h(*parts):
    """A stable integer from the parts (sha256, not Python's hash())."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def pick(seq, *parts):
    return seq[h(*parts) % len(seq)]


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n < 0:
        raise ValueError("negative id")
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def slug(title):
    out, dash = [], False
    for ch in title.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("_")
            dash = True
    return "".join(out).strip("_")[:50] or "post"


def gen_post(n, sub, base):
    pid = base36(n)
    fill = {"place": pick(PLACES, "p", n), "when": pick(WHEN, "w", n)}
    title = pick(TITLES, "t", n).format(**fill)
    body = pick(BODIES, "b", n).format(**fill)
    author = pick(USERS, "u", n)
    permalink = "/r/%s/comments/%s/%s/" % (sub, pid, slug(title))
    created = float(base + 30 * n)
    return {
        "approved_at_utc": None, "subreddit": sub, "selftext": body,
        "author_fullname": "t2_%s" % base36(h("a", author) % 36 ** 6),
        "title": title, "subreddit_name_prefixed": "r/" + sub,
        "name": "t3_" + pid, "ups": h("s", n) % 40, "score": h("s", n) % 40,
        "domain": "self." + sub, "is_self": True, "created": created,
        "edited": False, "removed_by_category": None, "over_18": False,
        "spoiler": False, "locked": False, "id": pid, "author": author,
        "num_comments": h("c", n) % 12, "permalink": permalink,
        "url": "https://www.reddit.com" + permalink, "stickied": False,
        "created_utc": created, "subreddit_type": "public",
    }


def cmd_gen(argv):
    ap = argparse.ArgumentParser(prog="reddit_server.py gen")
    ap.add_argument("--from", dest="start", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--sub", required=True)
    ap.add_argument("--base", type=int, default=DEFAULT_BASE)
    o = ap.parse_args(argv)
    if o.start < 0 or o.count < 0:
        sys.exit("reddit_server.py gen: --from and --count must not be negative")
    for n in range(o.start, o.start + o.count):
        sys.stdout.write(json.dumps(gen_post(n, o.sub, o.base), ensure_ascii=False,
                                    separators=(",", ":")) + "\n")


# ---------------------------------------------------------------- server

def age_key(d):
    """Sort key, larger is newer: created_utc, then fullname (length, bytes)."""
    name = str(d.get("name", ""))
    try:
        created = float(d.get("created_utc") or 0)
    except (TypeError, ValueError):
        created = 0.0
    return (created, len(name), name)


class State:
    def __init__(self, opts):
        self.opts = opts
        self.tokens = {}      # token -> issue time (time.time())
        self.n_tokens = 0
        self.window_start = time.time()
        self.used = 0

    def issue(self):
        with TOK_LOCK:
            self.n_tokens += 1
            tok = "tok-%d" % self.n_tokens
            self.tokens[tok] = time.time()
            return tok

    def token_ok(self, tok, revoked_before):
        with TOK_LOCK:
            issued = self.tokens.get(tok)
        if issued is None:
            return False
        if time.time() >= issued + self.opts.expires_in:
            return False
        if revoked_before is not None and issued < revoked_before:
            return False
        return True

    def count_request(self):
        """Rate-limit bookkeeping: (used, remaining, reset) for this request."""
        with TOK_LOCK:
            now = time.time()
            if now >= self.window_start + WINDOW:
                self.window_start = now
                self.used = 0
            self.used += 1
            reset = max(0, int(self.window_start + WINDOW - now))
            return self.used, max(0, QUOTA - self.used), reset


def read_mode(path):
    try:
        with open(path) as f:
            words = f.readline().split()
        mtime = os.stat(path).st_mtime
    except OSError:
        return ["ok"], None
    if not words:
        return ["ok"], mtime
    try:
        w = words[0]
        if w in ("ok", "revoke", "malformed", "badutf8") and len(words) == 1:
            return words, mtime
        if w == "status" and len(words) == 2:
            int(words[1])
            return words, mtime
        if w == "retry" and len(words) == 3:
            int(words[1])
            return words, mtime
        if w == "ratelimit" and len(words) == 3:
            return words, mtime
        if w == "slow" and len(words) == 2 and float(words[1]) >= 0:
            return words, mtime
    except ValueError:
        pass
    sys.stderr.write("reddit_server: bad mode %r: serving as ok\n" % " ".join(words))
    return ["ok"], mtime


def load_posts(path):
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            data = f.read()
    except OSError:
        return out
    for line in data.split("\n")[:-1]:  # a line still being written is not read yet
        line = line.strip()
        if not line:
            continue
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if isinstance(d, dict) and isinstance(d.get("name"), str):
            out.append(d)
    return out


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-reddit/1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status, body_text, mode):
        u = urllib.parse.urlsplit(self.path)
        rec = {"t": getattr(self, "t_arrived", None) or time.time(),
               "method": self.command, "path": u.path, "query": u.query, "status": status,
               "ua": self.headers.get("User-Agent"),
               "auth": self.headers.get("Authorization"), "body": body_text,
               "mode": " ".join(mode)}
        with LOG_LOCK, open(self.server.opts.log, "a") as f:
            f.write(json.dumps(rec) + "\n")
            f.flush()

    def send(self, status, body, headers=(), req_body=None, mode=("ok",)):
        self.record(status, req_body, mode)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client left (killed mid-answer)

    def read_body(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
        return self.rfile.read(n) if n > 0 else b""

    def fault(self, mode, req_body):
        """status / retry modes: True when answered."""
        if mode[0] == "status":
            code = int(mode[1])
            self.send(code, dumps({"message": "fault injected", "error": code}),
                      req_body=req_body, mode=mode)
            return True
        if mode[0] == "retry":
            code = int(mode[1])
            self.send(code, dumps({"message": "Too Many Requests", "error": code}),
                      [("Retry-After", mode[2])], req_body=req_body, mode=mode)
            return True
        return False

    def unauthorized(self, req_body, mode, extra=()):
        self.send(401, dumps({"message": "Unauthorized", "error": 401}),
                  [("WWW-Authenticate", 'Bearer realm="reddit"')] + list(extra),
                  req_body=req_body, mode=mode)

    def do_POST(self):
        self.t_arrived = time.time()
        raw = self.read_body()
        text = raw.decode("utf-8", "replace")
        mode, _ = read_mode(self.server.opts.mode_file)
        path = urllib.parse.urlsplit(self.path).path
        if path != "/api/v1/access_token":
            return self.send(404, dumps({"message": "Not Found", "error": 404}),
                             req_body=text, mode=mode)
        if self.fault(mode, text):
            return
        auth = self.headers.get("Authorization") or ""
        scheme, _, cred = auth.partition(" ")
        want = "%s:%s" % (self.server.opts.client_id, self.server.opts.client_secret)
        try:
            got = base64.b64decode(cred.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            got = None
        if scheme.lower() != "basic" or got != want:
            return self.unauthorized(text, mode)
        form = urllib.parse.parse_qs(text, keep_blank_values=True)
        if form.get("grant_type") != ["client_credentials"]:
            return self.send(400, dumps({"error": "unsupported_grant_type"}),
                             req_body=text, mode=mode)
        tok = self.server.state.issue()
        self.send(200, dumps({"access_token": tok, "token_type": "bearer",
                              "expires_in": self.server.opts.expires_in, "scope": "*"}),
                  req_body=text, mode=mode)

    def do_GET(self):
        self.t_arrived = time.time()
        raw = self.read_body()
        req_body = raw.decode("utf-8", "replace") if raw else None
        mode, mtime = read_mode(self.server.opts.mode_file)
        u = urllib.parse.urlsplit(self.path)
        parts = u.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "r" or parts[2] != "new" or not parts[1]:
            return self.send(404, dumps({"message": "Not Found", "error": 404}),
                             req_body=req_body, mode=mode)
        if self.fault(mode, req_body):
            return
        auth = self.headers.get("Authorization") or ""
        scheme, _, tok = auth.partition(" ")
        revoked_before = mtime if mode[0] == "revoke" else None
        if scheme.lower() != "bearer" or not self.server.state.token_ok(tok.strip(),
                                                                       revoked_before):
            return self.unauthorized(req_body, mode)
        if mode[0] == "slow":
            time.sleep(float(mode[1]))

        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        subs = {s.lower() for s in parts[1].split("+") if s}
        try:
            limit = int(q.get("limit", ["25"])[0])
        except ValueError:
            limit = 25
        limit = max(1, min(100, limit))
        allp = load_posts(os.path.join(self.server.opts.state, "posts.ndjson"))
        items = sorted((d for d in allp if str(d.get("subreddit", "")).lower() in subs),
                       key=age_key, reverse=True)
        after = q.get("after", [None])[0]
        before = q.get("before", [None])[0]
        known = {d["name"]: d for d in allp}
        if after:
            if after in known:
                k = age_key(known[after])
                items = [d for d in items if age_key(d) < k]
            else:
                items = []
        if before:
            if before in known:
                k = age_key(known[before])
                newer = [d for d in items if age_key(d) > k]
                items = newer[-limit:]
            else:
                items = []
        page = items[:limit]
        ordered = sorted((d for d in allp if str(d.get("subreddit", "")).lower() in subs),
                         key=age_key)
        more = bool(page) and bool(ordered) and age_key(ordered[0]) < age_key(page[-1])
        listing = {"kind": "Listing",
                   "data": {"after": page[-1]["name"] if page and more else None,
                            "dist": len(page), "modhash": "", "geo_filter": "",
                            "children": [{"kind": "t3", "data": d} for d in page],
                            "before": None}}
        used, remaining, reset = self.server.state.count_request()
        rem_text, reset_text = "%.1f" % remaining, str(reset)
        if mode[0] == "ratelimit":
            rem_text, reset_text = mode[1], mode[2]
        hdrs = [("X-Ratelimit-Used", str(used)), ("X-Ratelimit-Remaining", rem_text),
                ("X-Ratelimit-Reset", reset_text)]
        if mode[0] == "badutf8" and page:
            mark = "\u2063BADUTF8\u2063"
            page[0] = dict(page[0], title=mark + str(page[0].get("title", "")))
            listing["data"]["children"][0] = {"kind": "t3", "data": page[0]}
            body = dumps(listing).replace(mark.encode("utf-8"), b"\xff\xfe")
        else:
            body = dumps(listing)
        if mode[0] == "malformed":
            body = body[:len(body) // 2]
        self.send(200, body, hdrs, req_body=req_body, mode=mode)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "gen":
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        return cmd_gen(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--state", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode-file", default="/nonexistent")
    ap.add_argument("--client-id", required=True)
    ap.add_argument("--client-secret", required=True)
    ap.add_argument("--expires-in", type=int, default=3600)
    opts = ap.parse_args()
    if opts.expires_in < 1:
        sys.exit("reddit_server.py: --expires-in must be at least 1")
    srv = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    srv.state = State(opts)
    open(opts.log, "a").close()
    with open(opts.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(opts.port_file + ".tmp", opts.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
