#!/bin/bash
# The bluesky collector against a Jetstream instance played by
# tests/tools/social_server.py on 127.0.0.1: the subscribe URL, language
# and account filters, the time_us cursor committed with the posts,
# resuming a few seconds back after a dropped connection without
# duplicates, garbage frames, kill -9 mid-stream, and hearsayctl.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/bluesky.so" ] || { fail "collectors/bluesky.so was not built"; finish; }
GEN="$TOOLS/social_gen.py"
mkdir -p "$T/js"
touch "$T/js/jetstream.ndjson" "$T/js.ndjson"
echo ok >"$T/js.mode"
"$PY" "$TOOLS/social_server.py" --port 0 --port-file "$T/js.port" --state "$T/js" \
	--log "$T/js.ndjson" --mode-file "$T/js.mode" >"$T/js-server.log" 2>&1 &
PIDS="$PIDS $!"
wait_until 10 test -s "$T/js.port" || { fail "jetstream server did not start"; finish; }
J="127.0.0.1:$(cat "$T/js.port")"
DID0=$("$PY" "$GEN" dids --did-count 5 | head -1)

# frames are appended with increasing time_us; TNEXT is the next free one
TNEXT=1778924762000000
gen() { # gen COUNT LANG [extra args]
	local n=$1 lang=$2
	shift 2
	"$PY" "$GEN" jetstream --from-time "$TNEXT" --count "$n" --lang "$lang" --step-us 3000 "$@" \
		>>"$T/js/jetstream.ndjson"
	TNEXT=$((TNEXT + n * 3000 + 3000))
}

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
"$PY" - "$T/h.yaml" "$J" "$DID0" <<'PYEOF'
import sys
p, j, did = sys.argv[1:]
y = open(p).read()
y = y[:y.index("sources:")] + f"""sources:
  - name: sky
    type: bluesky
    url: ws://{j}/subscribe
    languages: [en, nl]
  - name: sky-one
    type: bluesky
    url: ws://{j}/subscribe
    dids: [{did}]
"""
open(p, "w").write(y)
PYEOF
sed -i 's/^log_level: info/log_level: debug/' "$T/h.yaml"

# expect_all SOURCE [DID]: every post frame that passes the filter is
# stored exactly once (edits would be extra versions)
expect_all() {
	"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 --source "$1" >"$T/got.json" || return 1
	"$PY" - "$T/js/jetstream.ndjson" "$T/got.json" "$1" "${2:-}" <<'PYEOF'
import json, sys
frames, got, source, did = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
want = set()
for line in open(frames):
    try:
        f = json.loads(line)
    except ValueError:
        continue
    c = f.get("commit") or {}
    if f.get("kind") != "commit" or c.get("collection") != "app.bsky.feed.post" or c.get("operation") != "create":
        continue
    langs = [l.split("-")[0].lower() for l in c["record"].get("langs", [])]
    if source == "sky" and not set(langs) & {"en", "nl"}:
        continue
    if did and f["did"] != did:
        continue
    want.add(f["did"] + "/" + c["rkey"])
ids = [p["source_id"] for p in json.load(open(got))]
assert len(ids) == len(set(ids)), "duplicates stored"
assert set(ids) == want, (len(want), len(ids), sorted(want - set(ids))[:3], sorted(set(ids) - want)[:3])
PYEOF
}

start_daemon "$T/h.yaml" run1
check "both sources subscribe" wait_until 20 sh -c "[ \$(grep -c '\"status\": 101' '$T/js.ndjson') -ge 2 ]"
check "the subscribe URL asks for posts only, and the account filter" "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/js.ndjson') if l.endswith('\n')]
q=[x['query'] for x in r if x['kind']=='ws']
assert all('wantedCollections=app.bsky.feed.post' in x for x in q), q
assert any('wantedDids=$DID0' in x for x in q), q
assert all('cursor=' not in x for x in q), q
assert r[0]['ua'].startswith('hearsay/'), r[0]"
gen 20 en --mix
gen 10 fr
gen 10 nl
check "English and Dutch posts arrive; French ones are filtered out" wait_until 30 expect_all sky
check "the account filter keeps one author's posts" wait_until 30 expect_all sky-one "$DID0"

