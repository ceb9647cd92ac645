#!/bin/bash
# The mastodon collector against a Mastodon server played by
# tests/tools/social_server.py on 127.0.0.1: REST with min_id paging, the
# streaming API with its double-encoded frames, reconnects with a REST
# backfill, a dropped connection, garbage frames, an edit, kill -9, a
# server that hides its timelines, a refused token, and hearsayctl fetch.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/mastodon.so" ] || { fail "collectors/mastodon.so was not built"; finish; }
GEN="$TOOLS/social_gen.py"
FIX="$top_srcdir/tests/fixtures/mastodon"

# start_social NAME [args]: a server with state dir $T/NAME; sets SOC_<NAME>
start_social() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	touch "$T/$name/mastodon.ndjson" "$T/$name.ndjson"
	echo ok >"$T/$name.mode"
	"$PY" "$TOOLS/social_server.py" --port 0 --port-file "$T/$name.port" --state "$T/$name" \
		--log "$T/$name.ndjson" --mode-file "$T/$name.mode" "$@" >"$T/$name-server.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_until 10 test -s "$T/$name.port" || { fail "social server $name did not start"; finish; }
}

start_social soc --token s3cret --page-max 40
cp "$FIX/instance_public.json" "$T/soc/instance.json"
start_social closed
cp "$FIX/instance_disabled.json" "$T/closed/instance.json"
S="127.0.0.1:$(cat "$T/soc.port")"
C="127.0.0.1:$(cat "$T/closed.port")"
printf 's3cret\n' >"$T/token"
chmod 600 "$T/token"
gen() { "$PY" "$GEN" mastodon --tag rivertown "$@" >>"$T/soc/mastodon.ndjson"; }
gen --from 1 --count 5

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
"$PY" - "$T/h.yaml" "$S" "$C" "$T/token" <<'PYEOF'
import sys
p, s, c, tok = sys.argv[1:]
y = open(p).read()
y = y[:y.index("sources:")] + f"""contact: prevention-team@town.example
sources:
  - name: masto-rest
    type: mastodon
    instance: http://{s}
    hashtag: rivertown
    token_file: {tok}
    page_size: 10
    interval: 1s
    timeout: 2s
  - name: masto-live
    type: mastodon
    instance: http://{s}
    hashtag: rivertown
    token_file: {tok}
    streaming: true
    streaming_url: ws://{s}
    page_size: 10
    interval: 1s
  - name: masto-notoken
    type: mastodon
    instance: http://{s}
    hashtag: rivertown
    interval: 1s
  - name: masto-closed
    type: mastodon
    instance: http://{c}
    timeline: local
    interval: 1s
"""
open(p, "w").write(y)
PYEOF
sed -i 's/^log_level: info/log_level: debug/' "$T/h.yaml"

# stored SOURCE: the source ids hearsay holds for a source, one per line
stored() {
	"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 --source "$1" |
		"$PY" -c "import json,sys; [print(p['source_id']) for p in json.load(sys.stdin)]"
}
# expect_all SOURCE: every public status in the server's file is stored,
# exactly once, boosts as their original; edits are extra versions
expect_all() {
	stored "$1" >"$T/got.txt" || return 1
	"$PY" - "$T/soc/mastodon.ndjson" "$T/got.txt" <<'PYEOF'
import json, sys
want = set()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") != "update":
        continue
    s = e["status"]
    if s.get("reblog"):
        s = s["reblog"]
    if s.get("visibility") in ("public", "unlisted", "local", None):
        want.add(s["id"])
got = [l.strip() for l in open(sys.argv[2]) if l.strip()]
plain = [g for g in got if "#" not in g]
assert len(plain) == len(set(plain)), "duplicates stored"
assert set(plain) == want, (sorted(want - set(plain))[:5], sorted(set(plain) - want)[:5])
PYEOF
}

