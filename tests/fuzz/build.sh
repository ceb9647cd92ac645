#!/bin/sh
# hearsay: build (and optionally run) the libFuzzer targets in tests/fuzz/.
#
#   tests/fuzz/build.sh [OUT]               build every target into OUT
#                                           (default _build/fuzz)
#   tests/fuzz/build.sh --run SECONDS [OUT] build, then run each target for
#                                           SECONDS on a copy of its seed
#                                           corpus (in OUT/run/, never in the
#                                           repository); exits non-zero if any
#                                           target crashes, leaks or times out
#
# Needs clang with its libFuzzer runtime (Debian/Ubuntu: packages clang-14 and
# libclang-rt-14-dev, or the same for another LLVM version) and the -dev
# packages of the project's libraries (see packages.txt). Environment:
#   CC          compiler (default: clang)
#   JOBS        parallel compile jobs (default: number of CPUs)
#   FUZZ_ARGS   extra libFuzzer arguments for --run (e.g. -jobs=2)
#
# The project sources are compiled directly (no configure needed); the list
# below must follow Makefile.am's libhearsay_la_SOURCES. Paths with spaces
# (source tree or OUT) are not supported.
#
# Word splitting of $PKGS and the flag variables, and the literal quotes in
# the -D macro values, are intended:
# shellcheck disable=SC2086,SC2089,SC2090
set -eu

usage() {
	echo "usage: $0 [OUT] | $0 --run SECONDS [OUT]" >&2
	exit 2
}

RUN_SECS=
if [ "${1:-}" = "--run" ]; then
	[ $# -ge 2 ] || usage
	RUN_SECS=$2
	case $RUN_SECS in '' | *[!0-9]*) usage ;; esac
	shift 2
fi
[ $# -le 1 ] || usage
case ${1:-} in -*) usage ;; esac

SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-_build/fuzz}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CC=${CC:-clang}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

TARGETS="fuzz_replay_line fuzz_config fuzz_rules_load fuzz_rules_match fuzz_records fuzz_mastodon fuzz_jetstream fuzz_feed fuzz_reddit fuzz_ac fuzz_normalize fuzz_vader fuzz_lexsent"

# Project sources: libhearsay minus nothing (hs_analyse needs the whole
# daemon: workers.c -> daemon.h, queue, metrics, pseudonym, ...). The two
# mains (hearsayd.c, hearsayctl.c) and hearsayctl's ctl_*.c are left out.
LIB_SRCS="
daemon/errors.c
daemon/post.c
daemon/ytree.c
daemon/log.c
daemon/timeutil.c
daemon/utf8.c
daemon/config.c
daemon/queue.c
daemon/metrics.c
daemon/postjson.c
daemon/pseudonym.c
daemon/store.c
daemon/workers.c
daemon/writer.c
daemon/signals.c
daemon/alert.c
daemon/fetch.c
daemon/server.c
daemon/sdnotify.c
daemon/daemon.c
daemon/plugin.c
daemon/poller.c
daemon/poll_stream.c
daemon/wsclient.c
collectors/replay/replay.c
collectors/common/parse_util.c
collectors/mastodon/mastodon_parse.c
collectors/reddit/reddit_parse.c
collectors/bluesky/jetstream_parse.c
collectors/rss/feed_text.c
collectors/rss/feed_entities.c
collectors/rss/feed.c
collectors/rss/feed_date.c
collectors/rss/feed_item.c
collectors/rss/feed_node.c
collectors/rss/feed_prep.c
rules/ruleset.c
rules/rule_compile.c
rules/rule_match.c
rules/normalize.c
rules/ac.c
rules/litscan.c
rules/prefilter.c
rules/rule_literals.c
rules/sentiment.c
rules/vader.c
rules/vader_lex.c
rules/lexsent.c
rules/lexsent_text.c
rules/langid.c
rules/spike.c
rules/simhash.c
rules/claims.c
"
PKGS="libcurl libwebsockets libpcre2-8 lmdb openssl jansson yaml-0.1 libxml-2.0 libutf8proc"

# ---- toolchain checks ----------------------------------------------------------
die() {
	echo "tests/fuzz/build.sh: $*" >&2
	exit 1
}

command -v "$CC" >/dev/null 2>&1 ||
	die "'$CC' not found. Install clang (Debian/Ubuntu: apt-get install clang-14 libclang-rt-14-dev) or set CC."
"$CC" --version 2>/dev/null | grep -qi clang ||
	die "'$CC' is not clang; libFuzzer targets need clang (set CC=clang)."
command -v pkg-config >/dev/null 2>&1 || die "pkg-config not found."
pkg-config --exists $PKGS 2>/dev/null ||
	die "missing development packages; pkg-config says: $(pkg-config --print-errors --exists $PKGS 2>&1 | tr '\n' ' ')"

