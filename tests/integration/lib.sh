# Shared helpers for hearsay's integration tests (sourced, not run).
# Every test runs the real hearsayd and hearsayctl against servers on
# 127.0.0.1 only. Automake's harness sets top_builddir and top_srcdir.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
HEARSAYD="$top_builddir/hearsayd"
HEARSAYCTL="$top_builddir/hearsayctl"
TOOLS="$top_srcdir/tests/tools"
DEMO="$top_srcdir/demo"
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
T=$(mktemp -d "${TMPDIR:-/tmp}/hearsay-test.XXXXXX")
PIDS=""
FAILS=0

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP_TMP:-}" ]; then rm -rf "$T"; else echo "# kept $T"; fi
}
trap cleanup EXIT

say() { echo "# $*"; }
fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
ok() { echo "ok: $*"; }
check() { # check "description" command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else fail "$what"; fi
}
finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS check(s) failed"
		for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -n 30 "$f"; }; done
		exit 1
	fi
	exit 0
}

free_port() { "$PY" "$TOOLS/freeport.py"; }

# wait_until SECONDS command...: poll every 0.1 s
wait_until() {
	local limit=$1
	shift
	local end=$(($(date +%s) + limit))
	while [ "$(date +%s)" -le "$end" ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	return 1
}

# start_sink NAME [--secret-file F]: a webhook receiver; sets SINK_URL
start_sink() {
	local name=$1
	shift
	rm -f "$T/$name.port"
	"$PY" "$TOOLS/webhook_sink.py" --port-file "$T/$name.port" --log "$T/$name.ndjson" \
		--mode-file "$T/$name.mode" "$@" >"$T/$name-sink.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_until 10 test -s "$T/$name.port" || { fail "sink $name did not start"; finish; }
	SINK_URL="http://127.0.0.1:$(cat "$T/$name.port")/hook"
	touch "$T/$name.ndjson"
}

# start_feed_server: tests/tools/feed_server.py serving $T/www, its mode
# read from $T/web.mode and its requests logged to $T/web.ndjson; sets WEB
start_feed_server() {
	mkdir -p "$T/www"
	[ -f "$T/web.mode" ] || echo ok >"$T/web.mode"
	"$PY" "$TOOLS/feed_server.py" --root "$T/www" --port-file "$T/web.port" --log "$T/web.ndjson" \
		--mode-file "$T/web.mode" >"$T/web-server.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_until 10 test -s "$T/web.port" || { fail "feed server did not start"; finish; }
	touch "$T/web.ndjson"
	WEB="http://127.0.0.1:$(cat "$T/web.port")"
}

# start_daemon CONFIG LOGNAME: runs hearsayd, waits for /api/v1/health; sets DPID
start_daemon() {
	"$HEARSAYD" -c "$1" >>"$T/$2.log" 2>&1 &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_until 20 curl -sf "$URL/api/v1/health" || { fail "hearsayd did not come up (see $2.log)"; finish; }
}

# stop_daemon: SIGTERM and wait for a clean exit (status 0)
stop_daemon() {
	kill -TERM "$DPID" 2>/dev/null
	local rc=0
	wait "$DPID" || rc=$?
	return $rc
}

# metric NAME: one value from /api/v1/stats
metric() {
	curl -sf "$URL/api/v1/stats" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
metric_ge() { [ "$(metric "$1")" -ge "$2" ]; }
metric_eq() { [ "$(metric "$1")" -eq "$2" ]; }

# write_config FILE PORT STORE_DIR SPEED [extra YAML appended]
write_config() {
	local file=$1 port=$2 store=$3 speed=$4
	shift 4
	cat >"$file" <<YAML
log_level: info
workers: 2
queue_size: 256
store:
  path: $store/db
  batch_posts: 64
  batch_time: 20ms
rules_dir: $DEMO/rules.d
signals:
  lexicons: $top_srcdir/rules/lexicons
privacy:
  key_file: $store/pseudonym.key
listen:
  address: 127.0.0.1
  port: $port
  dashboard_dir: $top_srcdir/dashboard
sources:
  - name: demo
    type: replay
    path: $DEMO/rivertown.ndjson
    speed: $speed
    rebase: false
YAML
	if [ $# -gt 0 ]; then printf '%s\n' "$@" >>"$file"; fi
}

# Expected numbers from the demo file itself (not from the daemon).
demo_expect() {
	"$PY" - "$DEMO/rivertown.ndjson" <<'PYEOF'
import json, sys, datetime
good = bad = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    try:
        o = json.loads(line)
        assert isinstance(o, dict)
        assert isinstance(o["id"], str) and o["id"]
        assert isinstance(o["text"], str) and isinstance(o["created"], str)
        datetime.datetime.fromisoformat(o["created"].replace("Z", "+00:00"))
        assert isinstance(o.get("tags", []), list)
        good += 1
    except Exception:
        bad += 1
print(good, bad)
PYEOF
}
