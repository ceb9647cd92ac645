#!/bin/bash
# The shipped rule packs in rules/packs: they compile, every rule's examples
# pass, every rule follows the pack conventions (file name, id prefix, lang,
# category, severity, at least 2 match and 2 no_match examples), and the
# threat and dehumanising rules stay silent on a corpus of neutral local
# news in English, Dutch, French and German.
#
# hearsayctl has no "match this text" mode, so the corpus check works on a
# copy of the threat and dehumanising packs in which every corpus sentence
# is added to every rule's no_match examples; `rules test` on that copy then
# fails, naming rule and sentence, for any hit. Every sentence goes to every
# rule, not just the rules of its own language: posts of unknown language
# are checked against all rules (docs/rules.md, "Language scope").
. "$(dirname "$0")/lib.sh"

PACKS="$top_srcdir/rules/packs"
CORPUS="$top_srcdir/tests/fixtures/rules/neutral_news.txt"

run() { # run NAME cmd...: stdout+stderr to $T/NAME.out, status to RC
	local name=$1
	shift
	"$@" >"$T/$name.out" 2>&1
	RC=$?
}

# ---- the packs as shipped ---------------------------------------------------
run check "$HEARSAYCTL" rules check "$PACKS"
check "rules check accepts rules/packs (exit 0)" [ "$RC" -eq 0 ]
NRULES=$(sed -n 's/^\([0-9][0-9]*\) rule(s) OK$/\1/p' "$T/check.out")
check "rules check reports the number of rules" [ -n "$NRULES" ]
[ "$RC" -eq 0 ] || sed 's/^/# /' "$T/check.out"

run test "$HEARSAYCTL" rules test "$PACKS"
check "rules test: every match / no_match example in rules/packs passes" \
	sh -c "[ $RC -eq 0 ] && grep -q ', 0 failed' '$T/test.out'"
[ "$RC" -eq 0 ] || sed 's/^/# /' "$T/test.out"

# ---- conventions (see rules/packs/README.md) --------------------------------
# A line-based reader of the packs' fixed layout, so that no YAML module is
# needed; it must find as many rules as hearsayctl does.
"$PY" - "$PACKS" "${NRULES:-0}" >"$T/layout.out" 2>&1 <<'PYEOF'
import os, re, sys
packs, want_total = sys.argv[1], int(sys.argv[2])
THEMES = {  # theme: (category, allowed severities)
    "threat": ("threat", {"high", "critical"}),
    "dehumanising": ("polarising", {"high"}),
    "polarising": ("polarising", {"medium", "high"}),
    "rumour": ("rumour", {"low", "medium"}),
}
bad, total = [], 0
names = sorted(n for n in os.listdir(packs) if n.endswith((".yaml", ".yml")) and not n.startswith("."))
if not names:
    bad.append("no rule files in " + packs)
