#!/bin/bash
# hearsayctl for analysts tuning rule packs: rules test --text shows which
# rules hit a text, where and why; rules match streams an archive (plain
# lines or NDJSON posts) through a rule set and prints every hit as NDJSON.
. "$(dirname "$0")/lib.sh"

RULES="$DEMO/rules.d"
"$HEARSAYCTL" rules test --text "I heard they are planning something at the march" "$RULES" >"$T/text.out"
check "rules test --text names each rule that hits, with its span and the matched words" sh -c "
grep -q '^rv-rumour-planning  \[rumour, medium\]  They are planning something' '$T/text.out' &&
grep -q 'text \[17, 35): \"planning something\"' '$T/text.out'"
"$HEARSAYCTL" rules test --json --text "Apparently they are planning something" "$RULES" >"$T/text.json"
check "with --json, the same as an array of hits" "$PY" -c "
import json; h = json.load(open('$T/text.json'))
ids = [x['rule'] for x in h]
assert 'rv-rumour-planning' in ids, ids
x = [x for x in h if x['rule'] == 'rv-rumour-planning'][0]
t = 'Apparently they are planning something'
assert t.encode()[x['span'][0]:x['span'][1]].decode() == x['match'] and x['where'].endswith('rivertown.yaml:44'), x"
"$HEARSAYCTL" rules test --text "The bakery opens at nine" "$RULES" >"$T/none.out"
check "a text no rule hits says so" grep -q "^no rule hits this text" "$T/none.out"
printf '\xff' >"$T/bad.txt"
"$HEARSAYCTL" rules test --text "$(cat "$T/bad.txt")" "$RULES" >/dev/null 2>"$T/bad.err"
check "invalid UTF-8 in --text is refused" grep -q "not valid UTF-8" "$T/bad.err"

cat >"$T/archive.ndjson" <<'NDJSON'
{"id":"p1","source":"town-forum","created":"2026-05-16T09:00:00Z","text":"I heard they are planning something at the march","lang":"en"}
a plain line: the police are hiding what happened at the march, I heard
{"id":"p2","source":"town-forum","created":"2026-05-16T09:01:00Z","text":"The bakery opens at nine"}
{"id": broken
NDJSON
"$HEARSAYCTL" rules match "$RULES" "$T/archive.ndjson" >"$T/match.ndjson" 2>"$T/match.err"
check "rules match prints every hit as NDJSON with the line, the post and the span" "$PY" -c "
import json
h = [json.loads(l) for l in open('$T/match.ndjson')]
assert {x['line'] for x in h} == {1, 2}, h
p1 = [x for x in h if x['line'] == 1]
assert all(x['post'] == 'p1' for x in p1) and 'rv-rumour-planning' in [x['rule'] for x in p1], p1
assert all('post' not in x for x in h if x['line'] == 2)"
check "a bad line is reported with its file and line, the rest still matched" grep -q "archive.ndjson:4: " "$T/match.err"
check "and a summary is printed" grep -q "4 line(s), .* hit(s), 1 bad line(s), 11 rule(s)" "$T/match.err"
"$HEARSAYCTL" rules match "$RULES" <"$T/archive.ndjson" >"$T/stdin.ndjson" 2>/dev/null
check "rules match reads stdin too" cmp -s "$T/match.ndjson" "$T/stdin.ndjson"
mkdir -p "$T/bad"
cat >"$T/bad/p.yaml" <<'YAML'
rules:
  - id: slow
    title: slow
    category: custom
    severity: low
    match: { any: [ { regex: '(a+)+b' } ] }
    tests: { match: ["aab"], no_match: ["aab again"] }
YAML
"$HEARSAYCTL" rules test --json "$T/bad" >"$T/bad.json"
check "rules test --json: exit 1, the failure and the lint warning as JSON" "$PY" -c "
import json; o = json.load(open('$T/bad.json'))
assert o['ok'] is False and o['rules'] == 1 and o['examples'] == 2 and o['failed'] == 1, o
assert any('p.yaml:7:' in f and 'expected no match' in f for f in o['failures']), o
assert any('catastrophic backtracking' in w for w in o['warnings']), o"
"$HEARSAYCTL" rules check --json "$RULES" >"$T/ok.json"
check "rules check --json on a good pack" "$PY" -c "
import json; o = json.load(open('$T/ok.json')); assert o['ok'] and o['rules'] == 11 and o['errors'] == [], o"
finish
