#!/usr/bin/env python3
"""Print a free TCP port on 127.0.0.1 (for the daemon's listener in tests)."""
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
