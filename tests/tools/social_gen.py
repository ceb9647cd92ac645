#!/usr/bin/env python3
"""Deterministic Mastodon and Jetstream test data for hearsay's tests.

Everything printed is a pure function of the arguments: the same command
prints the same bytes on every run, so a test can compute what it expects.
Lines go to stdout, one JSON object each, in the formats social_server.py
reads (DIR/mastodon.ndjson and DIR/jetstream.ndjson).

  social_gen.py mastodon --from N --count K [--tag T] [--lang L]
                [--text-prefix S] [--domain D] [--base RFC3339]
                [--edit ID]... [--delete ID]...
      K lines {"event":"update","status":{...}} for ids N..N+K-1, then one
      {"event":"status.update","status":{...}} per --edit, then one
      {"event":"delete","id":"ID"} per --delete. An id or N below
      110000000000000000 is an index and means 110000000000000000 + N.
      Within a batch (0-based position j): j % 7 == 6 is a boost of the
      status at position j - 3; otherwise j % 11 == 10 is "unlisted".

  social_gen.py jetstream --from-time T --count K [--step-us S] [--lang L]
                [--did-count D] [--text-prefix S] [--mix]
      K commit/create frames of app.bsky.feed.post, time_us T, T+S, ...;
      post k is by did number k % D. With --mix, after post k a like
      (k % 4 == 1, at +S//3) and an identity (k % 10 == 3) or account
      (k % 10 == 7) frame (at +2S//3) are interleaved.

  social_gen.py dids [--did-count D]
      The D dids used by `jetstream`, one a line.
"""
import argparse
import datetime
import hashlib
import json
import signal
import sys

ID_BASE = 110000000000000000
DEFAULT_BASE = "2026-05-16T08:00:00Z"
DEFAULT_TIME_US = 1778924762000000  # 2026-05-16T09:46:02Z
B32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648, lower case (did:plc)
B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"  # AT Protocol TIDs

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
         "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "wendy"]

PLACES = ["Mill Lane", "the old bridge", "Market Square", "the library",
          "Riverside Park", "the bakery on Quay Street", "the town hall",
          "the ferry landing", "St Anne's school", "the allotments",
          "the swimming baths", "Station Road"]

TIMES = ["at 7:15", "at 8:30", "at 9 am", "at noon", "at 1 pm",
         "at half past three", "at 5 pm", "at 6:45", "tonight",
         "tomorrow morning", "on Saturday", "on Monday"]

SENTENCES = [
    "Road works at {place} start {time} & should last a week",
    "Bread & buns are half price at {place} {time}",
    "Lost: a grey cat near {place}. Answers to \"Pickle\" & likes sardines",
    "The council meets at {place} {time} to talk about parking & bins",
    "Choir practice moved to {place}, {time} - tea & biscuits after",
    "Heavy rain again; water's up to the second step at {place} & rising",
    "Farmers' market at {place} {time}: apples, cheese & local honey",
    "Bus 12 diverted around {place} {time} <sigh> & no notice",
    "Found a set of keys outside {place} & handed them in at reception",
    "Kids' football at {place} {time} - bring boots & a warm coat",
    "Power cut around {place} {time}; candles & board games it is",
    "Quiz night at The Otter {time}. Teams of 4 & prizes for the winners",
    "Volunteers needed to clear litter at {place} {time} - gloves & bags provided",
    "New mural going up at {place} & it's looking lovely already",
    "Fog on the river {time}, ferry & rowing club both cancelled",
    "Book swap at {place} {time}: bring one & take one",
]


def h(*parts):
    """A stable integer from the parts (sha256, not Python's hash())."""
    data = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def pick(seq, *parts):
    return seq[h(*parts) % len(seq)]


def town_sentence(*seed):
    return pick(SENTENCES, "s", *seed).format(place=pick(PLACES, "p", *seed),
                                             time=pick(TIMES, "t", *seed))


