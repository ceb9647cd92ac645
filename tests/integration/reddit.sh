#!/bin/bash
# The reddit collector against a Reddit played by tests/tools/reddit_server.py
# on 127.0.0.1: the app-only OAuth token (Basic auth, client_credentials),
# the User-Agent Reddit asks for, listings of r/A+B walked back with after=
# to the cursor, token expiry and revocation, X-Ratelimit-*, Retry-After,
# HTTP errors, bodies that are not JSON or not UTF-8, kill -9 in the middle
# of a walk, and hearsayctl fetch.
. "$(dirname "$0")/lib.sh"

export HEARSAY_COLLECTOR_PATH="$top_builddir/collectors/.libs"
[ -f "$HEARSAY_COLLECTOR_PATH/reddit.so" ] || { fail "collectors/reddit.so was not built"; finish; }
RS="$TOOLS/reddit_server.py"
CLIENT_ID=rt-app-7Qx2
CLIENT_SECRET=s3cr3t-Rivertown-Hx9

# start_reddit NAME [args]: a fake Reddit with state dir $T/NAME, log
# $T/NAME.ndjson and mode file $T/NAME.mode
start_reddit() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	touch "$T/$name/posts.ndjson" "$T/$name.ndjson"
	echo ok >"$T/$name.mode"
	"$PY" "$RS" --port-file "$T/$name.port" --state "$T/$name" --log "$T/$name.ndjson" \
		--mode-file "$T/$name.mode" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" \
		"$@" >"$T/$name-server.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_until 10 test -s "$T/$name.port" || { fail "reddit server $name did not start"; finish; }
}
start_reddit rd               # reddit-town's server: tokens last an hour
start_reddit rx --expires-in 62 # reddit-expiry's: the plugin renews after ~2 s
S="127.0.0.1:$(cat "$T/rd.port")"
X="127.0.0.1:$(cat "$T/rx.port")"
gen() { # gen SERVER --from N --count K --sub NAME: appended in one write
	local srv=$1
	shift
	"$PY" "$RS" gen "$@" >"$T/gen.tmp" && cat "$T/gen.tmp" >>"$T/$srv/posts.ndjson"
}
set_mode() { echo "$2" >"$T/$1.mode"; }
nreq() { wc -l <"$T/$1.ndjson"; }

printf '%s\n' "$CLIENT_ID" >"$T/reddit_id"
printf '%s\n' "$CLIENT_SECRET" >"$T/reddit_secret"
chmod 600 "$T/reddit_id" "$T/reddit_secret"

# 8 posts in the two subreddits read, 2 in one that is not read
gen rd --from 1 --count 5 --sub rivertown
gen rd --from 6 --count 3 --sub rivertownnews
gen rd --from 9 --count 2 --sub springfield
gen rx --from 1 --count 4 --sub rivertown

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
write_config "$T/h.yaml" "$PORT" "$T/state" 0
"$PY" - "$T/h.yaml" "$S" "$X" "$T" <<'PYEOF'
import sys
p, s, x, t = sys.argv[1:]
y = open(p).read()
src = """  - name: {name}
    type: reddit
    subreddits: [rivertown, rivertownnews]
    client_id_file: {t}/reddit_id
    client_secret_file: {t}/reddit_secret
    username: town_monitor
    auth_url: http://{hp}/api/v1/access_token
    api_url: http://{hp}
    limit: 10
    max_pages: 10
    interval: 1s
"""
y = y[:y.index("sources:")] + "contact: prevention-team@town.example\nsources:\n" + \
    src.format(name="reddit-town", t=t, hp=s) + src.format(name="reddit-expiry", t=t, hp=x)
open(p, "w").write(y)
PYEOF
sed -i 's/^log_level: info/log_level: debug/' "$T/h.yaml"

# R('rd'): the requests a server logged, in order
LOADR="import json, re, base64
R = lambda n: [json.loads(l) for l in open('$T/' + n + '.ndjson') if l.endswith('\n')]
LISTING = '/r/rivertown+rivertownnews/new'
TOKEN = '/api/v1/access_token'"

