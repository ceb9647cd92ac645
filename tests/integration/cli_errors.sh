#!/bin/bash
# Bad input at the edges: config and rule errors with file:line:column,
# exit codes, a port in use, and hearsayctl's own errors.
. "$(dirname "$0")/lib.sh"

run() { # run NAME cmd...: stdout+stderr to $T/NAME.out, status to RC
	local name=$1
	shift
	"$@" >"$T/$name.out" 2>&1
	RC=$?
}

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/good.yaml" "$PORT" "$T/state" 0
run t_good "$HEARSAYD" -t -c "$T/good.yaml"
check "hearsayd -t accepts a good config (exit 0)" [ "$RC" -eq 0 ]
check "hearsayd -t says what it checked" grep -q "configuration OK: 1 source(s), 0 alert route(s), 11 rule(s)" "$T/t_good.out"
run t_demo "$HEARSAYD" -t -c "$DEMO/hearsay-demo.yaml"
check "the bundled demo config is valid" [ "$RC" -eq 0 ]

cat >"$T/bad.yaml" <<'YAML'
log_level: loud
workers: 0
store:
  path: /tmp/x
  batch_time: soon
listen:
  port: 99999
sources:
  - name: a
    type: replay
    path: x.ndjson
    speed: fast
  - name: a
    type: carrier-pigeon
alerts:
  - name: hook
    type: webhook
    url: ftp://example.invalid/
    min_severity: urgent
colour: blue
YAML
run t_bad "$HEARSAYD" -t -c "$T/bad.yaml"
check "a bad config exits 78" [ "$RC" -eq 78 ]
for want in "bad.yaml:1:12: log_level must be" "bad.yaml:2:10: workers must be between 1 and 64" \
	"bad.yaml:5:15: store.batch_time must be a duration" "bad.yaml:7:9: port must be between 0 and 65535" \
	"bad.yaml:12:12: speed must be a number" "bad.yaml:13:11: duplicate source name 'a'" \
	"bad.yaml:14:11: unknown source type 'carrier-pigeon': no carrier-pigeon.so in" "bad.yaml:18:10: url must start with http" \
	"bad.yaml:19:19: min_severity must be" "bad.yaml:20:1: unknown key 'colour'"; do
	check "reported: $want" grep -qF "$want" "$T/t_bad.out"
done
run t_missing "$HEARSAYD" -t -c "$T/nope.yaml"
check "a missing config exits 78" [ "$RC" -eq 78 ]
check "a missing config is named" grep -q "nope.yaml: cannot open: No such file or directory" "$T/t_missing.out"
printf 'store: [unclosed\n' >"$T/syntax.yaml"
run t_syntax "$HEARSAYD" -t -c "$T/syntax.yaml"
check "a YAML syntax error exits 78 with its position" sh -c "[ $RC -eq 78 ] && grep -q 'syntax.yaml:2:1: YAML syntax error' '$T/t_syntax.out'"

mkdir -p "$T/badrules"
cat >"$T/badrules/r.yaml" <<'YAML'
rules:
  - id: ok-rule
    title: fine
    category: rumour
    severity: low
    match:
      any: [{regex: 'fine'}]
  - id: ok-rule
    title: duplicate
    category: gossip
    severity: low
    colour: red
    match:
      any: [{regex: '(unclosed'}]
YAML
sed "s|^rules_dir: .*|rules_dir: $T/badrules|" "$T/good.yaml" >"$T/badrules.yaml"
run t_rules "$HEARSAYD" -t -c "$T/badrules.yaml"
check "bad rules exit 78" [ "$RC" -eq 78 ]
check "duplicate rule id reported with position" grep -q "r.yaml:8:[0-9]*: .*ok-rule" "$T/t_rules.out"
check "bad category reported with position" grep -q "r.yaml:10:[0-9]*: .*gossip" "$T/t_rules.out"
check "unknown rule key reported with position" grep -q "r.yaml:12:5: unknown key 'colour'" "$T/t_rules.out"
check "bad regex reported with position" grep -q "r.yaml:14:[0-9]*: .*regex" "$T/t_rules.out"
sed "s|^rules_dir: .*|rules_dir: $T/no-such-dir|" "$T/good.yaml" >"$T/norules.yaml"
run t_norules "$HEARSAYD" -t -c "$T/norules.yaml"
check "a missing rules directory exits 78" [ "$RC" -eq 78 ]

run usage "$HEARSAYD" --bogus
check "a bad option exits 64" [ "$RC" -eq 64 ]

# Port in use: a clear message naming the address; nothing else started.
"$PY" -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(); time.sleep(30)" &
PIDS="$PIDS $!"
wait_until 5 "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT))"
run inuse timeout 20 "$HEARSAYD" -c "$T/good.yaml"
check "port in use: hearsayd exits 1" [ "$RC" -eq 1 ]
check "port in use: the address is named" grep -q "cannot listen on 127.0.0.1:$PORT: Address already in use" "$T/inuse.out"

# hearsayctl
run rc_good "$HEARSAYCTL" rules check "$DEMO/rules.d/rivertown.yaml"
check "rules check accepts the demo pack" sh -c "[ $RC -eq 0 ] && grep -q '11 rule(s) OK' '$T/rc_good.out'"
run rc_bad "$HEARSAYCTL" rules check "$T/badrules/r.yaml"
check "rules check rejects a bad pack (exit 1) with positions" sh -c "[ $RC -eq 1 ] && grep -q 'r.yaml:14:' '$T/rc_bad.out'"
run rt "$HEARSAYCTL" rules test "$DEMO/rules.d"
check "rules test runs the demo pack's examples" sh -c "[ $RC -eq 0 ] && grep -q ' 0 failed' '$T/rt.out'"
cat >"$T/failing.yaml" <<'YAML'
rules:
  - id: wrong-example
    title: Example that fails
    category: custom
    severity: low
    match:
      any: [{terms: [apple]}]
    tests:
      match: ["I like pears"]
YAML
run rt_fail "$HEARSAYCTL" rules test "$T/failing.yaml"
check "rules test fails on a wrong example (exit 1) naming it" sh -c "[ $RC -eq 1 ] && grep -q 'failing.yaml:9:.*wrong-example' '$T/rt_fail.out'"
run q_nostore "$HEARSAYCTL" -d "$T/no-store" query
check "query on a missing store exits 69 and says why" sh -c "[ $RC -eq 69 ] && grep -q 'no-store' '$T/q_nostore.out'"
run q_since "$HEARSAYCTL" -d "$T/state/db" query --since yesterday-ish
check "query with a bad --since exits 64" [ "$RC" -eq 64 ]
run ctl_usage "$HEARSAYCTL" frobnicate
check "an unknown command exits 64" [ "$RC" -eq 64 ]
finish