for name in names:
    m = re.fullmatch(r"\d\d-(threat|dehumanising|polarising|rumour)-([a-z]{2})\.yaml", name)
    if not m:
        bad.append(f"{name}: file name is not NN-THEME-LANG.yaml")
        continue
    theme, lang = m.groups()
    rules, cur, section = [], None, None
    for no, line in enumerate(open(os.path.join(packs, name), encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if mm := re.match(r"  - id: (\S+)$", line):
            cur = {"id": mm.group(1), "line": no, "match": 0, "no_match": 0}
            rules.append(cur)
            section = None
        elif cur is None:
            continue
        elif mm := re.match(r"    (lang|category|severity): (\S+)$", line):
            cur[mm.group(1)] = mm.group(2)
        elif re.match(r"    \S", line):
            section = None
        elif mm := re.match(r"      (match|no_match):\s*$", line):
            section = mm.group(1)
        elif section and re.match(r'        - "', line):
            cur[section] += 1
    if not rules:
        bad.append(f"{name}: no rules found")
    category, severities = THEMES[theme]
    for r in rules:
        where = f"{name}:{r['line']}: rule {r['id']}"
        if not r["id"].startswith(f"{theme}-{lang}-"):
            bad.append(f"{where}: id must start with {theme}-{lang}-")
        if r.get("lang") != lang:
            bad.append(f"{where}: lang must be {lang}")
        if r.get("category") != category:
            bad.append(f"{where}: category must be {category}")
        if r.get("severity") not in severities:
            bad.append(f"{where}: severity must be one of {sorted(severities)}")
        if r["match"] < 2 or r["no_match"] < 2:
            bad.append(f"{where}: needs >= 2 match and >= 2 no_match examples "
                       f"(has {r['match']} and {r['no_match']})")
    total += len(rules)
if total != want_total:
    bad.append(f"found {total} rules, hearsayctl counted {want_total}")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PYEOF
RC=$?
check "every rule follows the pack conventions (name, lang, category, severity, >= 2+2 examples)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || sed 's/^/# /' "$T/layout.out"

# ---- the neutral news corpus ------------------------------------------------
"$PY" - "$CORPUS" >"$T/corpus-format.out" 2>&1 <<'PYEOF'
import sys
per, bad = {}, []
for no, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    parts = line.split("\t")
    if len(parts) != 2 or parts[0] not in ("en", "nl", "fr", "de") or not parts[1].strip():
        bad.append(f"line {no}: not 'LANG<TAB>sentence' with LANG en, nl, fr or de")
        continue
    per[parts[0]] = per.get(parts[0], 0) + 1
for lang in ("en", "nl", "fr", "de"):
    if per.get(lang, 0) < 100:
        bad.append(f"{lang}: {per.get(lang, 0)} sentences, want at least 100")
print("\n".join(bad) or " ".join(f"{k}={v}" for k, v in sorted(per.items())))
sys.exit(1 if bad else 0)
PYEOF
RC=$?
check "neutral_news.txt: LANG<TAB>sentence lines, >= 100 per language" [ "$RC" -eq 0 ]
sed 's/^/# /' "$T/corpus-format.out"

# corpus_copy DIR GLOB...: copies of the pack files matching the globs, with
# every corpus sentence added to every rule's no_match list. Prints
# "RULES INSERTED"; the two must be equal.
corpus_copy() {
	local dir=$1
	shift
	mkdir -p "$dir"
	"$PY" - "$CORPUS" "$dir" "$@" <<'PYEOF'
import json, os, re, sys
corpus, out = sys.argv[1], sys.argv[2]
sentences = [l.rstrip("\n").split("\t", 1)[1] for l in open(corpus, encoding="utf-8") if "\t" in l]
items = "".join(f"        - {json.dumps(s, ensure_ascii=False)}\n" for s in sentences)
rules = inserted = 0
for path in sys.argv[3:]:
    text = open(path, encoding="utf-8").read()
    rules += len(re.findall(r"(?m)^  - id: ", text))
    text, n = re.subn(r"(?m)^(      no_match:[ \t]*\n)", lambda m: m.group(1) + items, text)
    inserted += n
    with open(os.path.join(out, os.path.basename(path)), "w", encoding="utf-8") as f:
        f.write(text)
print(rules, inserted)
PYEOF
}

set -- $(corpus_copy "$T/silent" "$PACKS"/*-threat-*.yaml "$PACKS"/*-dehumanising-*.yaml)
check "corpus copy: the sentences were added to all $1 threat and dehumanising rules" \
	sh -c "[ '${1:-0}' -gt 0 ] && [ '${1:-0}' = '${2:-x}' ]"
run silent "$HEARSAYCTL" rules test "$T/silent"
check "no threat or dehumanising rule hits any neutral news sentence" \
	sh -c "[ $RC -eq 0 ] && grep -q ', 0 failed' '$T/silent.out'"
if [ "$RC" -ne 0 ]; then
	sed -n 's/.*rule \([^:]*\): expected no match: \(.*\)/# hit: \1: \2/p' "$T/silent.out"
	grep -v 'expected no match' "$T/silent.out" | sed 's/^/# /'
fi

# The same, the way an analyst would check it: the corpus through
# `hearsayctl rules match` with only the threat and dehumanising packs.
mkdir -p "$T/td"
cp "$PACKS"/*-threat-*.yaml "$PACKS"/*-dehumanising-*.yaml "$T/td/"
cut -f2- "$CORPUS" >"$T/corpus.txt"
"$HEARSAYCTL" rules match "$T/td" "$T/corpus.txt" >"$T/td.ndjson" 2>"$T/td.err"
check "rules match over the corpus: every line read, no hit" sh -c "
[ ! -s '$T/td.ndjson' ] && grep -q '^hearsayctl: $(wc -l <"$CORPUS") line(s), 0 hit(s), 0 bad line(s)' '$T/td.err'"

# For information only: polarising and rumour rules on the same corpus.
set -- $(corpus_copy "$T/info" "$PACKS"/*-polarising-*.yaml "$PACKS"/*-rumour-*.yaml)
run info "$HEARSAYCTL" rules test "$T/info"
say "polarising/rumour hits on the neutral corpus (informational):" \
	"$(grep -c 'expected no match' "$T/info.out")"
sed -n 's/.*rule \([^:]*\): expected no match: \(.*\)/#   \1: \2/p' "$T/info.out"
finish
