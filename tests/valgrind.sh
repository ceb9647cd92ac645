#!/bin/bash
# Valgrind pass: a plain build (no sanitizers: they do not mix with
# valgrind) in _build/plain; every unit test and one demo run of hearsayd
# under memcheck with full leak checking. PCRE2's JIT is switched off
# (HEARSAY_NO_JIT=1) because valgrind cannot follow its wide reads.
# Prints "valgrind: N passed, N failed" and exits non-zero on any error.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/_build/plain"
out="$src/_build/valgrind"
mkdir -p "$build" "$out"
pass=0
fail=0
VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99)

if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (apt-get install valgrind)"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi
(cd "$build" && { [ -f Makefile ] || "$src/configure" CFLAGS="-O1 -g" >/dev/null; } &&
	make -j2 && make -j2 check TESTS=) >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
}

for t in "$build"/tests/unit/test_*; do
	case "$t" in *.o | *.log | *.trs) continue ;; esac
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if CK_FORK=no HEARSAY_NO_JIT=1 "${VG[@]}" "$t" >"$out/$name.log" 2>&1; then
		pass=$((pass + 1))
		echo "  PASS: valgrind $name"
	else
		fail=$((fail + 1))
		echo "  FAIL: valgrind $name"
		tail -n 30 "$out/$name.log" | sed 's/^/    /'
	fi
done

# The daemon on the demo stream, with a websocket client and an API call.
T=$(mktemp -d)
PORT=$(python3 "$src/tests/tools/freeport.py")
cat >"$T/v.yaml" <<YAML
workers: 2
queue_size: 64
store: {path: $T/db, map_size: 1MiB}
rules_dir: $src/demo/rules.d
privacy: {key_file: $T/key}
listen: {address: 127.0.0.1, port: $PORT, dashboard_dir: $src/dashboard}
sources:
  - {name: demo, type: replay, path: $src/demo/rivertown.ndjson, speed: 0}
alerts:
  - {name: hook, type: webhook, url: "http://127.0.0.1:9/hook", min_severity: critical}
YAML
HEARSAY_NO_JIT=1 "${VG[@]}" "$build/hearsayd" -c "$T/v.yaml" >"$out/hearsayd.log" 2>&1 &
VPID=$!
done_=0
for _ in $(seq 1 600); do
	if curl -sf "http://127.0.0.1:$PORT/api/v1/stats" 2>/dev/null | grep -q '"sources_done":1'; then
		done_=1
		break
	fi
	sleep 0.2
done
"$build/hearsayctl" -u "http://127.0.0.1:$PORT" watch --since 0 --count 3 --timeout 60 >/dev/null 2>&1
curl -sf "http://127.0.0.1:$PORT/metrics" >/dev/null
curl -sf "http://127.0.0.1:$PORT/api/v1/hits?limit=5" >/dev/null
kill -TERM "$VPID"
wait "$VPID"
rc=$?
if [ "$done_" -eq 1 ] && [ "$rc" -eq 0 ] && grep -q "stopped:" "$out/hearsayd.log"; then
	pass=$((pass + 1))
	echo "  PASS: valgrind hearsayd (demo run)"
else
	fail=$((fail + 1))
	echo "  FAIL: valgrind hearsayd (demo run, exit $rc, finished=$done_)"
	tail -n 40 "$out/hearsayd.log" | sed 's/^/    /'
fi
rm -rf "$T"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
