#!/bin/bash
# The plugin ABI from outside the tree: install the public headers and
# hearsay.pc into a scratch root, build tests/plugins/lines.c against them
# with pkg-config, and have hearsayd load and run it. An ABI mismatch, a
# non-plugin .so and an unknown config key are refused with clear errors.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
env -u MAKEFLAGS -u MFLAGS make -s -C "$top_builddir" install-pkgincludeHEADERS \
	install-pkgconfigDATA DESTDIR="$T/root" >"$T/install.log" 2>&1
PC=$(find "$T/root" -name hearsay.pc | head -n1)
check "headers and hearsay.pc install" sh -c "[ -n '$PC' ] && find '$T/root' -path '*/include/hearsay/collector.h' | grep -q ."
CFLAGS_PC=$(PKG_CONFIG_PATH=$(dirname "$PC") PKG_CONFIG_SYSROOT_DIR="$T/root" pkg-config --cflags hearsay)
check "pkg-config gives the installed include dir" sh -c "echo '$CFLAGS_PC' | grep -q '$T/root'"
mkdir -p "$T/plugins" "$T/bad"
build() { # build OUT SRC
	$CC -std=gnu11 -Wall -Wextra -Werror -fPIC -shared $CFLAGS_PC -o "$1" "$2" >>"$T/cc.log" 2>&1
}
check "lines.c builds out of tree against the installed files" build "$T/plugins/lines.so" "$top_srcdir/tests/plugins/lines.c"
sed 's/\.abi = HS_COLLECTOR_ABI/.abi = 99/' "$top_srcdir/tests/plugins/lines.c" >"$T/lines99.c"
check "a plugin with another ABI version builds" build "$T/bad/lines.so" "$T/lines99.c"
echo 'int not_a_plugin;' >"$T/nope.c"
check "a shared object that is not a plugin builds" build "$T/bad/nope.so" "$T/nope.c"

mkdir -p "$T/www"
printf 'x1\tout-of-tree plugin post one\nx2\tout-of-tree plugin post two\n' >"$T/www/f.txt"
"$PY" "$TOOLS/feed_server.py" --root "$T/www" --port-file "$T/web.port" --log "$T/web.ndjson" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_until 10 test -s "$T/web.port"
WEB="http://127.0.0.1:$(cat "$T/web.port")"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
cfg() { # cfg FILE TYPE COLLECTOR_PATH [extra key line]
	"$PY" - "$T/h.yaml" "$1" "$2" "$3" "$WEB" "${4:-}" <<'PYEOF'
import sys
src, dst, typ, path, web, extra = sys.argv[1:7]
s = open(src).read()
s = s[:s.index("sources:")] + "collector_path: %s\nsources:\n  - name: ext\n    type: %s\n    url: %s/f.txt\n    interval: 1s\n" % (path, typ, web)
if extra:
    s += "    %s\n" % extra
open(dst, "w").write(s)
PYEOF
}
unset HEARSAY_COLLECTOR_PATH
cfg "$T/abi.yaml" lines "$T/bad"
"$HEARSAYD" -t -c "$T/abi.yaml" >"$T/abi.out" 2>&1
check "an ABI mismatch is refused (exit 78) with both versions" sh -c "[ $? -eq 78 ] && grep -q \"abi.yaml:[0-9]*:11: collector 'lines' was built for plugin ABI 99, this hearsayd has 1\" '$T/abi.out'"
cfg "$T/nope.yaml" nope "$T/bad"
"$HEARSAYD" -t -c "$T/nope.yaml" >"$T/nope.out" 2>&1
check "a .so without the descriptor is refused" grep -q "collector 'nope' does not export hs_collector_v1" "$T/nope.out"
cfg "$T/key.yaml" lines "$T/plugins" "colour: red"
"$HEARSAYD" -t -c "$T/key.yaml" >"$T/key.out" 2>&1
check "an unknown key is refused with its position" grep -q "key.yaml:[0-9]*:5: unknown key 'colour' for a lines source" "$T/key.out"
cfg "$T/run.yaml" lines "$T/plugins"
check "the out-of-tree plugin's config is accepted" "$HEARSAYD" -t -c "$T/run.yaml"
start_daemon "$T/run.yaml" run
check "hearsayd runs the out-of-tree plugin" wait_until 20 metric_eq posts_committed 2
check "clean stop" stop_daemon
finish