# stored SOURCE: the posts hearsay holds for a source (JSON) in $T/stored.json
stored() {
	"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 --source "$1" >"$T/stored.json"
}
# expect_all SOURCE SERVER: every post of r/rivertown and r/rivertownnews in
# the server's file is stored exactly once, and nothing else
expect_all() {
	stored "$1" || return 1
	"$PY" - "$T/$2/posts.ndjson" "$T/stored.json" <<'PYEOF'
import json, sys
want = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["subreddit"].lower() in ("rivertown", "rivertownnews"):
        want.add(d["name"])
got = [p["source_id"] for p in json.load(open(sys.argv[2]))]
assert len(got) == len(set(got)), "duplicates stored"
assert set(got) == want, (sorted(want - set(got))[:5], sorted(set(got) - want)[:5])
PYEOF
}
# n_stored SOURCE: how many posts are stored for it
n_stored() {
	stored "$1" && "$PY" -c "import json; print(len(json.load(open('$T/stored.json'))))"
}

say "configuration checks"
run_t() { "$HEARSAYD" -t -c "$1" >"$2" 2>&1; }
check "hearsayd -t accepts the reddit sources" run_t "$T/h.yaml" "$T/t.out"
# bad_config FILE OLD NEW: h.yaml with the first OLD (in reddit-town) replaced
bad_config() {
	"$PY" - "$T/h.yaml" "$1" "$2" "$3" <<'PYEOF'
import sys
src, dst, old, new = sys.argv[1:]
y = open(src).read()
assert old in y, old
open(dst, "w").write(y.replace(old, new, 1))
PYEOF
}
refused() { # refused FILE PATTERN: hearsayd -t exits 78 and says PATTERN
	local rc=0
	"$HEARSAYD" -t -c "$1" >"$1.out" 2>&1 || rc=$?
	[ "$rc" -eq 78 ] && grep -q -- "$2" "$1.out"
}
bad_config "$T/bad_secret.yaml" "client_secret_file: $T/reddit_secret" "client_secret_file: $T/no_such_secret"
check "hearsayd -t refuses a missing client_secret_file (exit 78, says why)" \
	refused "$T/bad_secret.yaml" "$T/no_such_secret.*cannot open secret file: No such file or directory"
bad_config "$T/no_secret.yaml" "    client_secret_file: $T/reddit_secret
" ""
check "hearsayd -t refuses a source without client_secret_file" \
	refused "$T/no_secret.yaml" "reddit source has no 'client_secret_file'"
cp "$T/reddit_secret" "$T/open_secret"
chmod 644 "$T/open_secret"
bad_config "$T/open_secret.yaml" "client_secret_file: $T/reddit_secret" "client_secret_file: $T/open_secret"
check "hearsayd -t refuses a secret file other users can read" \
	refused "$T/open_secret.yaml" "secret file is accessible by other users (mode 644)"
bad_config "$T/bad_sub.yaml" "subreddits: [rivertown, rivertownnews]" "subreddits: [rivertown, \"rivertown news\"]"
check "hearsayd -t refuses a bad subreddit name (exit 78, names it)" \
	refused "$T/bad_sub.yaml" "subreddits: 'rivertown news' is not a subreddit name"

start_daemon "$T/h.yaml" run1

say "token, User-Agent, first listing"
check "the first poll gets a token, then lists both subreddits" wait_until 20 "$PY" -c "$LOADR
r = R('rd')
assert len(r) >= 2 and r[0]['path'] == TOKEN and r[1]['path'] == LISTING, r[:2]"
check "the token is asked for with Basic auth and grant_type=client_credentials" "$PY" -c "$LOADR
t = R('rd')[0]
assert t['method'] == 'POST' and t['status'] == 200, t
assert t['body'] == 'grant_type=client_credentials', t['body']
sch, cred = t['auth'].split(' ', 1)
assert sch == 'Basic' and base64.b64decode(cred).decode() == '$CLIENT_ID:$CLIENT_SECRET', t['auth']"
check "the User-Agent is linux:hearsay:VERSION (by /u/town_monitor), on every request" "$PY" -c "$LOADR
r = R('rd')
bad = [x['ua'] for x in r if not re.fullmatch(r'linux:hearsay:[0-9.]+ \(by /u/town_monitor\)', x['ua'] or '')]
assert not bad, bad[:3]"
check "listings carry 'bearer tok-1', limit=10 and raw_json=1" "$PY" -c "$LOADR
l = [x for x in R('rd') if x['path'] == LISTING]
assert l and all(x['auth'] == 'bearer tok-1' and x['method'] == 'GET' for x in l), l[:2]
assert l[0]['query'] == 'limit=10&raw_json=1', l[0]['query']"

