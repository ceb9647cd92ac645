#!/usr/bin/env python3
"""Write a replay stream (NDJSON, the replay collector's format) for the
signal-stage test: quiet town chatter, then at a known time a rumour burst
(one claim copied by many accounts: retweet prefix, URL swap, case and
punctuation changes, one-word edits), then chatter again; plus posts with
timestamps far in the future and far in the past. Prints a JSON summary
(burst start, claim size, first post id) on stdout.

    signal_stream.py OUT.ndjson [--seed N]

The stream is fictional and deterministic (fixed seed)."""
import argparse
import datetime as dt
import json
import random

CHATTER = [
    "Lovely morning at the market square, fresh bread again",
    "Bus 12 is late again this morning, anyone know why",
    "The library has a new reading corner for children",
    "Roadworks on Mill Lane until Friday, take the bridge",
    "Great concert in the park last night, thanks volunteers",
    "Does anyone know if the pool is open on Sunday",
    "Council meeting tonight about the new bike lanes",
    "Found a black cat near the station, very friendly",
    "The bakery on Quay Street has the best croissants",
    "Rain all afternoon, perfect for the museum",
]
CLAIM = "They are planning to close the mosque on Saturday, the police are hiding it, share before it gets deleted"
EDITS = [("planning", "preparing"), ("close", "shut"), ("Saturday", "saturday"), ("hiding", "covering"),
         ("deleted", "removed")]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    t0 = dt.datetime(2026, 5, 16, 6, 0, 0)
    burst = t0 + dt.timedelta(hours=6)
    posts = []
    n = 0

    def add(t, text, author, lang="en"):
        nonlocal n
        n += 1
        posts.append({"source": "town", "id": "p%05d" % n, "created": iso(t), "lang": lang,
                      "author": author, "url": "https://town.example/p/%d" % n, "text": text})
        return "p%05d" % n

    # background: about one post every 3 minutes for 12 hours
    t = t0
    while t < t0 + dt.timedelta(hours=12):
        add(t, rnd.choice(CHATTER) + rnd.choice(["", ".", "!", " :)"]), "user%d" % rnd.randrange(40))
        t += dt.timedelta(seconds=rnd.randrange(90, 270))
    # mood: two hostile and one friendly post about the mosque
    add(t0 + dt.timedelta(hours=2), "The mosque parking is a disgrace, terrible traffic and angry drivers", "user3")
    add(t0 + dt.timedelta(hours=4), "Awful noise near the mosque again, I hate this mess", "user4")
    add(t0 + dt.timedelta(hours=5), "Lovely open day at the mosque, great food and kind people", "user5")
    # the burst: 60 copies of the claim in 15 minutes, by 45 accounts
    first = None
    for i in range(60):
        tt = burst + dt.timedelta(seconds=15 * i)
        text = CLAIM
        if i:
            k = rnd.randrange(5)
            if k == 0:
                text = "RT @neighbour%d: %s" % (rnd.randrange(9), text)
            elif k == 1:
                text = text + " https://t.example/%d" % rnd.randrange(1000)
            elif k == 2:
                text = text.upper() + "!!"
            elif k == 3:
                w, r = rnd.choice(EDITS)
                text = text.replace(w, r)
            else:
                text = text.replace(",", "") + "."
        pid = add(tt, text, "acct%d" % (i % 45))
        if first is None:
            first = pid
    # bad clocks: one post 70 years ahead, one 30 years back (they must not
    # move the stream clock or the baselines)
    add(t0 + dt.timedelta(hours=3), "Clock trouble: this post says it is from the future", "user1")
    posts[-1]["created"] = "2096-01-01T00:00:00Z"
    add(t0 + dt.timedelta(hours=3, minutes=1), "And this one says it is from the past", "user2")
    posts[-1]["created"] = "1996-01-01T00:00:00Z"
    # replay order: by position in the list (created order, bad clocks where they arrive)
    key = {id(p): i for i, p in enumerate(posts)}
    order = sorted(posts, key=lambda p: (p["created"] if p["created"].startswith("2026") else
                                         iso(t0 + dt.timedelta(hours=3)), key[id(p)]))
    with open(a.out, "w", encoding="utf-8") as f:
        for p in order:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(json.dumps({"burst": iso(burst), "claim_copies": 60, "first": first,
                      "posts": len(posts)}))


if __name__ == "__main__":
    main()
