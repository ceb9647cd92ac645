#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol to check hearsay's
dashboard: open URL, wait until the page has received at least --min-hits
hits over its websocket, check that rows render with their highlight and
that untrusted text stays text, save a screenshot, print a JSON summary.

Loopback only: Chromium runs with background networking disabled, and the
page is served by the hearsayd under test. Needs Debian's chromium and
python3-websockets.
"""
import argparse
import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websockets


class CDP:
    def __init__(self, ws):
        self.ws = ws
        self.n = 0
        self.pending = {}

    async def pump(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            fut = self.pending.pop(msg.get("id"), None)
            if fut and not fut.done():
                fut.set_result(msg)

    async def call(self, method, session=None, **params):
        self.n += 1
        fut = asyncio.get_event_loop().create_future()
        self.pending[self.n] = fut
        req = {"id": self.n, "method": method, "params": params}
        if session:
            req["sessionId"] = session
        await self.ws.send(json.dumps(req))
        msg = await asyncio.wait_for(fut, 30)
        if "error" in msg:
            raise RuntimeError("%s: %s" % (method, msg["error"]))
        return msg["result"]


JS_STATE = """(() => {
  const rows = [...document.querySelectorAll('li.hit, .hit')];
  return JSON.stringify({
    hitCount: Number(document.body.dataset.hitCount || 0),
    rows: rows.length,
    spikes: document.querySelectorAll('#spikes li.spike').length,
    claims: document.querySelectorAll('#claims li.claim').length,
    marks: document.querySelectorAll('.hit mark').length,
    scripts: document.querySelectorAll('script').length,
    imgs: document.querySelectorAll('.hit img').length,
    firstSeq: rows.length ? rows[0].dataset.seq : null,
    hostile: rows.some(r => r.textContent.includes('<img src=x onerror=')),
    jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
    title: document.title,
  });
})()"""


async def run(opts, port):
    async with websockets.connect(
        "ws://127.0.0.1:%d%s" % (port, opts.browser_path), max_size=None
    ) as ws:
        cdp = CDP(ws)
        pump = asyncio.ensure_future(cdp.pump())
        target = await cdp.call("Target.createTarget", url="about:blank")
        att = await cdp.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)
        sid = att["sessionId"]
        await cdp.call("Emulation.setDeviceMetricsOverride", sid, width=1280,
                       height=900, deviceScaleFactor=1, mobile=False)
        await cdp.call("Page.navigate", sid, url=opts.url)
        state = {}
        end = time.time() + opts.timeout
        while time.time() < end:
            r = await cdp.call("Runtime.evaluate", sid, expression=JS_STATE)
            value = r.get("result", {}).get("value")
            if value:  # undefined while the page is still loading
                state = json.loads(value)
                if state["hitCount"] >= opts.min_hits and state["rows"] > 0:
                    break
            await asyncio.sleep(0.25)
        await asyncio.sleep(0.5)  # let the canvas redraw
        shot = await cdp.call("Page.captureScreenshot", sid, format="png")
        with open(opts.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        pump.cancel()
        return state


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--min-hits", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--screenshot", required=True)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    opts = ap.parse_args()
    prof = tempfile.mkdtemp(prefix="hearsay-chromium-")
    cmd = [opts.chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-extensions",
           "--user-data-dir=" + prof, "--remote-debugging-address=127.0.0.1",
           "--remote-debugging-port=0", "about:blank"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        portfile = os.path.join(prof, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(portfile) and os.path.getsize(portfile) > 0:
                break
            time.sleep(0.1)
        with open(portfile) as f:
            lines = f.read().split("\n")
        opts.browser_path = lines[1]
        state = asyncio.run(run(opts, int(lines[0])))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(prof, ignore_errors=True)
    print(json.dumps(state))
    return 0


if __name__ == "__main__":
    sys.exit(main())
