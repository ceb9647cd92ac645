#!/bin/bash
# The signal stage end to end: a replayed town stream (tests/tools/
# signal_stream.py) with quiet chatter, a rumour burst at a known time (one
# claim copied 60 times by 45 accounts, paraphrased) and two posts with
# impossible clocks. The real hearsayd must:
#   - score every post's sentiment and store it with the post;
#   - find one claim for the copies, with the first copy as its provenance,
#     and push "claim" events;
#   - flag spikes for the source, the rumour rule and the claim, starting
#     within 2 buckets of the burst, marked as rumour spikes, pushed as
#     "spike" events and listed by hearsayctl spikes;
#   - keep sentiment rollups (hearsayctl mood);
#   - not let the bad clocks move anything;
#   - restore the claims after a restart.
. "$(dirname "$0")/lib.sh"

"$PY" "$TOOLS/signal_stream.py" "$T/stream.ndjson" >"$T/summary.json" || fail "stream generator"
BURST=$("$PY" -c "import json; print(json.load(open('$T/summary.json'))['burst'])")
FIRST=$("$PY" -c "import json; print(json.load(open('$T/summary.json'))['first'])")
POSTS=$("$PY" -c "import json; print(json.load(open('$T/summary.json'))['posts'])")

mkdir -p "$T/rules"
cat >"$T/rules/rumour.yaml" <<'YAML'
rules:
  - id: t-rumour
    title: rumour phrasing
    category: rumour
    severity: medium
    match:
      any:
        - terms: ["share before it gets deleted", "the police are hiding it", "they are planning"]
    tests:
      match: ["they are planning something"]
      no_match: ["we are planning a picnic"]
  - id: t-rumour-nospike
    title: rumour phrasing, no spike key
    category: rumour
    severity: low
    match:
      any:
        - terms: ["share before it gets deleted"]
    spike: { enabled: false }
  - id: t-rumour-strict
    title: rumour phrasing, spikes only past 1000 posts a bucket
    category: rumour
    severity: low
    match:
      any:
        - terms: ["share before it gets deleted"]
    spike: { min_count: 1000, threshold: 3 }
  - id: t-first-mosque
    title: rumour category, spikes from the first post on
    category: rumour
    severity: low
    match:
      any:
        - terms: [mosque]
    spike: { min_count: 1 }
  - id: t-negative-mosque
    title: negative posts about the mosque
    category: sentiment
    severity: low
    match:
      any:
        - terms: [mosque]
    sentiment:
      max: -0.05
YAML

PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
cat >"$T/h.yaml" <<YAML
log_level: info
workers: 2
store:
  path: $T/state/db
  batch_posts: 32
  batch_time: 20ms
rules_dir: $T/rules
signals:
  lexicons: $top_srcdir/rules/lexicons
  bucket: 10m
  claims:
    min_size: 3
privacy:
  key_file: $T/state/pseudonym.key
listen:
  address: 127.0.0.1
  port: $PORT
  dashboard_dir: $top_srcdir/dashboard
sources:
  - name: town
    type: replay
    path: $T/stream.ndjson
    speed: 1000000000
    rebase: false
YAML
start_daemon "$T/h.yaml" run1
check "the stream is replayed" wait_until 60 metric_eq sources_done 1
check "every post is committed" wait_until 30 metric_eq posts_committed "$POSTS"
stop_daemon || fail "hearsayd did not stop cleanly"
grep -q "sentiment: en, fr, nl" "$T/run1.log" || fail "no sentiment line in the log"

# 1. sentiment stored with the posts; the sentiment-conditioned rule
"$HEARSAYCTL" -c "$T/h.yaml" query --posts --json --limit 0 >"$T/posts.json"
check "every post carries its sentiment and language" "$PY" - "$T/posts.json" <<'PYEOF'
import json, sys
posts = json.load(open(sys.argv[1]))
assert posts, "no posts"
for p in posts:
    assert p["lang_used"] == "en", p
    s = p["sentiment"]
    assert s is not None and -1 <= s["compound"] <= 1 and abs(s["neg"] + s["neu"] + s["pos"] - 1) < 0.01, p
PYEOF
"$HEARSAYCTL" -c "$T/h.yaml" query --json --limit 0 --rule t-negative-mosque >"$T/neg.json"
check "the sentiment condition picks the two hostile mosque posts, not the friendly one" \
	"$PY" - "$T/neg.json" <<'PYEOF'
import json, sys
hits = json.load(open(sys.argv[1]))
assert len(hits) == 2, [h["post"]["text"] for h in hits]
for h in hits:
    assert h["post"]["sentiment"]["compound"] <= -0.05, h
    assert "Lovely" not in h["post"]["text"], h
PYEOF

# 2. the claim, with its provenance
"$HEARSAYCTL" -c "$T/h.yaml" claims --json >"$T/claims.json"
check "one claim holds the copies, first copy as provenance" "$PY" - "$T/claims.json" "$T/posts.json" "$FIRST" "$BURST" <<'PYEOF'
import json, sys
claims = json.load(open(sys.argv[1]))
posts = {p["id"]: p for p in json.load(open(sys.argv[2]))}
big = [c for c in claims if c["size"] >= 50]
assert len(big) == 1, [(c["id"], c["size"]) for c in claims]
c = big[0]
first = posts[c["first"]["post"]]
assert first["source_id"] == sys.argv[3], (first["source_id"], sys.argv[3])
assert c["first"]["time"].startswith(sys.argv[4][:19]), c["first"]
# 45 accounts; past 16 the count is a 128-register HyperLogLog estimate
# (about 9 % standard error, and the pseudonym key is new each run):
# 3 standard errors either way
assert 33 <= c["authors"] <= 57, c
assert c["size"] <= 60, c
assert "mosque" in c["excerpt"].lower(), c
assert len(c["spread"]) >= 10, c
PYEOF
CID=$("$PY" -c "import json; print([c for c in json.load(open('$T/claims.json')) if c['size']>=50][0]['id'])")
"$HEARSAYCTL" -c "$T/h.yaml" claims "$CID" >"$T/claim.txt"
check "hearsayctl claims ID shows where it started and how it spread" \
	sh -c "grep -q 'first seen: post' '$T/claim.txt' && grep -q 'spread:' '$T/claim.txt'"

