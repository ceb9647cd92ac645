#!/bin/bash
# hearsay's whole test suite: a build with AddressSanitizer, UBSan and
# -Werror in _build/check, then `make check` (Check unit tests and the
# integration tests that run the real hearsayd on loopback). Ends with the
# line "N passed, N failed". Extra arguments go to configure.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/_build/check"
log="$src/_build/suite.log"
mkdir -p "$build"
: >"$log"

step() { # step NAME cmd...: run quietly, show the log tail on failure
	local name=$1
	shift
	echo "== $name"
	if ! "$@" >>"$log" 2>&1; then
		echo "!! $name failed; last lines of $log:"
		tail -n 40 "$log"
		echo "0 passed, 1 failed"
		exit 1
	fi
}

step "autogen" "$src/autogen.sh"
cd "$build" || exit 1
# The sanitizer build uses the optional Vectorscan prefilter backend (so
# make check runs it, and test_rules compares it with hearsay's own
# automata); the valgrind build below uses the automata.
step "configure (sanitizers, -Werror, Vectorscan)" "$src/configure" --enable-sanitizers \
	--enable-werror --with-vectorscan "$@"
step "build" make -j2
echo "== make check"
make -j2 check >>"$log" 2>&1
rc=$?
# Per-test results from automake's .trs files (one line per test program).
pass=0
fail=0
for trs in $(find "$build/tests" -name '*.trs' | sort); do
	res=$(sed -n 's/^:test-result: //p' "$trs" | head -n1)
	name=${trs#"$build/"}
	name=${name%.trs}
	case "$res" in
	PASS | XFAIL | SKIP) pass=$((pass + 1)); echo "  $res: $name" ;;
	*) fail=$((fail + 1)); echo "  ${res:-ERROR}: $name"
	   [ -f "$build/$name.log" ] && tail -n 30 "$build/$name.log" | sed 's/^/    /' ;;
	esac
done
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1 # make check failed before running the tests
	tail -n 30 "$log"
fi
echo "== valgrind (plain build, unit tests and a demo run)"
"$src/tests/valgrind.sh" | tee "$src/_build/valgrind.out" | grep -v '^valgrind: '
read -r vpass _ vfail _ < <(sed -n 's/^valgrind: //p' "$src/_build/valgrind.out" | tail -n 1)
pass=$((pass + ${vpass:-0}))
fail=$((fail + ${vfail:-1}))
echo "== fuzz smoke run (each libFuzzer target for ${HS_FUZZ_SECONDS:-20} s)"
if "$src/tests/fuzz/build.sh" --run "${HS_FUZZ_SECONDS:-20}" "$src/_build/fuzz" >"$src/_build/fuzz.log" 2>&1; then
	pass=$((pass + 1))
	echo "  PASS: fuzz smoke run"
else
	fail=$((fail + 1))
	echo "  FAIL: fuzz smoke run"
	tail -n 40 "$src/_build/fuzz.log" | sed 's/^/    /'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
