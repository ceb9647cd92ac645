#!/usr/bin/env python3
"""A webhook receiver for hearsay's integration tests (loopback only).

Listens on 127.0.0.1, answers POSTs and appends one JSON line per request
to --log: {"n", "path", "alert_id", "signature_ok", "status", "body"}.
Modes, read from --mode-file before every request so a test can change
them while the sink runs:
  ok            answer 200 (default)
  fail N        answer 503 with Retry-After: 1 to the next N requests
  status CODE   answer CODE
  hang          never answer (hold the connection open)
The chosen port is written to --port-file once listening.
"""
import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"n": 0, "fail_left": None}


def read_mode(path):
    try:
        with open(path) as f:
            words = f.read().split()
    except OSError:
        return ["ok"]
    return words or ["ok"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        mode = read_mode(self.server.opts.mode_file)
        status, extra = 200, {}
        with lock:
            state["n"] += 1
            n = state["n"]
            if mode[0] == "fail":
                if state["fail_left"] is None:
                    state["fail_left"] = int(mode[1])
                if state["fail_left"] > 0:
                    state["fail_left"] -= 1
                    status, extra = 503, {"Retry-After": "1"}
            elif mode[0] == "status":
                status = int(mode[1])
        sig_ok = None
        if self.server.opts.secret:
            want = "sha256=" + hmac.new(self.server.opts.secret, body, hashlib.sha256).hexdigest()
            sig_ok = hmac.compare_digest(want, self.headers.get("X-Hearsay-Signature", ""))
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        rec = {
            "n": n,
            "t": time.time(),
            "path": self.path,
            "alert_id": self.headers.get("X-Hearsay-Alert-Id"),
            "content_type": self.headers.get("Content-Type"),
            "signature_ok": sig_ok,
            "status": status if mode[0] != "hang" else None,
            "body": parsed,
        }
        with lock, open(self.server.opts.log, "a") as f:
            f.write(json.dumps(rec) + "\n")
        if mode[0] == "hang":
            time.sleep(3600)
            return
        out = b"{}"
        self.send_response(status)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode-file", default="/nonexistent")
    ap.add_argument("--secret-file")
    ap.add_argument("--port", type=int, default=0)
    opts = ap.parse_args()
    opts.secret = None
    if opts.secret_file:
        with open(opts.secret_file, "rb") as f:
            opts.secret = f.read().rstrip(b"\r\n")
    srv = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    tmp = opts.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, opts.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