run_t() { "$HEARSAYD" -t -c "$T/h.yaml" >"$T/t.out" 2>&1; }
check "hearsayd -t accepts the mastodon sources" run_t
start_daemon "$T/h.yaml" run1
check "REST: the first statuses arrive" wait_until 20 expect_all masto-rest
check "streaming source: the backfill brings them too" wait_until 20 expect_all masto-live
check "the stream is opened with the user token" wait_until 20 "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/soc.ndjson') if l.endswith('\n')]
w=[x for x in r if x['kind']=='ws' and x['path']=='/api/v1/streaming']
assert w and w[0]['auth']=='Bearer s3cret' and 'stream=hashtag' in w[0]['query'] and 'tag=rivertown' in w[0]['query'], w
assert w[0]['ua'].startswith('hearsay/'), w"
check "the instance document is read first" "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/soc.ndjson') if l.endswith('\n')]
assert r[0]['path']=='/api/v2/instance' or any(x['path']=='/api/v2/instance' for x in r[:3]), r[:3]"
wait_until 10 grep -q "source masto-live: stream open" "$T/run1.log"

gen --from 6 --count 35
check "REST: a burst of 35 (page size 10) is paged in with min_id, none lost" wait_until 30 expect_all masto-rest
check "streaming: the burst arrives over the stream" wait_until 30 expect_all masto-live
check "REST pages were asked with min_id" "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/soc.ndjson') if l.endswith('\n')]
m=[x for x in r if x['kind']=='http' and 'min_id=' in (x['query'] or '') and x['auth']=='Bearer s3cret']
assert len(m) >= 4, len(m)"
check "stream frames were sent to the daemon" "$PY" -c "
import json,time; time.sleep(0.5)
r=[json.loads(l) for l in open('$T/soc.ndjson') if l.endswith('\n')]
assert any(x['kind']=='ws' for x in r)"

say "a connection that drops mid-stream"
echo "drop_after 3" >"$T/soc.mode"
gen --from 41 --count 10
check "a dropped stream is logged with the source and reason" wait_until 30 grep -Eq "source masto-live: stream: (connection lost|closed)" "$T/run1.log"
echo ok >"$T/soc.mode"
check "after drops and reconnects, nothing is lost and nothing doubled" wait_until 40 expect_all masto-live
check "reconnect failures are counted" metric_ge stream_failures 1

opens() { grep -c "source masto-live: stream open" "$T/run1.log"; }
say "statuses posted while the stream is refused come from the REST backfill"
echo "close_after 0" >"$T/soc.mode"
sleep 1.5
gen --from 51 --count 10
sleep 2
N_OPEN=$(opens)
echo ok >"$T/soc.mode"
check "the backfill fills the gap" wait_until 40 expect_all masto-live
check "the REST source has them too" wait_until 20 expect_all masto-rest
check "the stream is open again" wait_until 40 sh -c "[ \$(grep -c 'source masto-live: stream open' '$T/run1.log') -gt $N_OPEN ]"

say "garbage frames, an edit and a delete on an open stream"
BAD0=$(metric stream_bad_messages)
echo garbage >"$T/soc.mode"
sleep 1
gen --edit 3 --delete 4
gen --from 61 --count 2
check "a frame that is not JSON is counted" wait_until 30 metric_ge stream_bad_messages $((BAD0 + 1))
check "and logged with the source name" grep -q "source masto-live: stream: " "$T/run1.log"
check "and counted for that source only" "$PY" -c "
import json, urllib.request
s = json.load(urllib.request.urlopen('$URL/api/v1/stats'))['sources']
assert s['masto-live']['stream_bad_messages'] >= 1 and s['masto-live']['stream_connects'] >= 2, s
assert s['masto-rest']['stream_messages'] == 0 and s['masto-rest']['polls'] >= 5, s"
echo ok >"$T/soc.mode"
check "an edit is kept as a new version" wait_until 30 sh -c "'$HEARSAYCTL' -c '$T/h.yaml' query --posts --json --limit 0 --source masto-live | grep -q '110000000000000003#edit-'"
check "a delete is noticed" wait_until 10 grep -q "source masto-live: stream: status 110000000000000004 was deleted upstream" "$T/run1.log"
check "and the stored post is marked deleted, with the time, its record kept" wait_until 20 "$PY" -c "
import json, subprocess
p = json.loads(subprocess.run(['$HEARSAYCTL', '-c', '$T/h.yaml', 'query', '--posts', '--json', '--limit', '0', '--source', 'masto-live'], capture_output=True, check=True).stdout)
d = [x for x in p if x['source_id'] == '110000000000000004']
assert len(d) == 1 and d[0]['deleted'] is True and d[0]['deleted_at'], d
assert sum(1 for x in p if x.get('deleted')) == 1"
check "counted" metric_ge posts_deleted 1
check "good frames after garbage still arrive" wait_until 30 expect_all masto-live
check "recovery is logged once frames flow again" grep -q "source masto-live: stream recovered after" "$T/run1.log"

