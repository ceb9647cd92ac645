#!/usr/bin/env python3
"""A feed server for hearsay's collector tests (127.0.0.1 only).

Serves files from --root with ETag and Last-Modified, answers conditional
requests with 304, and logs every request as one JSON line to --log
({"t","path","status","ua","inm","ims","accept_encoding"}). The mode, read
from --mode-file before every request, makes faults on demand:
  ok              serve the file
  status CODE     answer CODE (with a short body)
  retry CODE S    answer CODE with Retry-After: S
  big N           a 200 body of N bytes
  loop            redirect to the same URL forever
  hang            accept and never answer
  truncate        a 200 with the file's full Content-Length but only its
                  first half, then close
  stall           the same half, then nothing more (a timeout mid-body)
"""
import argparse
import email.utils
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        rec = {"t": time.time(), "path": self.path, "status": status,
               "ua": self.headers.get("User-Agent"),
               "inm": self.headers.get("If-None-Match"),
               "ims": self.headers.get("If-Modified-Since"),
               "accept_encoding": self.headers.get("Accept-Encoding")}
        with lock, open(self.server.opts.log, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def send(self, status, body=b"", headers=()):
        self.record(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        try:
            mode = open(self.server.opts.mode_file).read().split() or ["ok"]
        except OSError:
            mode = ["ok"]
        if mode[0] == "status":
            return self.send(int(mode[1]), b"error\n")
        if mode[0] == "retry":
            return self.send(int(mode[1]), b"slow down\n", [("Retry-After", mode[2])])
        if mode[0] == "big":
            return self.send(200, b"x" * int(mode[1]), [("Content-Type", "text/plain")])
        if mode[0] == "loop":
            return self.send(302, b"", [("Location", self.path)])
        if mode[0] == "hang":
            self.record(None)
            time.sleep(3600)
            return
        path = os.path.join(self.server.opts.root, self.path.lstrip("/").split("?")[0])
        if mode[0] in ("truncate", "stall"):
            try:
                body = open(path, "rb").read()
            except OSError:
                return self.send(404, b"not found\n")
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if mode[0] == "stall":
                time.sleep(3600)
            self.close_connection = True
            return
        try:
            with open(path, "rb") as f:
                body = f.read()
            mtime = os.path.getmtime(path)
        except OSError:
            return self.send(404, b"not found\n")
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        lm = email.utils.formatdate(mtime, usegmt=True)
        hdrs = [("ETag", etag), ("Last-Modified", lm), ("Content-Type", "text/plain; charset=utf-8")]
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", hdrs)
        return self.send(200, body, hdrs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--mode-file", default="/nonexistent")
    opts = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.opts = opts
    with open(opts.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(opts.port_file + ".tmp", opts.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
