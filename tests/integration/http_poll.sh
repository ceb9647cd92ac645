#!/bin/bash
# A collector plugin polled over HTTP by the host: conditional GET with the
# stored validators, backoff and Retry-After, the size cap, redirect loops,
# the User-Agent, and kill -9 with the cursor committed with the posts.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/tests/plugins/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/lines.so" ] || { fail "tests/plugins/lines.so was not built"; finish; }
mkdir -p "$T/www"
printf 'a1\tfirst post about the march\na2\tI heard they are planning something\na3\tweather is fine\n' >"$T/www/feed.txt"
echo ok >"$T/web.mode"
start_feed_server
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
# replace the demo source with the polled one
"$PY" - "$T/h.yaml" "$WEB" <<'PYEOF'
import sys
p, web = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s[:s.index("sources:")] + """contact: prevention-team@town.example
sources:
  - name: web
    type: lines
    url: %s/feed.txt
    tag: townsite
    interval: 1s
    timeout: 5s
    max_size: 64KiB
""" % web
open(p, "w").write(s)
PYEOF
run_t() { "$HEARSAYD" -t -c "$T/h.yaml" >"$T/t.out" 2>&1; }
check "the plugin's config is accepted by hearsayd -t" run_t
start_daemon "$T/h.yaml" run1
check "the three posts arrive" wait_until 20 metric_eq posts_committed 3
check "the next poll is conditional and answered 304" wait_until 20 metric_ge source_not_modified 1
check "a 304 carries the stored ETag" "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/web.ndjson')]
assert r[0]['inm'] is None and any(x['status']==304 and x['inm'] for x in r), r"
check "User-Agent names hearsay and the operator contact" "$PY" -c "
import json; r=json.loads(open('$T/web.ndjson').readline())
assert r['ua'].startswith('hearsay/') and 'prevention-team@town.example' in r['ua'], r['ua']
assert 'gzip' in (r['accept_encoding'] or ''), r"
printf 'a4\tnew item after an update\n' >>"$T/www/feed.txt"
check "a changed feed brings only the new post" wait_until 20 metric_eq posts_committed 4
check "nothing duplicated (the old items are dropped by dedup)" metric_ge posts_duplicate 3
"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 >"$T/posts.json"
check "posts carry source, id, text and the plugin's tag" "$PY" -c "
import json; p={x['source_id']:x for x in json.load(open('$T/posts.json'))}
assert set(p)=={'a1','a2','a3','a4'}, p.keys()
assert p['a2']['source']=='web' and p['a2']['text']=='I heard they are planning something'
assert p['a1']['tags']==['townsite']"

"$HEARSAYCTL" parse --collector lines --set url=http://x/ "$T/www/feed.txt" >"$T/parsed.ndjson" 2>"$T/parse.err"
check "hearsayctl parse prints the collector's posts as NDJSON" "$PY" -c "
import json; p=[json.loads(l) for l in open('$T/parsed.ndjson')]
assert [x['source_id'] for x in p]==['a1','a2','a3','a4'] and p[1]['text']=='I heard they are planning something', p"
"$HEARSAYCTL" parse --collector lines "$T/www/feed.txt" >/dev/null 2>"$T/parse2.err"
check "hearsayctl parse names a missing required setting" grep -q "lines source has no 'url'" "$T/parse2.err"

# Faults: each logged once with the source name, counted, and survived.
ERR0=$(metric source_errors)
echo "status 500" >"$T/web.mode"
check "HTTP 500 is counted" wait_until 20 metric_ge source_errors $((ERR0 + 1))
check "HTTP 500 is logged with source and status" grep -q "source web: HTTP status 500 from $WEB/feed.txt (failure 1" "$T/run1.log"
echo ok >"$T/web.mode"
check "recovery is logged" wait_until 20 grep -q "source web: recovered after" "$T/run1.log"
echo "retry 429 3" >"$T/web.mode"
N429=$(wc -l <"$T/web.ndjson")
check "429 is answered" wait_until 20 grep -q '"status": 429' "$T/web.ndjson"
echo ok >"$T/web.mode"
check "Retry-After: 3 is honoured" wait_until 30 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/web.ndjson')][$N429:]
i=[k for k,x in enumerate(r) if x['status']==429][0]
assert len(r) > i+1 and r[i+1]['t'] - r[i]['t'] >= 2.9, r[i:i+2]"
echo "big 200000" >"$T/web.mode"
check "a body over max_size is refused" wait_until 20 grep -q "source web: response larger than max_size (65536 bytes)" "$T/run1.log"
echo ok >"$T/web.mode"
# complaints are rate-limited per failure streak: let this one end first
check "recovered from the size cap" wait_until 20 sh -c "[ \$(grep -c 'source web: recovered' '$T/run1.log') -ge 3 ]"
echo loop >"$T/web.mode"
check "a redirect loop is stopped" wait_until 40 grep -q "source web: more than 5 redirects" "$T/run1.log"
echo ok >"$T/web.mode"
check "the daemon is healthy after the faults" curl -sf -o /dev/null "$URL/api/v1/health"

# kill -9 and restart: the ETag stored with the last post makes the first
# poll conditional; nothing is lost or repeated.
sleep 2
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
NREQ=$(wc -l <"$T/web.ndjson")
start_daemon "$T/h.yaml" run2
check "after a restart the first poll sends the stored ETag" wait_until 20 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/web.ndjson')][$NREQ:]
assert r and r[0]['inm'], r"
check "and nothing is stored twice" sh -c "[ \"\$('$HEARSAYCTL' -c '$T/h.yaml' stats --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"store\"][\"posts\"])')\" = 4 ]"
check "clean stop" stop_daemon
finish
