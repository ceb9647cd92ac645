#!/usr/bin/env python3
"""Convert a De Smedt & Daelemans sentiment lexicon (the XML files shipped
with the Pattern library, e.g. Debian python3-pattern's nl-sentiment.xml and
fr-sentiment.xml) into hearsay's plain-text lexicon format (.lex), which is
described in docs/sentiment.md, section "Dutch, French and other languages
(lexicons)".

    tests/tools/lexicon_from_pattern.py --lang nl nl-sentiment.xml \
        rules/lexicons/nl/sentiment.lex
    tests/tools/lexicon_from_pattern.py --lang fr fr-sentiment.xml \
        rules/lexicons/fr/sentiment.lex

Python 3 standard library only. The output is deterministic (same input,
same bytes), so the committed .lex files can be regenerated and compared.

What the conversion does, step by step (the scorer in rules/lexsent.c then
applies the authors' method to these entries):

 1. Every <word> element gives one sense (form, pos, polarity, subjectivity,
    intensity). A form may have several senses and several part-of-speech
    tags. As the authors' loader does, the senses are averaged per tag
    first, then the per-tag averages are averaged: that is the value a
    word gets when text is scored without part-of-speech tags.
 2. Forms are lowercased (the authors lowercase the text before lookup, so
    their few capitalised forms, such as "Bourgondisch", could never match;
    here they do). A capitalised form whose lowercase form is also in the
    file is dropped.
 3. A form is a "modifier" (it multiplies the polarity of the next known
    word by its intensity) when one of its tags is in the language's
    modifier tags: RB (adverbs) for French, JJ and RB for Dutch, where the
    authors use adverbial adjectives ("ontzettend spannend") as modifiers.
 4. Derived forms, as the authors' language modules add them when loading:
      nl: the attributive form of every adjective ("snel" -> "snelle",
          "groot" -> "grote", "lief" -> "lieve"), with the averaged value
          of the adjective's JJ senses; it is a modifier too (tag JJ).
      fr: the form without accents for forms that do not end in an accented
          letter ("précaire" -> "precaire"; only a-grave, e-acute, e-grave,
          e-circumflex and i-diaeresis are replaced, as the authors do),
          with the same value.
    As in the authors' loader, the forms are processed in the file's
    order and a derived form replaces what the file says about that form
    (and a later derivation an earlier one): "oude" gets the value of
    "oud"'s adjective senses, not its own line. The untagged value of a
    derived form is that of its last write.
 5. Forms that start with one of the language's elisions ("l'horreur")
    are left out: the tokeniser splits "l'" off, so they can never match
    (the authors' tokeniser does the same; "horreur" has its own entry).
 6. Language settings the method needs (negation words, adverb suffixes,
    elided articles) are written as directives.
 7. A few emoticons and emoji are added, in a separate section. These are
    hearsay's own additions with hearsay's own values, not from the
    Antwerp data; the authors' method scores emoticons too.

Numbers are written with at most 6 decimals. The input file's SHA-256 is
recorded in the header.
"""

import argparse
import hashlib
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

FORMAT_LINE = "hearsay-lexicon 1"

# Per-language settings of the authors' method.
LANGS = {
    "nl": {
        "name": "Dutch",
        "modifier_tags": {"JJ", "RB"},
        "negations": ["geen", "gene", "ni", "niet", "nooit"],
        "adverb_suffixes": ["ig", "isch", "lijk"],
        "elisions": [],
        "derive": "nl_attributive",
    },
    "fr": {
        "name": "French",
        "modifier_tags": {"RB"},
        "negations": ["n'", "ne", "ni", "non", "pas", "rien", "sans", "aucun", "jamais"],
        "adverb_suffixes": ["ment"],
        "elisions": ["c'", "d'", "j'", "jusqu'", "l'", "lorsqu'", "m'", "n'", "puisqu'",
                     "qu'", "s'", "t'"],
        "derive": "fr_unaccent",
    },
}

