#!/bin/bash
# The dashboard in headless Chromium, served by hearsayd, fed over /ws:
# rows render with highlights, the recent backlog loads on connect, and
# hostile markup in a post stays text.
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || true)
if [ -z "$CHROMIUM" ] || ! "$PY" -c "import websockets" 2>/dev/null; then
	echo "SKIP: needs chromium and python3-websockets (tests/packages.txt)"
	exit 77
fi
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0 \
	"  - name: hostile" \
	"    type: replay" \
	"    path: $top_srcdir/tests/fixtures/xss.ndjson" \
	"    speed: 1"
start_daemon "$T/h.yaml" daemon
check "both sources are replayed" wait_until 60 metric_eq sources_done 2
"$PY" "$TOOLS/dashboard_check.py" --url "$URL/" --min-hits 200 --timeout 60 \
	--screenshot "$T/dashboard.png" >"$T/page.json" 2>"$T/chromium.log"
check "the page loaded in Chromium" test -s "$T/page.json"
check "the last 200 hits load on connect, each a row with a highlight" "$PY" -c "
import json; s=json.load(open('$T/page.json'))
assert s['hitCount']==200 and s['rows']==200 and s['marks']>=200, s"
check "the repeated claims among them are listed in their panel" "$PY" -c "
import json; s=json.load(open('$T/page.json'))
assert 1 <= s['claims'] <= 8, s"
check "hostile markup in a post stays text" "$PY" -c "
import json; s=json.load(open('$T/page.json'))
assert s['hostile'] and s['imgs']==0 and s['jsLinks']==0 and s['scripts']==1 and s['title']!='pwned', s"
check "a screenshot was taken" test -s "$T/dashboard.png"
check "clean stop" stop_daemon
finish