say "REST faults: a body cut short, a server that stops answering"
ERR0=$(metric source_errors)
echo truncate >"$T/soc.mode"
gen --from 63 --count 3
check "a JSON page cut short is counted" wait_until 20 metric_ge source_errors $((ERR0 + 1))
check "and logged with the source and reason" wait_until 20 grep -q "source masto-rest: transfer closed with" "$T/run1.log"
echo hang >"$T/soc.mode"
check "a server that stops answering times out, logged with the source" wait_until 30 grep -Eq "source masto-rest: .*timed out" "$T/run1.log"
echo ok >"$T/soc.mode"
check "after recovery nothing is lost and nothing doubled" wait_until 40 expect_all masto-rest

say "servers that hide their timelines"
check "a server that disabled the local timeline is reported as such" wait_until 20 grep -q "source masto-closed: http://$C has disabled public timelines: /api/v2/instance says configuration.timelines_access.live_feeds.local is \"disabled\"" "$T/run1.log"
check "a timeline that needs a token is reported as such, not as empty" wait_until 20 grep -q "source masto-notoken: http://$S refused the timeline (HTTP 401)" "$T/run1.log"
check "the hidden timeline is counted as a source error" metric_ge source_errors 2
check "and yields no posts" sh -c "[ -z \"\$('$HEARSAYCTL' -c '$T/h.yaml' query --posts --json --limit 0 --source masto-closed | tr -d '[] \n')\" ]"

say "kill -9, statuses while down, restart"
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
gen --from 66 --count 12
N0=$(wc -l <"$T/soc.ndjson")
start_daemon "$T/h.yaml" run2
check "REST resumes from its cursor: no gap, no duplicate" wait_until 40 expect_all masto-rest
check "streaming resumes with a backfill from its cursor" wait_until 40 expect_all masto-live
check "after the restart both sources page on from their cursors (min_id), not from the newest page" "$PY" -c "
import json; r=[json.loads(l) for l in open('$T/soc.ndjson') if l.endswith('\n')][$N0:]
t=[x for x in r if x['kind']=='http' and '/timelines/' in x['path'] and x['auth']]
assert t and all('min_id=' in x['query'] for x in t), [x['query'] for x in t]"
check "hearsayd stops cleanly" stop_daemon

say "hearsayctl fetch and parse"
"$HEARSAYCTL" -c "$T/h.yaml" fetch masto-rest >"$T/fetch.ndjson" 2>"$T/fetch.err"
check "hearsayctl fetch prints the newest page as NDJSON" "$PY" -c "
import json; p=[json.loads(l) for l in open('$T/fetch.ndjson')]
assert len(p) >= 8 and all(x['source']=='masto-rest' and x['text'] for x in p), len(p)"
"$HEARSAYCTL" -c "$T/h.yaml" fetch masto-closed >/dev/null 2>"$T/fetch2.err"
check "hearsayctl fetch reports a hidden timeline like the daemon" grep -q "has disabled public timelines" "$T/fetch2.err"
for f in stream_update stream_status_update stream_delete stream_notification; do tr -d '\n' <"$FIX/$f.json"; echo; done >"$T/frames.ndjson"
"$HEARSAYCTL" parse --collector mastodon --set instance=https://town.example --set hashtag=x \
	--frames "$T/frames.ndjson" >"$T/parsed.ndjson" 2>"$T/parse.err"
check "hearsayctl parse --frames turns streaming frames into posts and a deletion notice" "$PY" -c "
import json; p=[json.loads(l) for l in open('$T/parsed.ndjson')]
assert len(p) == 3 and '#edit-' in p[1]['source_id'] and p[2].get('deleted') is True and p[2]['text'] == '', p
assert not p[0].get('deleted') and not p[1].get('deleted'), p"
finish
