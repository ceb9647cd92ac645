#!/usr/bin/env python3
"""Stand in for systemd's notify socket: bind a Unix datagram socket and
append every message hearsayd sends (READY=1, RELOADING=1, ...) to a log,
one line per message with newlines shown as '|'."""
import socket
import sys

path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(log, "a", buffering=1) as f:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        f.write(msg.replace("\n", "|") + "\n")
