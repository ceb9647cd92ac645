#!/bin/bash
# SIGHUP reloads rules atomically; a bad rule or config keeps the old ones;
# systemd notifications (READY, RELOADING, STOPPING, WATCHDOG) are sent.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/rules"
cp "$DEMO/rules.d/rivertown.yaml" "$T/rules/"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
# Slow replay (about 30 s for the weekend) so that reloads happen mid-stream.
write_config "$T/h.yaml" "$PORT" "$T/state" 8000
sed -i "s|^rules_dir: .*|rules_dir: $T/rules|" "$T/h.yaml"

"$PY" "$TOOLS/notify_listen.py" "$T/notify.sock" "$T/notify.txt" &
PIDS="$PIDS $!"
wait_until 10 test -S "$T/notify.sock"
touch "$T/notify.txt"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 start_daemon "$T/h.yaml" daemon
check "READY=1 sent to systemd" wait_until 10 grep -q "^READY=1" "$T/notify.txt"
check "watchdog pings" wait_until 10 grep -q "^WATCHDOG=1" "$T/notify.txt"
RULES_BEFORE=$(grep -c "^  - id:" "$T/rules/rivertown.yaml")

# 1. A rule pack with a broken regex: refused, old rules kept.
cat >"$T/rules/zz-bad.yaml" <<'YAML'
rules:
  - id: broken
    title: Broken
    category: custom
    severity: low
    match:
      any:
        - regex: 'unclosed (group'
YAML
"$HEARSAYCTL" -c "$T/h.yaml" reload >"$T/reload1.out" 2>"$T/reload1.err"
check "hearsayctl reload reports a rejected reload (exit 1)" [ $? -eq 1 ]
check "with every error, file:line:column first" grep -q "zz-bad.yaml:8:[0-9]*: .*broken" "$T/reload1.err"
check "and says the old rules stay" grep -q "reload rejected: hearsayd keeps its $RULES_BEFORE rule(s)" "$T/reload1.err"
check "a bad rule pack is rejected" wait_until 10 metric_eq reloads_failed 1
check "the error names file:line:column and the reason" grep -q "zz-bad.yaml:8:[0-9]*: .*broken" "$T/daemon.log"
check "the old rules are kept" grep -q "reload failed: keeping the running configuration and $RULES_BEFORE rules" "$T/daemon.log"
check "RELOADING=1 then READY=1 around the reload" wait_until 5 sh -c "grep -n 'RELOADING=1\|READY=1' '$T/notify.txt' | tail -2 | tr '\n' ' ' | grep -q 'RELOADING=1.*READY=1'"
HITS=$(metric hits)
check "the daemon keeps matching" wait_until 20 metric_ge hits $((HITS + 1))

# 2. A config typo: refused too.
cp "$T/h.yaml" "$T/h.yaml.good"
echo "worker: 3" >>"$T/h.yaml"
rm "$T/rules/zz-bad.yaml"
kill -HUP "$DPID"
check "a config typo is rejected" wait_until 10 metric_eq reloads_failed 2
check "the typo is reported with its position" grep -q "h.yaml:[0-9]*:1: unknown key 'worker'" "$T/daemon.log"
cp "$T/h.yaml.good" "$T/h.yaml"

# 3. A good new rule: swapped in while posts flow.
cat >"$T/rules/zz-new.yaml" <<'YAML'
rules:
  - id: new-bakery
    title: Bakery talk
    category: custom
    severity: info
    match:
      any:
        - terms: [bakery, bakeries, bread]
    tests:
      match: ["The bakery on Mill Street is open"]
      no_match: ["The march is on Saturday"]
YAML
"$HEARSAYCTL" -c "$T/h.yaml" reload >"$T/reload3.out" 2>"$T/reload3.err"
check "hearsayctl reload reports the new rule count (exit 0)" grep -q "^reloaded: $((RULES_BEFORE + 1)) rule(s) active" "$T/reload3.out"
check "a good reload is applied" wait_until 10 metric_eq reloads_ok 1
check "the new rule count is logged" grep -q "reload done: $((RULES_BEFORE + 1)) rules active" "$T/daemon.log"
check "the new rule hits posts after the reload" wait_until 60 sh -c "'$HEARSAYCTL' -c '$T/h.yaml' query --json --rule new-bakery --limit 1 | grep -q new-bakery"
check "the daemon is still healthy" curl -sf -o /dev/null "$URL/api/v1/health"
check "the replay is still running at SIGTERM" metric_eq sources_done 0
check "clean stop on SIGTERM" stop_daemon
check "the pid file is gone after the stop" test ! -e "$T/state/db/hearsayd.pid"
"$HEARSAYCTL" -c "$T/h.yaml" reload >/dev/null 2>"$T/reload4.err"
check "hearsayctl reload without a running hearsayd says so (exit 69)" [ $? -eq 69 ]
check "STOPPING=1 sent to systemd" grep -q "^STOPPING=1" "$T/notify.txt"
check "SIGTERM drains the queues: every post taken in is committed" "$PY" - "$T/daemon.log" <<'PYEOF'
import re, sys
m = re.search(r"stopped: (\d+) posts in, (\d+) committed, (\d+) duplicate, (\d+) rejected", open(sys.argv[1]).read())
assert m, "no stop line"
pin, com, dup, rej = map(int, m.groups())
assert pin > 0 and pin == com + dup + rej and dup == 0 and rej == 0, m.groups()
PYEOF
STORED=$("$HEARSAYCTL" -c "$T/h.yaml" stats --json 2>/dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["store"]["posts"])')
check "and they are all in the store" grep -q "stopped: $STORED posts in, $STORED committed" "$T/daemon.log"
finish