# hearsay's own additions: emoticons and emoji, (form, polarity). All get
# subjectivity 1 and intensity 1. Forms are lowercase (text is folded).
HEARSAY_SYMBOLS = [
    (":)", 0.5), (":-)", 0.5), ("=)", 0.5), (":]", 0.4),
    (":d", 0.8), (":-d", 0.8),
    (";)", 0.3), (";-)", 0.3),
    ("<3", 0.8),
    (":(", -0.6), (":-(", -0.6), ("=(", -0.6),
    (":'(", -0.8), (":@", -0.7),
    ("(!)", 0.0),                     # irony mark: subjective, no polarity
    ("\u2764", 0.8),                  # heavy black heart
    ("\u2665", 0.8),                  # black heart suit
    ("\U0001F44D", 0.5),              # thumbs up
    ("\U0001F44E", -0.5),             # thumbs down
    ("\U0001F44F", 0.4),              # clapping hands
    ("\U0001F600", 0.6),              # grinning face
    ("\U0001F603", 0.6),              # grinning face with big eyes
    ("\U0001F604", 0.6),              # grinning face with smiling eyes
    ("\U0001F60A", 0.6),              # smiling face with smiling eyes
    ("\U0001F642", 0.4),              # slightly smiling face
    ("\U0001F602", 0.3),              # face with tears of joy
    ("\U0001F641", -0.5),             # slightly frowning face
    ("\u2639", -0.5),                 # frowning face
    ("\U0001F622", -0.6),             # crying face
    ("\U0001F62D", -0.7),             # loudly crying face
    ("\U0001F620", -0.7),             # angry face
    ("\U0001F621", -0.8),             # pouting face
    ("\U0001F92C", -0.9),             # face with symbols on mouth
    ("\U0001F92E", -0.7),             # face vomiting
    ("\U0001F612", -0.4),             # unamused face
    ("\U0001F4A9", -0.6),             # pile of poo
]

VOWELS = set("aeiouy\u00e0\u00e1\u00e2\u00e8\u00e9\u00ea\u00eb\u00ed\u00ee\u00ef\u00f3\u00f4\u00f6\u00fa\u00fb\u00fc")


def nl_attributive(w):
    """The Dutch attributive (inflected) form of adjective w, that is w + "e"
    with Dutch spelling changes, or None when the adjective has no separate
    form. Written for hearsay from the spelling rules:
      - no -e after a final -e or -en ("oranje", "gebroken", "houten");
      - a word ending in a vowel gets -e only after a diphthong ("mooi");
      - -ig, -isch, -lijk just add -e ("gezellige", "vreselijke");
      - an unstressed final e + one consonant ("simpel", "lekker") adds -e;
      - a short vowel + one consonant doubles it ("dik" -> "dikke");
      - a double vowel + one consonant loses a vowel, and s/f become z/v
        ("groot" -> "grote", "boos" -> "boze", "braaf" -> "brave");
      - other vowel groups + s/f voice it ("lief" -> "lieve", "wijs" ->
        "wijze"); l/r + f too ("half" -> "halve");
      - anything else adds -e ("slecht" -> "slechte")."""
    if len(w) < 2 or not w.isalpha():
        return None
    if w.endswith("e") or w.endswith("en"):
        return None
    if w[-1] in VOWELS:
        return w + "e" if w.endswith(("ooi", "aai", "oei", "ei", "ui")) else None
    k = len(w)
    while k > 0 and w[k - 1] not in VOWELS and not (w[k - 1] == "j" and k >= 2 and w[k - 2] == "i"):
        k -= 1
    if k == 0:
        return None
    j = k
    while j > 0 and (w[j - 1] in VOWELS or (w[j - 1] == "j" and j >= 2 and w[j - 2] == "i")):
        j -= 1
    group, tail = w[j:k], w[k:]
    groups = len(re.findall("(?:ij|[%s])+" % "".join(sorted(VOWELS)), w))
    voice = {"s": "z", "f": "v"}
    if w.endswith(("ig", "isch", "lijk")):
        return w + "e"
    if len(tail) == 1:
        c = tail
        if group == "e" and groups >= 2:
            return w + "e"
        if len(group) == 1:
            return w + (c if c not in "wxjhq" else "") + "e"
        if len(group) == 2 and group[0] == group[1]:
            return w[:j] + group[0] + voice.get(c, c) + "e"
        return w[:k] + voice.get(c, c) + "e"
    if len(tail) == 2 and tail[0] in "lr" and tail[1] == "f":
        return w[:-1] + "ve"
    return w + "e"