def html_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def rfc3339(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def parse_time(s):
    dt = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.astimezone(datetime.timezone.utc)


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- Mastodon

def full_id(n):
    n = int(n)
    if n < 0:
        raise ValueError("negative id")
    return n if n >= ID_BASE else ID_BASE + n


def account(user, domain):
    uid = 1001 + USERS.index(user)
    return {
        "id": str(uid), "username": user, "acct": user,
        "display_name": user.capitalize(), "locked": False, "bot": False,
        "group": False, "created_at": "2023-01-01T00:00:00.000Z",
        "note": "<p>Fictional Rivertown resident</p>",
        "url": "https://%s/@%s" % (domain, user),
        "avatar": "https://%s/avatars/original/missing.png" % domain,
        "followers_count": 10 + uid % 37, "following_count": 5 + uid % 23,
        "statuses_count": 100 + uid % 211, "emojis": [], "fields": []}


def base_status(sid, user, created, domain):
    return {
        "id": str(sid), "created_at": rfc3339(created),
        "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": None,
        "uri": "https://%s/users/%s/statuses/%d" % (domain, user, sid),
        "url": "https://%s/@%s/%d" % (domain, user, sid),
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        "edited_at": None, "content": "", "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": account(user, domain), "media_attachments": [],
        "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None}


def mastodon_status(sid, opts, edited=False):
    """The (non-boost) status with id sid; a pure function of sid and opts."""
    i = sid - ID_BASE
    user = USERS[i % len(USERS)]
    created = opts.base_dt + datetime.timedelta(seconds=7 * i + i % 3)
    st = base_status(sid, user, created, opts.domain)
    tag = opts.tag
    text = opts.text_prefix + town_sentence("m", i)
    link = ('<a href="https://%s/tags/%s" class="mention hashtag" rel="tag">'
            '#<span>%s</span></a>' % (opts.domain, html_escape(tag.lower()),
                                      html_escape(tag)))
    content = "<p>%s %s</p>" % (html_escape(text), link)
    if i % 5 == 2:
        content += "<p>More news from Rivertown later.<br>Stay dry!</p>"
    if edited:
        content = content[:-4] + " (edited)</p>"
        st["edited_at"] = rfc3339(created + datetime.timedelta(seconds=60))
    st["content"] = content
    st["language"] = opts.lang
    st["tags"] = [{"name": tag,
                   "url": "https://%s/tags/%s" % (opts.domain, tag.lower())}]
    return st


def mastodon_boost(sid, original, opts):
    i = sid - ID_BASE
    orig_user = original["account"]["username"]
    user = USERS[(i + 5) % len(USERS)]
    if user == orig_user:
        user = USERS[(i + 6) % len(USERS)]
    created = opts.base_dt + datetime.timedelta(seconds=7 * i + i % 3)
    st = base_status(sid, user, created, opts.domain)
    st["uri"] += "/activity"
    st["reblog"] = original
    return st


def cmd_mastodon(opts):
    try:
        opts.base_dt = parse_time(opts.base)
    except ValueError:
        sys.exit("social_gen: --base: not an RFC 3339 time: %s" % opts.base)
    if opts.count is None:
        opts.count = 0
    if opts.count and opts.start is None:
        sys.exit("social_gen: --count needs --from")
    if not opts.count and not opts.edit and not opts.delete:
        sys.exit("social_gen: nothing to print (give --from/--count, --edit or --delete)")
    out = []
    batch = []
    if opts.count:
        first = full_id(opts.start)
        for j in range(opts.count):
            sid = first + j
            if j % 7 == 6:
                st = mastodon_boost(sid, batch[j - 3], opts)
            else:
                st = mastodon_status(sid, opts)
                if j % 11 == 10:
                    st["visibility"] = "unlisted"
            batch.append(st)
            out.append({"event": "update", "status": st})
    for e in opts.edit or []:
        out.append({"event": "status.update",
                    "status": mastodon_status(full_id(e), opts, edited=True)})
    for d in opts.delete or []:
        out.append({"event": "delete", "id": str(full_id(d))})
    for o in out:
        sys.stdout.write(dumps(o) + "\n")


# ---------------------------------------------------------------- Jetstream

def did_for(n):
    digest = hashlib.sha256(b"rivertown-resident-%d" % n).digest()
    bits = int.from_bytes(digest, "big")
    chars = []
    for _ in range(24):
        chars.append(B32[bits & 31])
        bits >>= 5
    return "did:plc:" + "".join(chars)


def tid(micros, clock):
    """A 13-character TID: 53 bits of microseconds, 10 bits of clock id."""
    v = ((micros & ((1 << 53) - 1)) << 10) | (clock & 1023)
    chars = []
    for _ in range(13):
        chars.append(B32_SORT[v & 31])
        v >>= 5
    return "".join(reversed(chars))


def fake_cid(*seed):
    digest = hashlib.sha256(("cid" + repr(seed)).encode()).digest()
    bits = int.from_bytes(digest, "big")
    chars = []
    for _ in range(52):
        chars.append(B32[bits & 31])
        bits >>= 5
    return "bafyrei" + "".join(chars)


def iso_us(time_us):
    dt = datetime.datetime.fromtimestamp(time_us // 1000000, datetime.timezone.utc)
    return rfc3339(dt.replace(microsecond=time_us % 1000000))


def handle_of(n):
    return "%s.rivertown.example" % USERS[n % len(USERS)] + ("" if n < len(USERS) else str(n))


def js_post(k, time_us, opts):
    dnum = k % opts.did_count
    did = did_for(dnum)
    created_us = time_us - 150000 - h("lag", time_us) % 700000
    if created_us < 0:
        created_us = time_us
    rkey = tid(time_us - 150000, dnum)  # unique per post (time_us differs)
    text = opts.text_prefix + town_sentence("j", time_us)
    record = {"$type": "app.bsky.feed.post", "createdAt": iso_us(created_us),
              "langs": [opts.lang], "text": text}
    if k % 3 == 0:
        start = len((text + " ").encode())
        record["text"] = text + " #Rivertown"
        record["facets"] = [{
            "$type": "app.bsky.richtext.facet",
            "index": {"byteStart": start, "byteEnd": start + len(b"#Rivertown")},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Rivertown"}]}]
    return {"did": did, "time_us": time_us, "kind": "commit",
            "commit": {"rev": tid(time_us, 0), "operation": "create",
                       "collection": "app.bsky.feed.post", "rkey": rkey,
                       "record": record, "cid": fake_cid(did, rkey)}}


def js_like(k, time_us, subject, opts):
    dnum = (k + 1) % opts.did_count
    did = did_for(dnum)
    rkey = tid(time_us - 90000, dnum)
    return {"did": did, "time_us": time_us, "kind": "commit",
            "commit": {"rev": tid(time_us, 0), "operation": "create",
                       "collection": "app.bsky.feed.like", "rkey": rkey,
                       "record": {"$type": "app.bsky.feed.like",
                                  "createdAt": iso_us(time_us - 90000),
                                  "subject": {"uri": "at://%s/app.bsky.feed.post/%s"
                                              % (subject["did"], subject["commit"]["rkey"]),
                                              "cid": subject["commit"]["cid"]}},
                       "cid": fake_cid(did, rkey)}}


def js_identity(k, time_us, opts):
    dnum = k % opts.did_count
    did = did_for(dnum)
    return {"did": did, "time_us": time_us, "kind": "identity",
            "identity": {"did": did, "handle": handle_of(dnum),
                         "seq": 1400000000 + k, "time": iso_us(time_us - 5000)}}


def js_account(k, time_us, opts):
    dnum = k % opts.did_count
    did = did_for(dnum)
    return {"did": did, "time_us": time_us, "kind": "account",
            "account": {"active": True, "did": did, "seq": 1400000000 + k,
                        "time": iso_us(time_us - 5000)}}


def cmd_jetstream(opts):
    if opts.did_count < 1:
        sys.exit("social_gen: --did-count must be at least 1")
    if opts.step_us < 1 or (opts.mix and opts.step_us < 3):
        sys.exit("social_gen: --step-us must be at least 1 (3 with --mix)")
    if opts.from_time < 1:
        sys.exit("social_gen: --from-time must be positive")
    for k in range(opts.count):
        t = opts.from_time + k * opts.step_us
        post = js_post(k, t, opts)
        sys.stdout.write(dumps(post) + "\n")
        if opts.mix:
            if k % 4 == 1:
                sys.stdout.write(dumps(js_like(k, t + opts.step_us // 3, post, opts)) + "\n")
            if k % 10 == 3:
                sys.stdout.write(dumps(js_identity(k, t + 2 * opts.step_us // 3, opts)) + "\n")
            elif k % 10 == 7:
                sys.stdout.write(dumps(js_account(k, t + 2 * opts.step_us // 3, opts)) + "\n")


def cmd_dids(opts):
    for n in range(opts.did_count):
        print(did_for(n))


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mastodon", help="Mastodon event lines")
    m.add_argument("--from", dest="start", type=int)
    m.add_argument("--count", type=int)
    m.add_argument("--tag", default="rivertown")
    m.add_argument("--lang", default="en")
    m.add_argument("--text-prefix", default="")
    m.add_argument("--domain", default="town.example")
    m.add_argument("--base", default=DEFAULT_BASE,
                   help="created_at of index 0 (RFC 3339); index i is 7*i + i%%3 s later")
    m.add_argument("--edit", action="append", type=int, metavar="ID")
    m.add_argument("--delete", action="append", type=int, metavar="ID")
    j = sub.add_parser("jetstream", help="Jetstream frames")
    j.add_argument("--from-time", type=int, default=DEFAULT_TIME_US)
    j.add_argument("--count", type=int, required=True)
    j.add_argument("--step-us", type=int, default=1000000)
    j.add_argument("--lang", default="en")
    j.add_argument("--did-count", type=int, default=5)
    j.add_argument("--text-prefix", default="")
    j.add_argument("--mix", action="store_true")
    d = sub.add_parser("dids", help="the dids jetstream uses")
    d.add_argument("--did-count", type=int, default=5)
    opts = ap.parse_args()
    if getattr(opts, "count", None) is not None and opts.count < 0:
        sys.exit("social_gen: --count must not be negative")
    {"mastodon": cmd_mastodon, "jetstream": cmd_jetstream, "dids": cmd_dids}[opts.cmd](opts)


if __name__ == "__main__":
    main()
