#!/bin/bash
# The rss collector plugin polled by hearsayd from a loopback feed server:
# RSS 2.0 and Atom fixtures become posts, hit the rules and are stored
# once; a malformed document is logged and counted without stopping the
# source; conditional GET keeps the next polls cheap.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/rss.so" ] || { fail "collectors/rss.so was not built"; finish; }
mkdir -p "$T/www"
cp "$top_srcdir/tests/fixtures/feeds/rss2_basic.xml" "$T/www/courier.xml"
cp "$top_srcdir/tests/fixtures/feeds/atom.xml" "$T/www/notices.xml"
printf '<html><body>not a feed</body></html>\n' >"$T/www/broken.xml"
start_feed_server
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
mkdir -p "$T/rules"
cat >"$T/rules/quarry.yaml" <<'YAML'
rules:
  - id: quarry-gathering
    title: Gathering at the quarry
    category: rumour
    severity: low
    match:
      all:
        - terms: [quarry]
        - terms: [party, planning]
YAML
sed -i "s|^rules_dir: .*|rules_dir: $T/rules|" "$T/h.yaml"
"$PY" - "$T/h.yaml" "$WEB" <<'PYEOF'
import sys
p, web = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s[:s.index("sources:")] + """sources:
  - {name: courier, type: rss, url: "%s/courier.xml", interval: 1s}
  - {name: notices, type: rss, url: "%s/notices.xml", interval: 1s}
  - {name: broken, type: rss, url: "%s/broken.xml", interval: 1s}
""" % (web, web, web)
open(p, "w").write(s)
PYEOF
"$HEARSAYCTL" parse --collector rss --set url=$WEB/courier.xml --url $WEB/courier.xml "$T/www/courier.xml" >"$T/c.ndjson" 2>/dev/null
"$HEARSAYCTL" parse --collector rss --set url=$WEB/notices.xml --url $WEB/notices.xml "$T/www/notices.xml" >"$T/n.ndjson" 2>/dev/null
WANT=$(cat "$T/c.ndjson" "$T/n.ndjson" | wc -l)
check "hearsayctl parse reads both fixtures ($WANT items)" [ "$WANT" -ge 6 ]
start_daemon "$T/h.yaml" daemon
check "every item of both feeds is committed" wait_until 30 metric_eq posts_committed "$WANT"
check "the next polls are conditional (304)" wait_until 30 metric_ge source_not_modified 2
check "a non-feed document is a logged parse error" wait_until 30 grep -q "source broken: $WEB/broken.xml: not a feed" "$T/daemon.log"
check "and counted" metric_ge source_parse_errors 1
"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 >"$T/posts.json"
check "stored posts match what the parser gives, once each" "$PY" - "$T/posts.json" "$T/c.ndjson" "$T/n.ndjson" <<'PYEOF'
import json, sys
stored = json.load(open(sys.argv[1]))
want = {}
for f, src in ((sys.argv[2], "courier"), (sys.argv[3], "notices")):
    for l in open(f):
        p = json.loads(l)
        want[(src, p["source_id"])] = p
got = {(p["source"], p["source_id"]): p for p in stored}
assert len(got) == len(stored), "duplicates"
assert set(got) == set(want), (set(got) ^ set(want))
for k, p in want.items():
    assert got[k]["text"] == p["text"] and got[k]["url"] == p["url"] and got[k]["created"] == p["created"], k
PYEOF
"$HEARSAYCTL" -c "$T/h.yaml" query --json --limit 0 >"$T/hits.json"
check "a news item hits a rule, in its title" "$PY" -c "
import json; h=json.load(open('$T/hits.json'))
assert len(h)==1 and h[0]['rule']['id']=='quarry-gathering' and h[0]['post']['source']=='courier', h
assert h[0]['field']=='title' and h[0]['match'].lower().startswith(('quarry','planning')), h[0]"
check "clean stop" stop_daemon
finish