check "the 8 initial posts are stored exactly once (not r/springfield)" wait_until 20 expect_all reddit-town rd
check "stored posts: the title in the text, the reddit.com permalink, the subreddit tag, the time" "$PY" - "$T/rd/posts.ndjson" "$T/stored.json" <<'PYEOF'
import json, sys, datetime
src = {d["name"]: d for d in map(json.loads, open(sys.argv[1]))}
got = json.load(open(sys.argv[2]))
assert len(got) == 8, len(got)
for p in got:
    d = src[p["source_id"]]
    assert p["source"] == "reddit-town", p
    assert p["text"].startswith(d["title"]), (p["text"], d["title"])
    if d["selftext"]:
        assert p["text"] == d["title"] + "\n\n" + d["selftext"], p["text"]
    assert p["url"] == "https://www.reddit.com" + d["permalink"], p["url"]
    assert p["url"].startswith("https://www.reddit.com/r/" + d["subreddit"] + "/comments/"), p["url"]
    assert "r/" + d["subreddit"] in p["tags"], p["tags"]
    t = datetime.datetime.fromisoformat(p["created"].replace("Z", "+00:00")).timestamp()
    assert abs(t - d["created_utc"]) < 0.001, (p["created"], d["created_utc"])
PYEOF

say "a burst of 35 posts, more than one page"
N=$(nreq rd)
{ "$PY" "$RS" gen --from 11 --count 20 --sub rivertown
  "$PY" "$RS" gen --from 31 --count 15 --sub rivertownnews; } >"$T/burst.tmp"
cat "$T/burst.tmp" >>"$T/rd/posts.ndjson" # one write: the daemon sees all 35 at once
check "the burst is walked back page by page and stored, none doubled" wait_until 30 expect_all reddit-town rd
check "older pages were asked for with after=<oldest fullname of the page before>" "$PY" -c "$LOADR
l = [x for x in R('rd')[$N:] if x['path'] == LISTING]
a = [x for x in l if 'after=' in x['query']]
assert len(a) >= 3, [x['query'] for x in l]
assert a[0]['query'] == 'limit=10&raw_json=1&after=t3_10', a[0]['query']"

say "token expiry (reddit-expiry: tokens of 62 s, renewed a minute early)"
check "a second token is asked for about 2 s after the first" wait_until 20 "$PY" -c "$LOADR
t = [x for x in R('rx') if x['path'] == TOKEN and x['status'] == 200]
assert len(t) >= 3, len(t)
gaps = [b['t'] - a['t'] for a, b in zip(t, t[1:])]
assert all(g >= 1.5 for g in gaps), gaps"
check "listings after the second token use tok-2 or later, never an old one" "$PY" -c "$LOADR
r = R('rx')
n = 0
for x in r:
    if x['path'] == TOKEN and x['status'] == 200:
        n += 1
    elif x['path'] == LISTING:
        assert x['auth'] == 'bearer tok-%d' % n, (x['auth'], n)
l = [x for x in r if x['path'] == LISTING]
assert any(x['auth'] != 'bearer tok-1' for x in l), [x['auth'] for x in l]
assert all(x['status'] == 200 for x in r), [x for x in r if x['status'] != 200][:2]"
check "reddit-expiry has its posts" expect_all reddit-expiry rx

NEXT=46
add_posts() { gen rd --from "$NEXT" --count "$1" --sub rivertown; NEXT=$((NEXT + $1)); }

say "a revoked token"
N=$(nreq rd)
set_mode rd revoke
add_posts 3
check "a listing refused with 401 is followed by a new token and listings with it" wait_until 20 "$PY" -c "$LOADR
r = R('rd')[$N:]
i = [k for k, x in enumerate(r) if x['path'] == LISTING and x['status'] == 401][0]
assert r[i]['auth'] == 'bearer tok-1', r[i]
assert r[i + 1]['path'] == TOKEN and r[i + 1]['status'] == 200, r[i + 1]
ok = [x for x in r[i + 2:] if x['path'] == LISTING and x['status'] == 200]
assert ok and all(x['auth'] == 'bearer tok-2' for x in ok), ok"
check "the refusal is logged with the source name" \
	grep -q "source reddit-town: the token was refused (HTTP 401); asking for a new one" "$T/run1.log"
check "polling goes on: posts made meanwhile are stored" wait_until 20 expect_all reddit-town rd
set_mode rd ok

