#!/bin/bash
# The whole path on the demo stream: replay -> workers -> LMDB -> websocket
# client, webhook receiver, HTTP API and hearsayctl query.
. "$(dirname "$0")/lib.sh"

read -r GOOD BAD < <(demo_expect)
say "demo file: $GOOD valid posts, $BAD malformed lines"

printf 'test-secret-%s\n' "$$" >"$T/hook.secret"
chmod 600 "$T/hook.secret"
start_sink hook --secret-file "$T/hook.secret"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0 \
	"alerts:" \
	"  - name: crisis-hook" \
	"    type: webhook" \
	"    url: $SINK_URL" \
	"    min_severity: high" \
	"    secret_file: $T/hook.secret"
# The smallest queues and a 1 MiB map: intake must pause (backpressure) and
# the map must grow, without losing anything.
sed -i 's/^queue_size: .*/queue_size: 16/; s|^  batch_posts: .*|  batch_posts: 16\n  map_size: 1MiB|' "$T/h.yaml"
# Speed 0 plays the stream as fast as the pipeline takes it, so the client
# asks for everything since seq 0: the first hits come from LMDB if they
# were committed before it connected, the rest live.
start_daemon "$T/h.yaml" daemon
"$HEARSAYCTL" -u "$URL" watch --json --since 0 --count 5 --timeout 60 >"$T/watch.ndjson" 2>"$T/watch.log" &
WATCH=$!
PIDS="$PIDS $WATCH"

check "replay reaches the end of the demo" wait_until 120 metric_eq sources_done 1
check "every valid post is committed ($GOOD)" wait_until 60 metric_eq posts_committed "$GOOD"
check "malformed lines are counted ($BAD)" metric_eq replay_bad_lines "$BAD"
check "intake paused when the queues were full (backpressure)" metric_ge intake_full 1
check "the LMDB map grew when full" metric_ge store_map_grows 1
check "no store errors" metric_eq store_errors 0
check "malformed lines are logged with file:line" grep -q "rivertown.ndjson:[0-9]*: source demo: skipped line" "$T/daemon.log"
check "no post rejected or duplicated" sh -c "[ \"\$(curl -sf $URL/api/v1/stats | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d[\"posts_rejected\"]+d[\"posts_duplicate\"])')\" = 0 ]"

# The websocket client saw live hits with increasing seq.
wait "$WATCH"
check "websocket client received the first 5 hits" [ "$(wc -l <"$T/watch.ndjson")" -eq 5 ]
check "websocket hits are well-formed with increasing seq" "$PY" - "$T/watch.ndjson" <<'PYEOF'
import json, sys
seqs = []
for line in open(sys.argv[1]):
    m = json.loads(line)
    assert m["type"] == "hit", m
    assert m["rule"]["id"] and m["post"]["text"]
    s, e = m["span"]
    field = m["post"][m["field"]]
    assert field.encode()[s:e].decode() == m["match"], (field, s, e, m["match"])
    seqs.append(m["seq"])
assert seqs == [1, 2, 3, 4, 5], seqs
PYEOF

HITS=$(metric hits)
say "hits committed: $HITS"
check "at least 400 hits on the demo" [ "$HITS" -ge 400 ]
"$HEARSAYCTL" -c "$T/h.yaml" query --json --limit 0 >"$T/hits.json" 2>"$T/query.log"
check "hearsayctl query returns every hit" "$PY" -c "import json; d=json.load(open('$T/hits.json')); assert len(d)==$HITS, len(d)"
"$HEARSAYCTL" -c "$T/h.yaml" query --json --limit 0 --rule rv-threat-lesson >"$T/threat.json"
check "query --rule filters by rule" "$PY" -c "
import json; d=json.load(open('$T/threat.json'))
assert len(d) >= 1 and all(h['rule']['id']=='rv-threat-lesson' for h in d), d"
"$HEARSAYCTL" -c "$T/h.yaml" query --csv --limit 3 --source skyline >"$T/hits.csv"
check "query --csv has a header and rows from the source" "$PY" -c "
import csv; r=list(csv.DictReader(open('$T/hits.csv', newline='')))
assert len(r)==3 and all(x['source']=='skyline' for x in r), r"
check "query table output" sh -c "'$HEARSAYCTL' -c '$T/h.yaml' query --limit 2 | head -1 | grep -q SEVERITY"
"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 >"$T/posts.json"
check "author handles are stored only as pseudonyms" "$PY" - "$T/posts.json" "$DEMO/rivertown.ndjson" <<'PYEOF'
import json, re, sys
posts = json.load(open(sys.argv[1]))
handles = set()
for line in open(sys.argv[2]):
    try:
        o = json.loads(line)
        if isinstance(o, dict) and o.get("author"):
            handles.add(o["author"])
    except ValueError:
        pass
assert handles, "demo has authors"
for p in posts:
    if p["author"] is not None:
        assert re.fullmatch(r"[0-9a-f]{32}", p["author"]), p["author"]
        assert p["author"] not in handles
blob = open(sys.argv[1]).read()
leaks = [h for h in handles if '"%s"' % h in blob]
assert not leaks, leaks[:5]
PYEOF

# HTTP API and metrics.
check "/api/v1/hits honours rule and limit" sh -c "curl -sf '$URL/api/v1/hits?rule=rv-event-march&limit=7' | $PY -c 'import json,sys; d=json.load(sys.stdin); assert len(d)==7 and all(h[\"rule\"][\"id\"]==\"rv-event-march\" for h in d)'"
check "/api/v1/hits rejects a bad limit with 400" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/api/v1/hits?limit=abc')\" = 400 ]"
check "/metrics is Prometheus text" sh -c "curl -sf $URL/metrics | grep -q '^hearsay_posts_committed_total $GOOD\$'"
check "/metrics reports queue depths" sh -c "curl -sf $URL/metrics | grep -q 'hearsay_queue_depth{queue=\"intake\"}'"
check "the dashboard is served" sh -c "curl -sf $URL/ | grep -qi '<html'"
"$HEARSAYCTL" -c "$T/h.yaml" stats --json >"$T/stats.json"
check "hearsayctl stats shows daemon and store" "$PY" -c "
import json; d=json.load(open('$T/stats.json'))
assert d['daemon']['posts_committed']==$GOOD and d['store']['posts']==$GOOD, d"

# Alerts: every high/critical hit, once each, signed.
EXPECT=$("$PY" -c "import json; print(sum(1 for h in json.load(open('$T/hits.json')) if h['rule']['severity'] in ('high','critical')))")
say "expected alerts: $EXPECT"
check "alerts were expected on the demo" [ "$EXPECT" -ge 2 ]
check "every alert reached the webhook" wait_until 30 metric_eq alerts_sent "$EXPECT"
check "webhook requests are well-formed, signed and not repeated" "$PY" - "$T/hook.ndjson" "$EXPECT" <<'PYEOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == int(sys.argv[2]), len(recs)
ids = [r["alert_id"] for r in recs]
assert len(set(ids)) == len(ids), ids
for r in recs:
    b = r["body"]
    assert r["content_type"] == "application/json"
    assert r["signature_ok"] is True
    assert b["alert_id"] == r["alert_id"] and b["route"] == "crisis-hook"
    assert b["rule"]["severity"] in ("high", "critical")
    assert b["post"]["text"] and b["seq"] > 0
PYEOF

check "SIGTERM stops cleanly (exit 0)" stop_daemon
check "shutdown is logged" grep -q "stopped:" "$T/daemon.log"
finish