FR_UNACCENT = {"\u00e0": "a", "\u00e9": "e", "\u00e8": "e", "\u00ea": "e", "\u00ef": "i"}


def fr_unaccent(w):
    if w.endswith(tuple(FR_UNACCENT)):
        return None
    v = "".join(FR_UNACCENT.get(ch, ch) for ch in w)
    return v if v != w else None


def avg(values):
    return sum(values) / float(len(values))


def fmt(x):
    s = "%.6f" % x
    s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", required=True, choices=sorted(LANGS))
    ap.add_argument("xml")
    ap.add_argument("out")
    args = ap.parse_args(argv)
    cfg = LANGS[args.lang]

    raw = open(args.xml, "rb").read()
    sha = hashlib.sha256(raw).hexdigest()
    root = ET.fromstring(raw)
    if root.tag != "sentiment":
        sys.exit("%s: root element is <%s>, not <sentiment>" % (args.xml, root.tag))
    if root.get("language") not in (None, args.lang):
        sys.exit("%s: language is %r, not %r" % (args.xml, root.get("language"), args.lang))

    # form -> tag -> list of (p, s, i), forms in the file's order
    senses = {}
    n_senses = 0
    for w in root.findall("word"):
        form = w.get("form")
        if not form:
            continue
        form = unicodedata.normalize("NFC", form)
        psi = (float(w.get("polarity", 0.0)), float(w.get("subjectivity", 0.0)),
               float(w.get("intensity", 1.0)))
        senses.setdefault(form, {}).setdefault(w.get("pos"), []).append(psi)
        n_senses += 1

    # The authors' loader: per form, the average per tag, and under the key
    # None the average over tags (what untagged text is scored with).
    table = {}
    for form, tags in senses.items():
        per_tag = {t: tuple(avg(col) for col in zip(*v)) for t, v in tags.items()}
        per_tag[None] = tuple(avg(col) for col in zip(*[per_tag[t] for t in tags]))
        table[form] = per_tag

    # Derived forms, as the authors' language modules add them after
    # loading: in the file's order, each write sets the tag's value and the
    # untagged value, so a derived form replaces what the file says about
    # that form, and a later write replaces an earlier one.
    origin = {form: "file" for form in table}

    def annotate(form, tag, value):
        table.setdefault(form, {})[tag] = value
        table[form][None] = value
        origin[form] = "derived"

    for form in list(table):
        tags = table[form]
        if cfg["derive"] == "nl_attributive" and "JJ" in tags:
            a = nl_attributive(form.lower())
            if a:
                annotate(a, "JJ", tags["JJ"])
        elif cfg["derive"] == "fr_unaccent":
            a = fr_unaccent(form)
            if a:
                for tag, value in list(tags.items()):
                    annotate(a, tag, value)

    def elided(form):
        # "l'horreur" can never match: the tokeniser splits after "l'".
        return any(form.startswith(e) and len(form) > len(e) for e in cfg["elisions"])

    entries = {}   # lowercase form -> (kind, p, s, i), from the file
    derived = {}   # the same, for forms written by a derivation
    dropped = []
    unreachable = []
    n_replaced = 0
    for form in table:
        low = form.lower()
        if low != form and low in table:
            dropped.append(form)
            continue
        if elided(low):
            unreachable.append(form)
            continue
        tags = table[form]
        kind = "modifier" if any(t in cfg["modifier_tags"] for t in tags) else "word"
        e = (kind,) + tuple(tags[None])
        if origin[form] == "derived":
            derived[low] = e
            n_replaced += form in senses
        else:
            entries[low] = e

    symbols = {}
    for form, p in HEARSAY_SYMBOLS:
        if form in entries or form in derived or form in symbols:
            sys.exit("symbol %r collides with an entry" % form)
        symbols[form] = ("word", p, 1.0, 1.0)

    def line(form, e):
        return "%-8s %s %s %s %s\n" % (e[0], form, fmt(e[1]), fmt(e[2]), fmt(e[3]))

    out = []
    out.append("# hearsay sentiment lexicon: %s (%s).\n" % (cfg["name"], args.lang))
    out.append("# Format: docs/sentiment.md, \"Dutch, French and other languages (lexicons)\".\n")
    out.append("#\n")
    out.append("# Generated by tests/tools/lexicon_from_pattern.py from %s\n"
               % args.xml.rsplit("/", 1)[-1])
    out.append("# (sha256 %s),\n" % sha)
    out.append("# the subjectivity lexicon by %s\n"
               % root.get("author", "T. De Smedt, W. Daelemans"))
    out.append("# (University of Antwerp)\n")
    out.append("# (version %s, marked %s), as shipped in Debian python3-pattern\n"
               % (root.get("version", "?"), root.get("license", "?")))
    out.append("# 2.6+git20180818-4. Licence and provenance: rules/lexicons/README.md.\n")
    out.append("# %d senses of %d forms in; %d entries from them, %d derived forms\n"
               % (n_senses, len(senses), len(entries), len(derived)))
    out.append("# (%d of which replace the file's own entry for that form, as the\n"
               % n_replaced)
    out.append("# authors' loader does),\n")
    out.append("# %d symbols added by hearsay; %d capitalised duplicates dropped;\n"
               % (len(symbols), len(dropped)))
    out.append("# %d forms starting with an elision dropped (they can never match:\n"
               % len(unreachable))
    out.append("# text is split after the elision): %s.\n"
               % (", ".join(unreachable) if unreachable else "none"))
    out.append("#\n")
    out.append("# Regenerate rather than edit by hand when the source changes; small\n")
    out.append("# hand edits are fine (keep one line per form).\n")
    out.append("\n")
    out.append(FORMAT_LINE + "\n")
    out.append("language %s\n" % args.lang)
    out.append("\n# Negations: the polarity of the next known word is reversed and halved.\n")
    for n in cfg["negations"]:
        out.append("negation %s\n" % n)
    out.append("\n# A modifier ending in one of these, followed by a negation (\"really not\n")
    out.append("# good\"), has its own assessment negated.\n")
    for s in cfg["adverb_suffixes"]:
        out.append("adverb-suffix %s\n" % s)
    if cfg["elisions"]:
        out.append("\n# Elided words split from the word they are attached to (\"l'homme\").\n")
        for e in cfg["elisions"]:
            out.append("elision %s\n" % e)
    out.append("\n# kind     form polarity subjectivity intensity\n")
    out.append("# From the source file (senses averaged).\n")
    for form in sorted(entries):
        out.append(line(form, entries[form]))
    out.append("\n# Derived forms (%s), as the authors' loader adds them.\n" % cfg["derive"])
    out.append("# Where the source file has the same form, this value replaces it.\n")
    for form in sorted(derived):
        out.append(line(form, derived[form]))
    out.append("\n# hearsay's own additions (not from the Antwerp data): emoticons and\n")
    out.append("# emoji, scored on their own like the authors' emoticons.\n")
    for form, _ in HEARSAY_SYMBOLS:
        out.append(line(form, symbols[form]))

    data = "".join(out).encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(data)
    print("%s: %d entries, %d derived, %d symbols, %d dropped, %d unreachable -> %s"
          % (args.xml, len(entries), len(derived), len(symbols), len(dropped),
             len(unreachable), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