probe_dir=$(mktemp -d "${TMPDIR:-/tmp}/hs-fuzz-probe.XXXXXX")
trap 'rm -rf "$probe_dir"' EXIT
printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$probe_dir/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe_dir/probe.c" -o "$probe_dir/probe" \
	>"$probe_dir/log" 2>&1; then
	sed 's/^/  /' "$probe_dir/log" >&2
	ver=$("$CC" -dumpversion 2>/dev/null | cut -d. -f1)
	die "$CC cannot link a libFuzzer target: the libFuzzer/sanitizer runtime is missing.
  On Debian/Ubuntu install it with: apt-get install libclang-rt-${ver:-14}-dev
  (it provides libclang_rt.fuzzer-x86_64.a; on older releases the runtime is in clang-${ver:-14} itself)."
fi
rm -rf "$probe_dir"
trap - EXIT

# ---- compile ---------------------------------------------------------------------
VERSION=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$SRCDIR/configure.ac")
VERSION=${VERSION:-unknown}
mkdir -p "$OUT/gen" "$OUT/obj"
# fetch.c includes the configure-generated header; provide a stand-in so no
# configure run is needed (an in-tree hs_autoconf.h, if any, is found first).
cat >"$OUT/gen/hs_autoconf.h" <<EOF
/* generated by tests/fuzz/build.sh */
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "$VERSION"
#endif
EOF

FUZZ_RUN_DIR="$OUT/run"
CPPFLAGS="-I$SRCDIR/include -I$SRCDIR/daemon -I$SRCDIR -I$OUT/gen -D_GNU_SOURCE \
-DHS_SRCDIR=\"$SRCDIR\" -DHS_SYSCONFDIR=\"/etc\" -DHS_PKGDATADIR=\"/usr/share/hearsay\" \
-DHS_LOCALSTATEDIR=\"/var\" -DHS_PKGLIBDIR=\"/usr/lib/hearsay\" -DPACKAGE_VERSION=\"$VERSION\""
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
-Wall -Wextra -Wno-unused-parameter $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lpthread -lm"

echo "building fuzz targets into $OUT (CC=$CC, $("$CC" -dumpversion))"
# One compile job per line: "SANITIZERS SRC OBJ".
jobfile="$OUT/obj/jobs"
: >"$jobfile"
for s in $LIB_SRCS; do
	o="$OUT/obj/lib_$(echo "$s" | tr '/' '_' | sed 's/\.c$/.o/')"
	echo "fuzzer-no-link,address,undefined $SRCDIR/$s $o" >>"$jobfile"
done
for t in $TARGETS; do
	echo "fuzzer,address,undefined $SRCDIR/tests/fuzz/$t.c $OUT/obj/$t.o" >>"$jobfile"
done
export CC CPPFLAGS CFLAGS
# shellcheck disable=SC2016
if ! xargs -P "$JOBS" -L 1 sh -c '
	if ! $CC -fsanitize="$0" $CPPFLAGS $CFLAGS -c "$1" -o "$2" 2>"$2.log"; then
		cat "$2.log" >&2; echo "FAILED: $1" >&2; exit 255
	fi
	[ -s "$2.log" ] && cat "$2.log" >&2
	exit 0' <"$jobfile"; then
	die "compilation failed"
fi

LIB_OBJS=
for s in $LIB_SRCS; do
	LIB_OBJS="$LIB_OBJS $OUT/obj/lib_$(echo "$s" | tr '/' '_' | sed 's/\.c$/.o/')"
done
for t in $TARGETS; do
	"$CC" -fsanitize=fuzzer,address,undefined $CFLAGS "$OUT/obj/$t.o" $LIB_OBJS \
		$LIBS -o "$OUT/$t" || die "linking $t failed"
	echo "  $OUT/$t"
done

[ -n "$RUN_SECS" ] || exit 0

# ---- run -------------------------------------------------------------------------
# Each target gets a fresh copy of its seed corpus (new inputs land there,
# not in the repository) and an artifact directory for crash reproducers.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=
for t in $TARGETS; do
	work="$FUZZ_RUN_DIR/$t"
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "$SRCDIR/tests/fuzz/corpus/$t" ]; then
		cp -R "$SRCDIR/tests/fuzz/corpus/$t/." "$work/corpus/"
	fi
	echo "== $t: ${RUN_SECS}s (log: $work/log)"
	if "$OUT/$t" -max_total_time="$RUN_SECS" -timeout=25 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		${FUZZ_ARGS:-} "$work/corpus" >"$work/log" 2>&1; then
		grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' \
			"$work/log" | sed 's/^/   /' || true
	else
		failed="$failed $t"
		echo "!! $t FAILED; from $work/log:" >&2
		# the report from its first line (sanitizer, leak, timeout, abort
		# message), or the end of the log if there is no such line
		first=$(grep -nE 'ERROR: |runtime error: |^==[0-9]+==' "$work/log" |
			head -n 1 | cut -d: -f1)
		if [ -n "$first" ]; then
			# a few lines before it: what a harness printed before abort()
			tail -n +$((first > 5 ? first - 5 : 1)) "$work/log" | head -n 100 >&2
		else
			tail -n 60 "$work/log" >&2
		fi
		for a in "$work/artifacts"/*; do
			[ -e "$a" ] && echo "!! reproducer: $a  (run: $OUT/$t $a)" >&2
		done
	fi
done
if [ -n "$failed" ]; then
	echo "fuzzing found problems in:$failed" >&2
	exit 1
fi
echo "all fuzz targets ran ${RUN_SECS}s without findings"
