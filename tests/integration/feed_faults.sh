#!/bin/bash
# Faults between hearsayd and a news feed on 127.0.0.1, each logged with
# the source name and reason, counted, survived, and followed by recovery
# with no loss and no duplicate: a timeout in the middle of the body, a
# connection closed early (truncated body), a feed whose XML is cut off
# mid-item, and invalid UTF-8 in a feed that says it is UTF-8.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/rss.so" ] || { fail "collectors/rss.so was not built"; finish; }
mkdir -p "$T/www"
echo ok >"$T/web.mode"

# feed N [cut] [badutf8]: an RSS 2.0 feed of items 1..N (newest first);
# cut: stop in the middle of the oldest item; badutf8: item N's title has
# bytes that are not UTF-8
feed() {
	"$PY" - "$T/www/town.xml" "$@" <<'PYEOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
opts = sys.argv[3:]
items = []
for i in range(n, 0, -1):
    title = b"Council notice %d about the market square" % i
    if i == n and "badutf8" in opts:
        title = b"Caf\xe9 \xff\xfe notice %d about the market square" % i
    items.append(b"<item><title>" + title + b"</title><link>https://town.example/n/%d</link>"
                 b"<guid>town-%d</guid><pubDate>Sat, 16 May 2026 %02d:%02d:00 +0000</pubDate>"
                 b"<description>Notice %d: the square is closed on Saturday.</description></item>\n"
                 % (i, i, 8 + i // 60, i % 60, i))
body = b"".join(items)
if "cut" in opts:
    body = body[: body.rindex(b"<item>") + 40]
    doc = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Town</title>\n' + body
else:
    doc = (b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Town</title>\n'
           + body + b"</channel></rss>\n")
open(path + ".tmp", "wb").write(doc)
import os
os.rename(path + ".tmp", path)
PYEOF
}
feed 5
start_feed_server
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
"$PY" - "$T/h.yaml" "$WEB" <<'PYEOF'
import sys
p, web = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s[:s.index("sources:")] + """sources:
  - {name: town, type: rss, url: "%s/town.xml", interval: 1s, timeout: 2s}
""" % web
open(p, "w").write(s)
PYEOF

# expect N: items town-1..town-N are stored, once each
expect() {
	"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 --source town >"$T/got.json" || return 1
	"$PY" - "$T/got.json" "$1" <<'PYEOF'
import json, sys
ids = [p["source_id"] for p in json.load(open(sys.argv[1]))]
n = int(sys.argv[2])
assert len(ids) == len(set(ids)), "duplicates"
assert set(ids) == {"town-%d" % i for i in range(1, n + 1)}, sorted(ids)
PYEOF
}

start_daemon "$T/h.yaml" run
check "the first five items arrive" wait_until 20 expect 5

say "a timeout in the middle of the body"
ERR0=$(metric source_errors)
echo stall >"$T/web.mode"
feed 8
check "the stalled transfer is counted" wait_until 30 metric_ge source_errors $((ERR0 + 1))
check "and logged with the source and reason" grep -Eq "source town: .*(timed out|Timeout)" "$T/run.log"
echo ok >"$T/web.mode"
check "after recovery, the new items arrive, none lost, none doubled" wait_until 30 expect 8
check "recovery is logged" grep -q "source town: recovered after" "$T/run.log"
check "the source's own counters say so in /metrics" "$PY" -c "
import re, urllib.request
m = urllib.request.urlopen('$URL/metrics').read().decode()
e = re.search(r'^hearsay_collector_errors_total\{source=\"town\"\} (\d+)$', m, re.M)
i = re.search(r'^hearsay_collector_items_total\{source=\"town\"\} (\d+)$', m, re.M)
assert e and int(e.group(1)) >= 1 and i and int(i.group(1)) >= 8, m[-800:]"
check "and in the stats API, with the time of the last error" "$PY" -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$URL/api/v1/stats'))['sources']['town']
assert s['errors'] >= 1 and s['polls'] >= 3 and s['last_error'] and s['last_ok'], s"
check "hearsayctl stats lists the source" sh -c "'$HEARSAYCTL' -c '$T/h.yaml' stats | grep -q '^  town'"

say "a body cut short by the server"
ERR0=$(metric source_errors)
echo truncate >"$T/web.mode"
feed 10
check "the short body is counted" wait_until 30 metric_ge source_errors $((ERR0 + 1))
check "and logged with the source and reason" grep -Eq "source town: .*(transfer closed|Partial|partial)" "$T/run.log"
echo ok >"$T/web.mode"
check "after recovery, no loss and no duplicate" wait_until 30 expect 10

say "a feed whose XML stops in the middle of an item"
feed 13 cut
check "the complete items before the cut are taken" wait_until 30 sh -c "'$HEARSAYCTL' -c '$T/h.yaml' query --posts --json --limit 0 --source town | grep -q town-13"
check "the damage is logged with the source" wait_until 20 grep -q "source town: $WEB/town.xml: rss2 feed recovered from" "$T/run.log"
feed 13
check "once the feed is whole again, every item is there once" wait_until 30 expect 13

say "invalid UTF-8 in a feed that says UTF-8"
feed 14 badutf8
check "the feed is still read" wait_until 30 expect 14
check "the bytes are read as Windows-1252 (the usual mislabel) and stored as valid UTF-8" "$PY" -c "
import json; p=[x for x in json.load(open('$T/got.json')) if x['source_id']=='town-14'][0]
assert p['title'] == 'Caf\u00e9 \u00ff\u00fe notice 14 about the market square', ascii(p['title'])"
check "hearsayd is still healthy" curl -sf "$URL/api/v1/health"

say "kill -9, new items while down, restart"
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
N0=$(wc -l <"$T/web.ndjson")
start_daemon "$T/h.yaml" run2
check "the first poll after the restart is conditional (the ETag was committed)" wait_until 20 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/web.ndjson') if l.endswith('\n')][$N0:]
assert r and r[0]['inm'] and r[0]['status'] == 304, r[:1]"
feed 20
check "the new items arrive: no gap, no duplicate" wait_until 30 expect 20
check "clean stop" stop_daemon
finish