# 3. spikes: source, rule and claim, within 2 buckets of the burst
"$HEARSAYCTL" -c "$T/h.yaml" spikes --json >"$T/spikes.json"
check "spikes for the source, the rumour rule, its term and the claim, flagged within 2 buckets" \
	"$PY" - "$T/spikes.json" "$BURST" "$CID" <<'PYEOF'
import json, sys, datetime as dt
spikes = json.load(open(sys.argv[1]))
burst = dt.datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
def t(s): return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
keys = {s["key"]: s for s in spikes}
term = "term:t-rumour/they are planning"  # a hit is the rule's first match
for k in ("source:town", "rule:t-rumour", term, "claim:" + sys.argv[3]):
    assert k in keys, (k, list(keys))
    s = keys[k]
    assert abs((t(s["start"]) - burst).total_seconds()) <= 2 * 600, s
    assert s["state"] == "ended" and s["end"], s
    assert s["posts"] >= 20 and s["magnitude"] > 1, s
assert keys["rule:t-rumour"]["rumour"] is True
assert keys["claim:" + sys.argv[3]]["rumour"] is True
assert keys[term]["rumour"] is True and keys[term]["kind"] == "term", keys[term]
assert keys[term]["category"] == "rumour", keys[term]
first = keys.get("term:t-first-mosque/mosque")  # may start on the rule's first post
assert first and first["category"] == "rumour" and first["rumour"] is True, first
for k in keys:  # the rules' own spike settings hold for their terms too
    assert not k.startswith(("term:t-rumour-nospike/", "term:t-rumour-strict/")), k
assert keys["source:town"]["rumour"] is False
assert "rule:t-rumour-nospike" not in keys, "spike: {enabled: false} ignored"
assert "rule:t-rumour-strict" not in keys, "spike: {min_count: 1000} ignored"
for s in spikes:  # the bad clocks made no spike
    assert t(s["start"]).year == 2026, s
PYEOF
"$HEARSAYCTL" -c "$T/h.yaml" spikes --rumour >"$T/spikes.txt"
check "hearsayctl spikes --rumour lists the rumour spikes" grep -q "rumour" "$T/spikes.txt"

# 4. rollups: posts and sentiment per bucket
"$HEARSAYCTL" -c "$T/h.yaml" mood --source town --json >"$T/mood.json"
check "mood: buckets add up to the posts, the burst bucket is the busiest" \
	"$PY" - "$T/mood.json" "$POSTS" "$BURST" <<'PYEOF'
import json, sys
rows = json.load(open(sys.argv[1]))
assert sum(r["posts"] for r in rows) == int(sys.argv[2]), sum(r["posts"] for r in rows)
top = max(rows, key=lambda r: r["posts"])
assert top["bucket"].startswith(sys.argv[3][:14]), top  # the burst's hour
assert any(r["bucket"].startswith("2096") for r in rows) is False  # far future: counted at S
for r in rows:
    assert -1 <= r["rolling_mean"] <= 1 and 0 <= r["negative_share"] <= 1, r
PYEOF

# 5. the events went out on the websocket (and are replayed from the store);
# the HTTP API lists spikes and claims
start_daemon "$T/h.yaml" run2
curl -sf "$URL/api/v1/spikes?rumour=1&limit=10" >"$T/api_spikes.json" || fail "GET /api/v1/spikes"
curl -sf "$URL/api/v1/claims?limit=5" >"$T/api_claims.json" || fail "GET /api/v1/claims"
check "/api/v1/spikes?rumour=1 and /api/v1/claims answer like hearsayctl" \
	"$PY" - "$T/api_spikes.json" "$T/api_claims.json" "$CID" <<'PYEOF'
import json, sys
sp = json.load(open(sys.argv[1]))
cl = json.load(open(sys.argv[2]))
assert sp and all(s["rumour"] for s in sp), sp
assert any(s["key"] == "claim:" + sys.argv[3] for s in sp), [s["key"] for s in sp]
assert 1 <= len(cl) <= 5, cl
assert all(c["size"] >= 2 and c["first"]["post"] for c in cl), cl
ids = [c["id"] for c in cl]
assert ids == sorted(ids, reverse=True), ids
PYEOF
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/claims?limit=0")
check "a bad limit is a 400" [ "$code" = 400 ]
"$HEARSAYCTL" -u "$URL" watch --all --json --since 0 --count 1000000 --timeout 5 >"$T/events.ndjson" 2>/dev/null
stop_daemon || fail "second run did not stop cleanly"
check "spike and claim events are pushed with their seq" "$PY" - "$T/events.ndjson" <<'PYEOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
types = {e.get("type") for e in ev}
assert {"hit", "spike", "claim"} <= types, types
sp = [e for e in ev if e["type"] == "spike"]
assert all(isinstance(e["seq"], int) and e["spike"]["key"] for e in sp), sp[:1]
PYEOF
check "the claims were restored at the restart" grep -q "claim(s) restored" "$T/run2.log"
finish