say "X-Ratelimit-Remaining: 0"
N=$(nreq rd)
set_mode rd "ratelimit 0 3"
check "after a listing with Remaining 0 and Reset 3 the next request waits >= 2.5 s" wait_until 20 "$PY" -c "$LOADR
r = R('rd')[$N:]
i = [k for k, x in enumerate(r) if x['path'] == LISTING and x['mode'] == 'ratelimit 0 3'][0]
assert len(r) > i + 1, 'no request after it yet'
assert r[i + 1]['t'] - r[i]['t'] >= 2.5, r[i + 1]['t'] - r[i]['t']"
N=$(nreq rd)
add_posts 25
check "posts made while rate-limited are all stored" wait_until 30 expect_all reddit-town rd
check "the pages of a walk wait for the reset too (>= 2.5 s apart while Remaining is 0)" "$PY" -c "$LOADR
l = [x for x in R('rd')[$N:] if x['path'] == LISTING and x['mode'] == 'ratelimit 0 3']
assert sum(1 for x in l if 'after=' in x['query']) >= 2, [x['query'] for x in l]
gaps = ['%.2f' % (b['t'] - a['t']) for a, b in zip(l, l[1:])]
assert all(float(g) >= 2.5 for g in gaps), list(zip([x['query'] for x in l[1:]], gaps))"
set_mode rd ok

say "faults: each logged with the source and reason, counted, then recovery"
recovered() { grep -c "source reddit-town: recovered after" "$T/run1.log"; }
more_recovered() { [ "$(recovered)" -gt "$1" ]; }

# HTTP 500
ERR0=$(metric source_errors)
REC0=$(recovered)
set_mode rd "status 500"
check "HTTP 500 is counted in source_errors" wait_until 20 metric_ge source_errors $((ERR0 + 1))
check "HTTP 500 is logged with the source, the status and the URL" grep -q \
	"source reddit-town: HTTP status 500 from http://$S/r/rivertown+rivertownnews/new?limit=10&raw_json=1 (failure 1" "$T/run1.log"
set_mode rd ok
add_posts 3
check "recovery after HTTP 500 is logged" wait_until 20 more_recovered "$REC0"
check "after HTTP 500: no loss, no duplicate" wait_until 20 expect_all reddit-town rd

# 429 with Retry-After
ERR0=$(metric source_errors)
REC0=$(recovered)
N=$(nreq rd)
set_mode rd "retry 429 2"
check "HTTP 429 is counted" wait_until 20 metric_ge source_errors $((ERR0 + 1))
set_mode rd ok
check "Retry-After: 2 is honoured (>= 1.8 s to the next request)" wait_until 20 "$PY" -c "$LOADR
r = R('rd')[$N:]
i = [k for k, x in enumerate(r) if x['status'] == 429][0]
assert len(r) > i + 1 and r[i + 1]['t'] - r[i]['t'] >= 1.8, r[i:i + 2]"
check "HTTP 429 is logged with the source and the wait" grep -q \
	"source reddit-town: HTTP status 429 from http://$S/r/rivertown+rivertownnews/new?limit=10&raw_json=1 (failure 1; next try in 2s)" "$T/run1.log"
add_posts 2
check "recovery after 429 is logged" wait_until 20 more_recovered "$REC0"
check "after 429: no loss, no duplicate" wait_until 20 expect_all reddit-town rd

# a body cut in half
ERR0=$(metric source_errors)
PERR0=$(metric source_parse_errors)
REC0=$(recovered)
set_mode rd malformed
check "a truncated listing is counted in source_parse_errors" wait_until 20 metric_ge source_parse_errors $((PERR0 + 1))
check "and in source_errors" metric_ge source_errors $((ERR0 + 1))
check "a truncated listing is logged with the source and the JSON error" grep -Eq \
	"source reddit-town: http://$S/r/rivertown\+rivertownnews/new\?limit=10&raw_json=1: listing is not valid JSON \(line 1, column [0-9]+\)" "$T/run1.log"
check "the failed parse is logged as such" grep -q \
	"source reddit-town: could not parse the response from http://$S/r/rivertown+rivertownnews/new?limit=10&raw_json=1 (failure 1" "$T/run1.log"
set_mode rd ok
add_posts 2
check "recovery after a truncated listing is logged" wait_until 20 more_recovered "$REC0"
check "after a truncated listing: no loss, no duplicate" wait_until 20 expect_all reddit-town rd

