#!/bin/bash
# hearsayctl sentiment: the project's copy of the VADER golden file scored
# by the real binary, row for row (compound to 4 decimals, neg/neu/pos to
# 3); Dutch and French through their lexicons; --lang auto and --json;
# malformed lexicons refused with file:line; unknown languages refused.
# No daemon, no network.
. "$(dirname "$0")/lib.sh"

CTL=$top_builddir/hearsayctl
LEX=$top_srcdir/rules/lexicons
GOLD=$top_srcdir/tests/fixtures/sentiment/vader_golden.tsv
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 1. every golden row, exactly
cut -f5 "$GOLD" | "$CTL" sentiment --lexicons "$LEX" >"$T/out" || fail "sentiment exited $?"
rows=$(wc -l <"$GOLD")
[ "$(wc -l <"$T/out")" -eq "$rows" ] || fail "want $rows lines, got $(wc -l <"$T/out")"
paste <(cut -f1-4 "$GOLD") "$T/out" | "$PY" -c '
import sys
bad = 0
for i, line in enumerate(sys.stdin, 1):
    f = line.rstrip("\n").split("\t")
    want = [round(float(x), 4) for x in f[:4]]
    got = [round(float(x), 4) for x in f[4:8]]
    if want != got:
        bad += 1
        if bad <= 5:
            print("row %d: want %s got %s" % (i, want, got))
sys.exit(1 if bad else 0)
' || fail "golden rows differ"
ok "VADER golden: all $rows rows reproduced by hearsayctl sentiment"

# 2. the printed format: 3, 3, 3 and 4 decimals
printf 'I love this town\n' | "$CTL" sentiment --lexicons "$LEX" >"$T/one"
grep -Eq '^[0-9]\.[0-9]{3}	[0-9]\.[0-9]{3}	[0-9]\.[0-9]{3}	-?[0-9]\.[0-9]{4}$' "$T/one" ||
	fail "format: $(cat "$T/one")"
ok "format neg<TAB>neu<TAB>pos<TAB>compound"

# 3. Dutch and French from their lexicons: a positive and a negative line
printf 'Dit is een heel goed idee\nWat een vreselijk slecht plan\n' |
	"$CTL" sentiment --lexicons "$LEX" --lang nl >"$T/nl"
[ "$(awk -F'\t' 'NR==1 && $4 > 0.3' "$T/nl")" ] || fail "nl positive: $(cat "$T/nl")"
[ "$(awk -F'\t' 'NR==2 && $4 < -0.3' "$T/nl")" ] || fail "nl negative: $(cat "$T/nl")"
printf "C'est vraiment bon\nC'est horrible et triste\n" |
	"$CTL" sentiment --lexicons "$LEX" --lang fr >"$T/fr"
[ "$(awk -F'\t' 'NR==1 && $4 > 0.3' "$T/fr")" ] || fail "fr positive: $(cat "$T/fr")"
[ "$(awk -F'\t' 'NR==2 && $4 < -0.3' "$T/fr")" ] || fail "fr negative: $(cat "$T/fr")"
ok "Dutch and French lines scored by their lexicons"

# 4. --lang auto with --json: the detected language, and unscorable lines
printf "Ce n'est pas une bonne idée, c'est vraiment triste pour la ville\n\nok\n" |
	"$CTL" sentiment --lexicons "$LEX" --lang auto --json >"$T/auto"
"$PY" - "$T/auto" <<'PYEOF' || fail "auto/json: $(cat "$T/auto")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows
assert rows[0]["lang"] == "fr" and rows[0]["scored"] is True, rows[0]
assert rows[1]["scored"] is False and rows[1]["compound"] == 0, rows[1]
assert rows[2]["lang"] == "unknown" and rows[2]["scored"] is False, rows[2]
PYEOF
ok "--lang auto --json: language detected, empty and too-short lines unscored"

# 5. bad input: invalid UTF-8, NUL bytes, emoji only, URL only - no crash
printf '\xff\xfe bad bytes\nnul\x00byte\n\xf0\x9f\x98\xa2\nhttps://example.org/x\n' |
	"$CTL" sentiment --lexicons "$LEX" >"$T/bad" || fail "bad input: exit $?"
[ "$(wc -l <"$T/bad")" -eq 4 ] || fail "bad input: $(cat "$T/bad")"
ok "invalid UTF-8, NUL, emoji-only and URL-only lines scored without a crash"

# 6. a malformed lexicon: refused with file:line, exit 78
mkdir -p "$T/lex/nl"
cp "$LEX/nl/sentiment.lex" "$T/lex/nl/"
printf 'word\tgoed-ish\tnot-a-number\n' >>"$T/lex/nl/sentiment.lex"
bad_line=$(wc -l <"$T/lex/nl/sentiment.lex")
rc=0
echo x | "$CTL" sentiment --lexicons "$T/lex" --lang nl 2>"$T/err" >/dev/null || rc=$?
[ "$rc" -eq 78 ] || fail "malformed lexicon: exit $rc"
grep -q "$T/lex/nl/sentiment.lex:$bad_line:" "$T/err" || fail "no file:line: $(cat "$T/err")"
ok "malformed lexicon line refused as file:line (exit 78)"

# 7. a language without a lexicon
rc=0
echo x | "$CTL" sentiment --lexicons "$LEX" --lang pt 2>"$T/err" >/dev/null || rc=$?
[ "$rc" -eq 64 ] && grep -q 'no lexicon for language "pt"' "$T/err" ||
	fail "pt: exit $rc: $(cat "$T/err")"
ok "unknown language refused (exit 64), naming the languages there are"
