#!/bin/bash
# Alert delivery faults: receiver down at first, 503 with Retry-After,
# and a permanent 4xx. Nothing is lost; failures are kept and visible.
. "$(dirname "$0")/lib.sh"

# The demo has 4 critical hits (rv-threat-lesson).
HOOK_PORT=$(free_port)
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0 \
	"alerts:" \
	"  - name: hook" \
	"    type: webhook" \
	"    url: http://127.0.0.1:$HOOK_PORT/hook" \
	"    min_severity: critical" \
	"    max_attempts: 20"
start_daemon "$T/h.yaml" down
check "the replay finishes while the receiver is down" wait_until 120 metric_eq sources_done 1
QUEUED=$(metric alerts_queued)
check "critical alerts were queued" [ "$QUEUED" -ge 2 ]
check "delivery is retried while the receiver is down" wait_until 20 metric_ge alerts_retried "$QUEUED"
check "nothing was given up" metric_eq alerts_failed 0
check "retries are logged with the reason" grep -q "alert hook-1 to http://127.0.0.1:$HOOK_PORT/hook: .*; retry 2/20 in" "$T/down.log"
"$HEARSAYCTL" -c "$T/h.yaml" alerts --json >"$T/pending.json"
check "the outbox holds them as pending" "$PY" -c "
import json; a=json.load(open('$T/pending.json'))
assert len(a)==$QUEUED and all(x['state']=='pending' for x in a), a"
# The receiver comes up, first answering 503 with Retry-After: 1 twice.
echo "fail 2" >"$T/hook.mode"
"$PY" "$TOOLS/webhook_sink.py" --port "$HOOK_PORT" --port-file "$T/hook.port" --log "$T/hook.ndjson" \
	--mode-file "$T/hook.mode" >"$T/hook-sink.log" 2>&1 &
PIDS="$PIDS $!"
touch "$T/hook.ndjson"
check "every alert is delivered once the receiver is back (backoff <= 8 s)" wait_until 40 metric_eq alerts_sent "$QUEUED"
check "each alert was acknowledged exactly once; 503s were retried" "$PY" - "$T/hook.ndjson" "$QUEUED" <<'PYEOF'
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ok = collections.Counter(r["alert_id"] for r in recs if r["status"] == 200)
assert len(ok) == int(sys.argv[2]) and set(ok.values()) == {1}, ok
failed = [r for r in recs if r["status"] == 503]
assert len(failed) == 2, failed
# Retry-After: 1 was honoured for the alert that got a 503
for f in failed:
    later = [r["t"] for r in recs if r["alert_id"] == f["alert_id"] and r["t"] > f["t"]]
    assert later and min(later) - f["t"] >= 0.9, (f, later)
PYEOF
check "clean stop" stop_daemon
"$HEARSAYCTL" -c "$T/h.yaml" alerts --json >"$T/sent.json"
check "the outbox records them as sent" "$PY" -c "
import json; a=json.load(open('$T/sent.json'))
assert len(a)==$QUEUED and all(x['state']=='sent' and x['attempts']>=2 for x in a), a"

# A permanent error (HTTP 400) is not retried: the alert is kept as failed.
rm -rf "$T/state2"
echo "status 400" >"$T/bad.mode"
start_sink bad
write_config "$T/b.yaml" "$PORT" "$T/state2" 0 \
	"alerts:" \
	"  - name: bad" \
	"    type: webhook" \
	"    url: $SINK_URL" \
	"    min_severity: critical"
start_daemon "$T/b.yaml" bad
check "a 400 fails the alert at once" wait_until 60 sh -c "[ \"\$(curl -sf $URL/api/v1/stats | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d[\"alerts_failed\"]==d[\"alerts_queued\"]>0 and d[\"alerts_retried\"]==0)')\" = True ]"
check "the failure is logged with the status" grep -q "alert bad-1 failed after 1 attempt(s): HTTP status 400" "$T/bad.log"
check "clean stop" stop_daemon
"$HEARSAYCTL" -c "$T/b.yaml" alerts --state failed >"$T/failed.txt"
check "hearsayctl alerts lists the failed ones" grep -q "HTTP status 400" "$T/failed.txt"
finish