# a title with the bytes 0xff 0xfe. JSON must be UTF-8 and jansson refuses
# a body for one bad byte, so the collector repairs the body first: the
# bad bytes become U+FFFD, the page is read, and nothing else is lost.
REC0=$(recovered)
set_mode rd badutf8
N=$(nreq rd)
add_posts 3
badutf8_served() {
	"$PY" -c "$LOADR
r = R('rd')
assert any(x['path'] == LISTING and x['mode'] == 'badutf8' and x['status'] == 200 for x in r[$N:])"
}
check "a listing with invalid UTF-8 is served" wait_until 20 badutf8_served
check "it is logged with the source as repaired" wait_until 20 grep -Eq \
	"source reddit-town: http://$S/r/rivertown\+rivertownnews/new\?limit=10&raw_json=1: invalid UTF-8 in the listing replaced with U\+FFFD" "$T/run1.log"
check "the page is read: every post stored once, none lost" wait_until 20 expect_all reddit-town rd
check "the bad bytes became U+FFFD in that one title, and nothing else changed" "$PY" - "$T/rd/posts.ndjson" "$T/stored.json" <<'PYEOF'
import json, sys
titles = {json.loads(l)["name"]: json.loads(l)["title"] for l in open(sys.argv[1])}
bad = [p for p in json.load(open(sys.argv[2])) if "\ufffd" in p["text"]]
assert len(bad) == 1, [p["source_id"] for p in bad]
assert bad[0]["text"].startswith("\ufffd\ufffd" + titles[bad[0]["source_id"]]), bad[0]["text"][:80]
PYEOF
check "the daemon is alive" curl -sf -o /dev/null "$URL/api/v1/health"
set_mode rd ok
add_posts 2
check "after invalid UTF-8: later posts arrive, each once" wait_until 20 expect_all reddit-town rd

say "kill -9 in the middle of a walk, posts while down, restart"
set_mode rd "slow 1.5"
N=$(nreq rd)
BEFORE=$(n_stored reddit-town)
K0=$NEXT
add_posts 35
stored_ge() { [ "$(n_stored reddit-town)" -ge "$1" ]; }
check "the first page of the burst is stored" wait_until 20 stored_ge $((BEFORE + 10))
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
check "the daemon was killed before the walk was done" "$PY" -c "$LOADR
r = [x for x in R('rd')[$N:] if x['path'] == LISTING]
assert len(r) < 4, [x['query'] for x in r]"
add_posts 12
set_mode rd ok
N=$(nreq rd)
start_daemon "$T/h.yaml" run2
check "after the restart: every post stored exactly once" wait_until 30 expect_all reddit-town rd
check "the restart asked for a new token, then walked back with after=" "$PY" -c "$LOADR
r = [x for x in R('rd')[$N:] if x['mode'] == 'ok'] # not the killed daemon's last slow answer
assert r[0]['path'] == TOKEN and r[0]['status'] == 200, r[0]
l = [x for x in r if x['path'] == LISTING]
assert l[0]['query'] == 'limit=10&raw_json=1', l[0]
assert sum(1 for x in l if 'after=' in x['query']) >= 4, [x['query'] for x in l]"
check "no failure was logged after the restart" sh -c "! grep -q 'source reddit-town: .*failure' '$T/run2.log'"
check "hearsayd stops cleanly" stop_daemon

say "hearsayctl fetch"
N=$(nreq rd)
"$HEARSAYCTL" -c "$T/h.yaml" fetch reddit-town >"$T/fetch.ndjson" 2>"$T/fetch.err"
check "hearsayctl fetch gets a token, then prints the newest page as NDJSON" "$PY" - "$T/rd/posts.ndjson" "$T/fetch.ndjson" <<PYEOF
$LOADR
import sys
r = R('rd')[$N:]
# the stopped daemon's last request can be logged after N was read: it is
# not hearsayctl's, whose first request is for a token
r = r[next((i for i, x in enumerate(r) if x['path'] == TOKEN), 0):]
assert [x['path'] for x in r] == [TOKEN, LISTING], [(x['path'], x['query']) for x in r]
assert r[0]['status'] == 200 and r[1]['query'] == 'limit=10&raw_json=1', r
src = [json.loads(l) for l in open(sys.argv[1])]
src = [d for d in src if d['subreddit'] in ('rivertown', 'rivertownnews')]
newest = sorted(src, key=lambda d: (d['created_utc'], len(d['name']), d['name']))[-10:]
p = [json.loads(l) for l in open(sys.argv[2])]
assert [x['source_id'] for x in p] == [d['name'] for d in newest], [x['source_id'] for x in p]
assert all(x['source'] == 'reddit-town' and x['text'] and x['url'].startswith('https://www.reddit.com/r/') for x in p)
PYEOF
check "hearsayctl fetch reports the count" grep -q "hearsayctl: 10 post(s) from reddit-town" "$T/fetch.err"
finish