say "a connection dropped mid-stream resumes a few seconds back, without duplicates"
echo "drop_after 5" >"$T/js.mode"
gen 30 en
check "the drop is logged with the source" wait_until 30 grep -q "source sky: stream: connection lost" "$T/run1.log"
check "the reconnect asks for a cursor" wait_until 30 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/js.ndjson') if l.endswith('\n')]
assert any(x['kind']=='ws' and 'cursor=' in x['query'] for x in r)"
echo ok >"$T/js.mode"
check "after the drops, every post is stored exactly once" wait_until 40 expect_all sky
check "frames replayed by the rewind were dropped by the collector" grep -q "source sky: stream: dropping frames replayed after the reconnect" "$T/run1.log"
check "stream failures are counted" metric_ge stream_failures 1

say "garbage frames"
BAD0=$(metric stream_bad_messages)
echo garbage >"$T/js.mode"
sleep 0.5
gen 3 en
check "a frame that is not JSON is counted" wait_until 20 metric_ge stream_bad_messages $((BAD0 + 1))
check "and logged with the source" grep -q "source sky: stream: frame is not valid JSON" "$T/run1.log"
check "a binary frame is skipped and counted" metric_ge stream_skipped 1
echo ok >"$T/js.mode"
check "good frames around it arrive" wait_until 20 expect_all sky

say "a post deleted upstream"
"$PY" - "$T/js/jetstream.ndjson" "$TNEXT" <<'PYEOF'
import json, sys
path, t = sys.argv[1], int(sys.argv[2])
first = next(json.loads(l) for l in open(path) if '"operation":"create"' in l)
victim = first["did"] + "/" + first["commit"]["rkey"]
with open(path, "a") as f:
    f.write(json.dumps({"did": first["did"], "time_us": t, "kind": "commit",
                        "commit": {"rev": "3zzzzzzzzzz22", "operation": "delete",
                                   "collection": "app.bsky.feed.post", "rkey": first["commit"]["rkey"]}}) + "\n")
open(path + ".victim", "w").write(victim)
PYEOF
TNEXT=$((TNEXT + 3000))
check "the stored post is marked deleted, its record kept" wait_until 20 "$PY" -c "
import json, subprocess
v = open('$T/js/jetstream.ndjson.victim').read()
p = json.loads(subprocess.run(['$HEARSAYCTL', '-c', '$T/h.yaml', 'query', '--posts', '--json', '--limit', '0', '--source', 'sky'], capture_output=True, check=True).stdout)
d = [x for x in p if x['source_id'] == v]
assert len(d) == 1 and d[0].get('deleted') is True and d[0]['deleted_at'], d
assert sum(1 for x in p if x.get('deleted')) == 1"

say "kill -9 mid-stream, frames while down, restart"
gen 400 en
sleep 0.3
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
gen 20 nl
start_daemon "$T/h.yaml" run2
check "the restart resumes from the committed cursor" wait_until 20 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/js.ndjson') if l.endswith('\n')]
w=[x for x in r if x['kind']=='ws']
assert 'cursor=' in w[-1]['query'], w[-1]"
check "no gap and no duplicate after kill -9" wait_until 60 expect_all sky
check "the other source too" wait_until 30 expect_all sky-one "$DID0"
check "hearsayd stops cleanly" stop_daemon

say "hearsayctl"
"$HEARSAYCTL" -c "$T/h.yaml" fetch --seconds 3 sky >"$T/fetch.ndjson" 2>"$T/fetch.err" &
FPID=$!
wait_until 10 sh -c "[ \$(grep -c '\"status\": 101' '$T/js.ndjson') -ge 5 ]"
sleep 0.5
gen 4 en
wait "$FPID"
check "hearsayctl fetch follows the stream and prints its posts" "$PY" -c "
import json; p=[json.loads(l) for l in open('$T/fetch.ndjson')]
assert len(p) == 4 and all(x['source']=='sky' and x['url'].startswith('https://bsky.app/profile/did:') for x in p), p"
tail -n 12 "$T/js/jetstream.ndjson" >"$T/frames.ndjson"
"$HEARSAYCTL" parse --collector bluesky --set keywords=rivertown "$T/frames.ndjson" >"$T/parsed.ndjson" 2>"$T/parse.err"
check "hearsayctl parse reads a file of frames and applies the keyword filter" "$PY" -c "
import json
p=[json.loads(l) for l in open('$T/parsed.ndjson')]
want=[f for f in (json.loads(l) for l in open('$T/frames.ndjson')) if f.get('kind')=='commit' and 'rivertown' in f['commit']['record']['text'].lower()]
assert p and len(p) == len(want), (len(p), len(want))"
finish
