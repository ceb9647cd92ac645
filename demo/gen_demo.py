#!/usr/bin/env python3
"""Generate demo/rivertown.ndjson, the bundled offline demo stream for hearsay.

Everything in the output is synthetic: Rivertown, its districts, the river
Wend, the outlets, the social networks, the organisations and every account
and post are invented for this demo. URLs use the reserved .example TLD and
example.org / example.net domains.

The stream covers one weekend around a contested march (Friday 15 May 2026
08:00 to Sunday 17 May 2026 24:00 local time, CEST = UTC+2):

  * everyday chatter with a daily cycle (most of the posts);
  * neutral talk about the march (road closures, buses, live impressions);
  * polarising us-versus-them posts, rising before and during the march;
  * a rumour ("some young men are planning something at the march") that
    starts on Saturday morning, spreads in paraphrased copies and boosts,
    is debunked by the police and the local press, and decays;
  * a handful of mild, clearly fictional threat-phrased posts;
  * counter-speech and calls for calm from residents, community groups,
    the mayor's office and the police;
  * news items from two local outlets, and shares of them on social media;
  * a few deliberately malformed lines, to show the replay collector
    skipping and counting bad input.

The script uses the standard library only, takes no input and is fully
deterministic (fixed seed, no dependence on hash order, time or locale):
running it twice gives byte-identical output.

Usage:
    python3 demo/gen_demo.py                 # writes demo/rivertown.ndjson
    python3 demo/gen_demo.py -o other.ndjson
"""

import argparse
import json
import math
import os
import random
import re
import string
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import List, Optional

# --------------------------------------------------------------------------
# Fixed parameters
# --------------------------------------------------------------------------

SEED = 20260516

UTC = timezone.utc
LOCAL = timezone(timedelta(hours=2))          # Rivertown in May: CEST

# Source names as users see them (the `source` field).
COURIER = "rivertown-courier"   # local news site (with headlines)
RADIO = "wendvalley-radio"      # local radio station's news feed
SOCIAL = "rivertown-social"     # Mastodon-like community server
SKYLINE = "skyline"             # Bluesky-like network


def local(day, hh, mm=0, ss=0):
    """A Rivertown wall-clock time on 2026-05-DAY, as an aware UTC datetime."""
    return datetime(2026, 5, day, hh, mm, ss, tzinfo=LOCAL).astimezone(UTC)


# The window the stream covers, and the weekend's key moments.
START = local(15, 8, 0)              # 2026-05-15T06:00:00Z
END = local(18, 0, 0)                # 2026-05-17T22:00:00Z
MARCH_ASSEMBLY = local(16, 13, 30)   # marchers gather on Station Square
MARCH_START = local(16, 14, 0)
MARCH_END = local(16, 16, 30)
RUMOUR_SEED = local(16, 9, 12)       # the first rumour post
POLICE_DEBUNK = local(16, 14, 35)    # police statement on social media
FETE_OPENS = local(17, 11, 0)        # Millbrook Primary summer fete
MATCH_KICKOFF = local(17, 14, 30)    # Rivertown FC v Kettleford Athletic
MATCH_END = local(17, 16, 20)

# How many posts of each background kind to draw (the scripted parts -
# news, threats, official accounts, the rumour - come on top).
N_CHATTER = 2600
N_EVENT = 260
N_POLARISING = 180
N_COUNTER = 120
N_RUMOUR = 90          # paraphrased copies, not counting boosts and replies
N_RUMOUR_BOOSTS = 16
N_SCEPTIC = 30

# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass
class Draft:
    """One post before ids and URLs are assigned.

    `kind` is internal (it is not written out): it records why the post
    exists, so the rule check can tell chatter from rumour.
    """
    kind: str
    source: str
    when: datetime
    text: str
    lang: str = "en"
    author: Optional[str] = None
    title: Optional[str] = None
    tags: List[str] = field(default_factory=list)
    reply: bool = False
    boost: bool = False
    slug: Optional[str] = None       # news items: URL slug
    defect: Optional[str] = None     # malformed-line demo: how to break it
    id: Optional[str] = None
    url: Optional[str] = None


# --------------------------------------------------------------------------
# Helpers: time sampling and template filling
# --------------------------------------------------------------------------

# Relative activity by local hour of day (people sleep, commute, eat).
HOURLY = [0.30, 0.15, 0.08, 0.05, 0.05, 0.10, 0.40, 0.90,   # 00-07
          1.20, 1.30, 1.30, 1.30, 1.50, 1.30, 1.20, 1.20,   # 08-15
          1.30, 1.50, 1.50, 1.60, 1.60, 1.40, 1.00, 0.60]   # 16-23


def daily_cycle(t):
    """Activity weight of the local hour t falls in, interpolated."""
    lt = t.astimezone(LOCAL)
    h = lt.hour + lt.minute / 60.0
    i = int(h)
    frac = h - i
    return HOURLY[i] * (1 - frac) + HOURLY[(i + 1) % 24] * frac


def bump(t, centre, width_min):
    """A Gaussian bump of height 1 around `centre`, `width_min` minutes wide."""
    d = (t - centre).total_seconds() / 60.0
    return math.exp(-0.5 * (d / width_min) ** 2)


_MAX_CACHE = {}


def profile_max(profile, lo, hi):
    """Upper bound of profile on [lo, hi), from a one-minute grid plus 5%."""
    key = (profile.__name__, lo, hi)
    if key not in _MAX_CACHE:
        steps = int((hi - lo).total_seconds() // 60)
        _MAX_CACHE[key] = 1.05 * max(profile(lo + timedelta(minutes=i))
                                     for i in range(steps))
    return _MAX_CACHE[key]


def sample_time(rng, profile, lo=START, hi=END):
    """Draw a time in [lo, hi) with density proportional to profile(t).

    Plain rejection sampling against the profile's maximum; times get a
    millisecond part so that posts rarely share a timestamp.
    """
    span = (hi - lo).total_seconds()
    top = profile_max(profile, lo, hi)
    while True:
        t = lo + timedelta(seconds=rng.random() * span)
        if rng.random() * top < profile(t):
            return t.replace(microsecond=0) + timedelta(
                milliseconds=rng.randrange(1000))


# Values for {slot} placeholders in templates.
SLOTS = {
    "street": ["Quay Street", "Mill Lane", "Station Road", "Bridge Street",
               "Linden Avenue", "Market Square", "Tanners' Walk", "Canal Row",
               "Weavers' Row", "Harbour Lane", "Ropewalk", "Lock Street"],
    "district": ["Old Quay", "Millbrook", "North Heights", "Lindenpark",
                 "the Station Quarter", "Eastbank", "Weavers' Row",
                 "Harbour End"],
    "bakery": ["Hollander's", "Crust & Co", "Boulangerie Marelle",
               "the Millbrook Bakehouse", "Bakkerij Wendzicht",
               "the Eastbank bakery"],
    "cafe": ["Café Ferryman", "the Blue Lock", "Bean & Barge",
             "the Quayside Kitchen"],
    "bus": ["2", "4", "7", "11", "15"],
    "minutes": ["5", "8", "10", "12", "15", "20", "25"],
    "bake": ["cinnamon buns", "sourdough", "apple tart", "cherry tarts",
             "croissants", "rye loaves", "almond cake", "rhubarb crumble"],
    "market_item": ["strawberries", "asparagus", "new potatoes", "cheese",
                    "tulips", "rhubarb", "honey", "smoked fish", "radishes"],
    "pet": ["cat", "dog", "tortoise", "rabbit"],
    "petname": ["Biscuit", "Pepper", "Mr Noodle", "Olive", "Sokkie", "Minou",
                "Pixel", "Doris"],
    "colour": ["ginger", "black and white", "grey", "tabby"],
    "time": ["7:40", "7:55", "8:05", "8:15", "8:20"],
    "districttag": ["OldQuay", "Millbrook", "NorthHeights", "Lindenpark",
                    "Eastbank", "HarbourEnd"],
    "fish": ["smoked mackerel", "herring", "fried cod", "smoked eel"],
    "plan": ["fete on Sunday, football after", "allotment, then the quay",
             "nothing at all", "paint the fence, probably not",
             "grandparents, fete, match", "sleep"],
    "fix": ["wobbly table", "bike chain", "leaking tap", "garden gate",
            "washing line"],
    "prize": ["three bottles of shampoo", "a giant teddy", "a hamper",
              "a box of chocolates", "a voucher for {bakery}"],
    "dog": ["spaniel", "greyhound", "dachshund", "scruffy terrier"],
    "bake_nl": ["krentenbollen", "appeltaart", "roggebrood", "kaneelbroodjes",
                "stroopwafels"],
    "colour_nl": ["rood", "zwart-wit", "grijs", "cyperse"],
    "colour_fr": ["roux", "noir et blanc", "gris", "tigré"],
}

_FORMATTER = string.Formatter()


def fill(rng, template):
    """Fill every {slot} in template with a random value for that slot.

    Slot values may contain slots themselves (one more level)."""
    for _ in range(2):
        names = [f for _, f, _, _ in _FORMATTER.parse(template) if f]
        if not names:
            break
        values = {n: rng.choice(SLOTS[n]) for n in names}
        template = template.format(**values)
    return template


def typographic(rng, text, p=0.25):
    """Sometimes swap ASCII apostrophes for the ones phones insert."""
    if "'" in text and rng.random() < p:
        return text.replace("'", "\u2019")
    return text


def pick_lang(rng, p_nl=0.13, p_fr=0.09):
    r = rng.random()
    if r < p_nl:
        return "nl"
    if r < p_nl + p_fr:
        return "fr"
    return "en"


# --------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------

FIRST = ["kat", "jo", "sam", "pim", "lou", "noor", "bram", "elise", "tom",
         "ada", "finn", "mila", "ruben", "chloe", "yara", "oli", "nina", "teo",
         "lena", "max", "ines", "joost", "margot", "wim", "zoe", "hugo"]
PLACE = ["quayside", "millbrook", "northheights", "lindenpark", "eastbank",
         "weaversrow", "harbourend", "stationq", "oldquay", "wendside"]
SUFFIX = ["", "_rt", "2", "88", "_cycles", "_bakes", "_runs", "_photos",
          "_dad", "_mum"]


class AuthorPool:
    """A set of invented handles on one network, with skewed activity.

    Weights follow a Zipf-like curve so that a few accounts post a lot and
    most post once or twice, as on real networks.
    """

    def __init__(self, rng, network, n, skew=0.6, fixed=(), fixed_rank=40):
        handles = list(fixed)
        seen = set(handles)
        while len(handles) < n:
            if rng.random() < 0.65:
                h = "user_%04d" % rng.randrange(1000, 10000)
            else:
                h = rng.choice(FIRST) + "_" + rng.choice(PLACE) + \
                    rng.choice(SUFFIX)
            if network == SKYLINE:
                h = h.replace("_", "") + ".skyline.example"
            if h not in seen:
                seen.add(h)
                handles.append(h)
        # Shuffle so that activity rank is random, then put the fixed
        # handles at a middling rank (active, but not the most active).
        rest = handles[len(fixed):]
        rng.shuffle(rest)
        self.handles = rest[:fixed_rank] + list(fixed) + rest[fixed_rank:]
        self.cum = []
        total = 0.0
        for rank in range(len(self.handles)):
            total += 1.0 / (rank + 1) ** skew
            self.cum.append(total)

    def pick(self, rng):
        return rng.choices(self.handles, cum_weights=self.cum)[0]


# Official and community accounts (invented organisations).
OFFICIAL = {
    SOCIAL: {
        "mayor": "rivertown_mayorsoffice",
        "police": "wendvalley_police",
        "courier": "rivertown_courier",
        "groups": ["eastbank_neighbours", "rtfc_supporterstrust",
                   "millbrook_youthclub", "rivertown_faithforum",
                   "lindenpark_picnic"],
    },
    SKYLINE: {
        "mayor": "mayorsoffice.rivertown.example",
        "police": "police.wendvalley.example",
        "courier": "courier.rivertown.example",
        "groups": ["eastbankneighbours.skyline.example",
                   "rtfcsupporters.skyline.example",
                   "faithforum.skyline.example"],
    },
}

# The account that posts the first rumour (it also posts ordinary chatter).
RUMOUR_SEED_AUTHOR = "user_4821"


# --------------------------------------------------------------------------
# Everyday chatter
# --------------------------------------------------------------------------
# Pools by language and by situation. None of this may trip the demo rules:
# the rule check (see README) verifies that chatter produces no hits.

CHATTER = {
    "en": {
        "general": [
            "Queue at {bakery} is out the door again. Worth it for the {bake} though.",
            "{bakery} has {bake} today, get there before 10.",
            "Bus {bus} is {minutes} minutes late. Again.",
            "Anyone know why bus {bus} skipped {street} this morning?",
            "The roadworks on Bridge Street are driving me mad. One lane for three weeks.",
            "Temporary lights on {street} are stuck on red. Lovely.",
            "Fresh {market_item} at the stall by the fountain, very reasonable.",
            "Lost {pet}: {colour}, answers to {petname}, last seen near {street}. Please check your sheds!",
            "Found a {colour} {pet} on our doorstep in {district}. Very friendly. Is it yours?",
            "Library book sale next week, they're collecting donations at the front desk.",
            "The new café on Quay Street does a proper flat white. Finally.",
            "Ferry across the Wend is running every 20 minutes again.",
            "You can hear the church bells all over {district} on a quiet morning. Lovely.",
            "The swans are back by the old lock. Three cygnets this year!",
            "Recycling centre closes early today, just so you know.",
            "Parking at the station is full by 8 again.",
            "Cycled along the river path to work. Best commute in the country.",
            "The allotments in {district} look amazing this year.",
            "Someone left a box of free books on {street}. Took two, left one.",
            "Choir rehearsal tonight at the community hall, new voices welcome.",
            "Can anyone recommend a plumber in {district}? Tap has been dripping for a week.",
            "Tip: the pharmacy on {street} is open until 19:00 this week.",
            "Kids' swimming lessons start again at the pool on Monday.",
            "Our street in {district} smells of lilac right now. Best time of year.",
            "Anyone else's wifi down in {district}?",
            "Power cut in part of {district}, the network says it should be back within the hour.",
            "Just saw a heron on the roof of the old mill. Massive thing.",
            "The ice cream van has discovered our street. My wallet is doomed.",
            "Why does the bin lorry always come at exactly 6:58?",
            "Loving the new benches along the quay.",
            "{bakery} sold out of {bake} by 9. Criminal.",
            "Shout out to the driver of the number {bus} who waited for me this morning.",
            "Second-hand bike sale in the {district} school yard, loads of kids' bikes.",
            "Who runs the little free pantry on {street}? Dropped off some pasta and tins.",
            "Sunset over the Wend tonight is going to be spectacular.",
            "Is the footbridge at Harbour End still closed?",
            "Three weeks of roadworks and the potholes on Mill Lane are still there.",
            "Bought way too many {market_item}. Jam it is.",
            "Does anyone know a good cobbler in town? My boots need saving.",
            "The kids in {district} have chalked the whole pavement. It's beautiful.",
            "Queue for the cash machine on Market Square is ridiculous.",
            "Anyone selling a pram? Ours has given up.",
            "The old cinema is showing classic films on Friday nights again.",
            "Pub quiz at the Ferryman: fourth out of twelve. Personal best.",
            "Rivertown FC shirt in the shop window on {street}. Temptation.",
            "Whoever is practising the trumpet in {district}: you're getting better!",
            "Street lights on {street} have been out for two nights.",
            "Delivery lorry stuck under the railway bridge again.",
            "Grandma's 90th today, the whole family at {cafe}.",
            "Free yoga in Lindenpark on Sunday morning, bring a mat.",
            "The council finally painted the bike lane on {street}.",
            "The flower boxes on the quay railings are gorgeous this year.",
            "My neighbour gave me a bag of rhubarb. What do I make?",
            "Anyone want a sofa? Free to collect in {district}.",
            "Lovely smell of bread on {street} at six in the morning.",
            "Bridge Street diversion through {district} is chaos.",
            "The harbour master says the river is higher than usual after the rain.",
            "Wedding at the town hall, confetti everywhere, very sweet.",
            "Anyone going to the pottery open day at Weavers' Row?",
            "Cat has decided the laptop is her bed now. Working from the sofa.",
            "The Ferryman has a new cook and the chips are much better.",
            "Renewed my library card after ten years. The library is brilliant now.",
            "School run chaos on {street} as usual.",
            "The driver on bus {bus} played music for everyone. Nice start to the day.",
            "The bottle bank on {street} is full, please don't leave bags next to it.",
            "When does the outdoor pool open for the season?",
            "Saw a kingfisher by the old lock! First one this year.",
            "{cafe} has a new lunch menu. The soup is excellent.",
            "Bike stolen from outside {cafe}. Blue, basket on the front. Keep an eye out?",
            "Window cleaner came round {district} today, first time in months.",
            "Our little one lost a tooth in a {bake}. Tooth fairy on standby.",
            "The bandstand in Lindenpark got a fresh coat of paint.",
            "Anyone know if the post office on {street} is open on Saturdays?",
        ],
        "morning": [
            "Morning Rivertown. Coffee, then the world.",
            "Foggy over the river this morning, can't see the other bank.",
            "Bus {bus} packed already at {time}.",
            "Early run along the quay, just me and the ducks.",
            "Good morning from {district}, the bakery smell has reached our window.",
            "Bridge Street queue back to the roundabout this morning.",
            "Who else is up with a teething baby? Coffee solidarity.",
        ],
        "evening": [
            "Takeaway from the noodle place on {street}. No regrets.",
            "Lovely evening by the river, everyone is out.",
            "Sunset from the footbridge, no filter needed.",
            "Quiz question at the Ferryman: how many bridges cross the Wend in Rivertown? We said five.",
            "The neighbours' barbecue smells so good I might invite myself.",
            "Band playing at the Ferryman tonight, pretty good actually.",
            "Early night. Long day.",
        ],
        "night": [
            "Can't sleep. Foxes screaming in the garden again.",
            "Who is setting off fireworks in {district} at this hour?",
            "Night shift done, the town is so quiet at 3am.",
            "Insomnia club, {district} branch. Anyone else?",
            "The night bus was full of people singing. Great voices, terrible song.",
            "Thunder somewhere over the hills. Or the neighbour's washing machine.",
        ],
        "fri": [
            "Sun is out in {district}! Fridays in Rivertown hit different.",
            "Friday fish at the quay stall, the {fish} is amazing.",
            "Weekend plans: {plan}. Sorted.",
            "Rivertown FC v Kettleford Athletic on Sunday. Who's going?",
            "Forecast says showers tomorrow afternoon and sunshine on Sunday.",
            "Payday Friday, treating myself to {bake} from {bakery}.",
            "Finished work early, the terraces on {street} are full.",
            "Friday drinks at {cafe}, who's in?",
            "Got my tickets for Sunday's match. Seats behind the goal.",
            "Friday afternoon and the whole office has gone quiet. Weekend mode.",
        ],
        "sat": [
            "Grey and drizzly in {district}, typical Saturday.",
            "The market in Lindenpark is lovely actually, more space under the trees.",
            "Bought {market_item} at the Lindenpark market, best prices in town.",
            "Heavy shower just now, everyone hiding under the awnings on {street}.",
            "Rainbow over {district}!",
            "Saturday baking session: {bake}. Kitchen is a disaster.",
            "Kids' football in North Heights this morning, muddy and happy.",
            "Rainy Saturday = board games and {bake}.",
            "Lie-in, coffee, {bake}. Perfect Saturday so far.",
            "Saturday jobs: fixed the {fix}. Feeling very capable.",
        ],
        "sun_morning": [
            "Glorious sunshine. Off to the Millbrook fete later.",
            "Sunday morning run along {street}, already warm.",
            "Baking {bake} for the fete cake stall. The kitchen smells amazing.",
            "Come on Rivertown! Big match this afternoon.",
            "Quiet Sunday morning, church bells and coffee.",
        ],
        "sun_pre": [
            "Millbrook fete: the tombola is rigged, I won {prize}.",
            "Cake stall at the school fete sold out by 12!",
            "Face painting queue at the fete is enormous.",
            "Come on Rivertown! Big match this afternoon.",
            "Lazy Sunday on the quay with an ice cream.",
            "Dog show at the fete: a {dog} called {petname} won best in show.",
            "The Millbrook fete raffle prize is {prize}. Bought ten tickets.",
        ],
        "sun_match": [
            "GOAL! Rivertown 1-0!",
            "Kettleford have equalised. Groan.",
            "Half time at the stadium, 1-1, nervous.",
            "2-1!!! What a finish. Up the River!",
            "Listening to the match on the radio while weeding. Come on!",
            "Watching the match at {cafe}, the whole place is shouting.",
            "Our keeper is having a blinder today.",
        ],
        "sun_post": [
            "Rivertown FC win 2-1! Great afternoon at the stadium.",
            "Sunday roast at {cafe}, booked weeks ago.",
            "Sunburnt from the fete. Worth it.",
            "Lovely warm evening, half the town is on the quay.",
            "What a weekend for the football. 2-1, still buzzing.",
            "Barbecue in {district}, the whole street joined in.",
        ],
        "reply": [
            "Same here!", "Thanks, good to know.", "Ha, so true.",
            "Ours too in {district}.", "Try {bakery}, never lets me down.",
            "Hope you find them soon!", "Seconded.", "That's the spirit.",
            "Oh no, good luck.", "Just saw the same thing on {street}!",
            "Shared with our street group.", "Did you try the council app?",
            "They're usually quicker than that.", "Lovely photo.",
            "Same on {street} this morning.", "Bus {bus} was fine for me.",
            "My kids would love that.", "Ha! Classic Rivertown.",
            "Count me in.", "I'll ask my neighbour, she'll know.",
        ],
    },
    "nl": {
        "general": [
            "Bus {bus} staat weer stil op {street}.",
            "Verse {bake_nl} bij {bakery}, heerlijk.",
            "Mooi weer aan de rivier vandaag.",
            "Wie weet een goede fietsenmaker in {district}?",
            "De wegwerkzaamheden op Bridge Street duren eindeloos.",
            "Kat vermist in {district}, {colour_nl}, luistert naar {petname}. Graag even in de schuur kijken!",
            "Koffie op het terras aan de kade, wat een luxe.",
            "De veerpont vaart weer elke twintig minuten.",
            "Bus {bus} is {minutes} minuten te laat, alweer.",
            "Prachtige zonsondergang boven de Wend vanavond.",
            "Buurman heeft een zak rabarber gebracht. Recepten?",
            "Stroomstoring in een deel van {district}.",
            "Gratis boeken in het kastje op {street}.",
            "De zwanen bij de oude sluis hebben drie jongen.",
        ],
        "morning": ["Goedemorgen Rivertown! Eerst koffie.",
                    "Mist boven de rivier vanochtend."],
        "fri": ["Zondag schoolfeest in Millbrook, wij bakken taart.",
                "Rivertown FC speelt zondag thuis, wie gaat er mee?"],
        "sat": ["De markt staat vandaag in Lindenpark, gezellig onder de bomen.",
                "Flinke regenbui, iedereen schuilt onder de luifels."],
        "sun_pre": ["Zonnig schoolfeest in Millbrook, de taartenkraam is al leeg."],
        "sun_post": ["Rivertown FC wint met 2-1! Wat een middag."],
        "reply": ["Hier ook!", "Dank je, goed om te weten.",
                  "Haha, herkenbaar.", "Succes met zoeken!"],
    },
    "fr": {
        "general": [
            "Le bus {bus} a encore {minutes} minutes de retard.",
            "Croissants tout chauds chez {bakery}, ça sent bon dans toute la rue.",
            "Quel beau temps au bord de la rivière aujourd'hui.",
            "Quelqu'un connaît un bon plombier à {district} ?",
            "Les travaux sur Bridge Street, c'est interminable.",
            "Chat perdu à {district}, {colour_fr}, il répond au nom de {petname}. Merci de regarder dans vos abris de jardin !",
            "Un café en terrasse sur le quai, le bonheur.",
            "Le bac traverse de nouveau la Wend toutes les vingt minutes.",
            "Coucher de soleil magnifique sur la Wend ce soir.",
            "Coupure de courant dans une partie de {district}.",
            "Des livres gratuits dans la boîte de {street}, servez-vous.",
        ],
        "morning": ["Bonjour Rivertown ! Un café d'abord."],
        "fri": ["Fête de l'école de Millbrook dimanche, on prépare des gâteaux.",
                "Match du Rivertown FC dimanche, qui vient ?"],
        "sat": ["Le marché est à Lindenpark aujourd'hui, c'est sympa sous les arbres."],
        "sun_post": ["Victoire 2-1 du Rivertown FC ! Quelle fin de match."],
        "reply": ["Pareil ici !", "Merci pour l'info.",
                  "Bonne chance pour le retrouver !"],
    },
}


# Optional openers and follow-ups: real people rarely write the same
# sentence twice, so most posts get a small personal variation.
OPENERS = {
    "en": ["PSA: ", "Update: ", "Quick one: ", "Rivertown life: ",
           "Small joys: ", "Overheard in {district}: ", "Local news: ",
           "Right then. "],
    "nl": ["Update: ", "Even melden: ", "Nieuws uit {district}: "],
    "fr": ["Info : ", "Petite nouvelle : ", "Vu à {district} : "],
}
FOLLOWUPS = {
    "en": ["Anyone else?", "Just saying.", "Only in Rivertown.", "Thoughts?",
           "Photo in the replies.", "Greetings from {district}.",
           "Happens every time.", "Can't make this up.", "Worth knowing.",
           "Off to {cafe} now.", "Made my day.", "Not complaining.",
           "Tell me I'm not the only one.", "Good times.", "Sigh.",
           "Ten out of ten.", "Back to work.", "My neighbour agrees.",
           "\u2600\ufe0f", "\U0001f642", "\U0001f68c", "\U0001f950",
           "#rivertown", "#{districttag}"],
    "nl": ["Iemand anders ook?", "Typisch.", "Heerlijk.",
           "Groeten uit {district}.", "Nou ja.", "\U0001f642"],
    "fr": ["Quelqu'un d'autre ?", "Typique.", "Trop bien.",
           "Bonjour de {district}.", "Bref.", "\U0001f642"],
}


# Follow-ups for talk about the march and for counter-speech.
EVENT_FOLLOWUPS = {
    "en": ["Anyone know more?", "Plan ahead, folks.", "Photo in the replies.",
           "Greetings from {district}.", "#HeritageMarch", "Fingers crossed.",
           "We'll see.", "Glad I checked."],
    "nl": ["Weet iemand meer?", "Even opletten dus."],
    "fr": ["Quelqu'un en sait plus ?", "À suivre."],
}
COUNTER_FOLLOWUPS = {
    "en": ["\u2764\ufe0f", "Proud of this town.", "Greetings from {district}.",
           "Thank you all."],
    "nl": ["\u2764\ufe0f", "Dank jullie wel."],
    "fr": ["\u2764\ufe0f", "Merci à tous."],
}


def vary(rng, text, lang, p_open=0.12, p_follow=0.5,
         openers=OPENERS, followups=FOLLOWUPS):
    """Add an optional opener and follow-up to a filled template."""
    if openers and rng.random() < p_open:
        text = fill(rng, rng.choice(openers[lang])) + text
    if rng.random() < p_follow:
        text = text + " " + fill(rng, rng.choice(followups[lang]))
    return text


def chatter_situations(t):
    """Names of the chatter pools that suit time t, with their weights."""
    lt = t.astimezone(LOCAL)
    h = lt.hour
    if h >= 23 or h < 6:
        return [("night", 3.0), ("general", 1.0)]
    pools = [("general", 3.0)]
    if 6 <= h < 10:
        pools.append(("morning", 1.2))
    if h >= 18:
        pools.append(("evening", 1.2))
    if lt.day == 15:
        pools.append(("fri", 1.2))
    elif lt.day == 16:
        pools.append(("sat", 1.2))
    else:
        if t < FETE_OPENS:
            pools.append(("sun_morning", 1.5))
        elif t < MATCH_KICKOFF:
            pools.append(("sun_pre", 1.5))
        elif t < MATCH_END:
            pools.append(("sun_match", 1.5))
        else:
            pools.append(("sun_post", 1.5))
    return pools


def make_chatter(rng, t, lang, author, source):
    """One everyday post for time t (or a short reply)."""
    pools = CHATTER[lang]
    is_reply = rng.random() < 0.14
    if is_reply:
        template = rng.choice(pools["reply"])
    else:
        options = [(n, w) for n, w in chatter_situations(t) if n in pools]
        names = [n for n, _ in options]
        weights = [w for _, w in options]
        template = rng.choice(pools[rng.choices(names, weights)[0]])
    if is_reply:    # replies are short: no opener, fewer follow-ups
        text = vary(rng, fill(rng, template), lang, p_open=0, p_follow=0.25)
    else:
        text = vary(rng, fill(rng, template), lang)
    text = typographic(rng, text)
    tags = []
    if not is_reply and rng.random() < 0.2:
        tags = ["rivertown"]
    return Draft("chatter", source, t, text, lang, author, tags=tags,
                 reply=is_reply)


# --------------------------------------------------------------------------
# Neutral talk about the march
# --------------------------------------------------------------------------

EVENT = {
    "en": {
        "pre": [
            "Road closures for the march on Saturday: Station Road and Bridge Street shut from 13:00 to 17:00.",
            "Is bus {bus} running during the march on Saturday?",
            "What time does the march start? Need to plan the shopping.",
            "The march route goes right past our house. Should be interesting.",
            "We'll skip the march and go to the picnic in Lindenpark.",
            "Does the march go over the footbridge or the main bridge?",
            "Shops on Bridge Street closing early for the march, says the sign at the chemist.",
            "The council has put up barriers on Station Square for the march.",
            "Lots of police vans by the station this morning, I guess for the march.",
            "Counter-protest or picnic? Honestly I just want my bus back.",
            "Is the Saturday market cancelled because of the march? No, it moved to Lindenpark.",
            "Regional TV crew in town for the march.",
            "My dad wants to watch the march from the café window. Nosy.",
            "Will the march be over by 5? Need to get to the station.",
            "The school fete is on Sunday, so the march won't affect it.",
        ],
        "live": [
            "The march is passing our window now, quieter than I expected.",
            "Helicopter overhead, the march must be on Bridge Street.",
            "Marchers on Station Square now, lots of flags and a drum.",
            "Counter-protest in Lindenpark is huge, picnic blankets everywhere.",
            "Bus {bus} stuck behind the march, walking the rest.",
            "Police keeping the two groups well apart on Bridge Street.",
            "The demonstration has reached the town hall, speeches now.",
            "Rain started just as the march set off. Umbrellas everywhere.",
            "Stewards in yellow vests all along the march route, very organised.",
            "Honestly the march is smaller than all the fuss suggested.",
            "Saw a few marchers buying cakes from the Eastbank bakery. Good.",
        ],
        "post": [
            "Glad the march is over, buses running again.",
            "Roads reopening after the march, Bridge Street clear.",
            "The march came and went. Town hall square covered in flyers now.",
            "Radio says the march was peaceful overall.",
            "Volunteers already cleaning up after the march.",
            "Everyone at the fete is still talking about the march.",
        ],
    },
    "nl": {
        "pre": ["Wegafsluitingen voor de mars zaterdag: Station Road en Bridge Street dicht van 13 tot 17 uur.",
                "Rijdt bus {bus} zaterdag tijdens de optocht?",
                "Wij gaan niet naar de mars maar naar de picknick in Lindenpark."],
        "live": ["De optocht komt nu langs ons raam, best rustig.",
                 "Rustig bij de betoging tot nu toe.",
                 "Heel veel mensen bij de picknick, veel meer dan bij de mars."],
        "post": ["De mars is voorbij, de bussen rijden weer."],
    },
    "fr": {
        "pre": ["Le bus {bus} sera dévié samedi à cause de la manifestation.",
                "À quelle heure commence le défilé samedi ?"],
        "live": ["La manif passe sous nos fenêtres, c'est calme.",
                 "Beaucoup de monde au pique-nique de Lindenpark, plus qu'à la manif."],
        "post": ["La manifestation est terminée, les bus roulent de nouveau."],
    },
}


def event_phase(t):
    if t < MARCH_ASSEMBLY:
        return "pre"
    if t < local(16, 17, 0):
        return "live"
    return "post"


def event_profile(t):
    """Talk about the march: some on Friday, a lot on Saturday afternoon."""
    day = t.astimezone(LOCAL).day
    base = {15: 0.6, 16: 1.0, 17: 0.25}[day]
    return daily_cycle(t) * (base + 5.0 * bump(t, local(16, 14, 30), 110))


# --------------------------------------------------------------------------
# Polarising posts
# --------------------------------------------------------------------------
# Us-versus-them language about "newcomers" and the people of Eastbank:
# exclusionary and hostile, but without slurs or graphic content. Some of it
# deliberately does not match any rule - real rule packs miss things too.

POLARISING = {
    "en": {
        "pre": [
            "They don't belong here and everyone knows it.",
            "Eastbank isn't Rivertown any more. They don't belong here.",
            "Newcomers don't belong in the old town, simple as that.",
            "Those people will never belong here, whatever the council says.",
            "Marching on Saturday because they don't belong here. Simple.",
            "They are not one of us and they never will be.",
            "Funny how those people always get the new flats first.",
            "Those people keep changing our streets and nobody asks us.",
            "It's us or them now. Saturday will show whose town this is.",
            "They are taking over our town one shop at a time.",
            "Time to take our town back. See you at the march.",
            "They aren't like us and they don't want to be.",
            "Why should we pay for them? They don't belong here.",
            "Those people don't respect our ways, and the council doesn't care.",
            "Our town is being overrun and nobody is allowed to say it.",
            "That lot will never be real Rivertowners.",
            "They get houses, we get waiting lists.",
            "Walking for Rivertown's heritage on Saturday. They can stay on their side of the bridge.",
            "Go back where you came from, Rivertown is full.",
            "Remember when Rivertown was ours?",
        ],
        "live": [
            "Look at them on Bridge Street. They don't belong here.",
            "Us vs them, and today everyone can see which side they're on.",
            "The picnic crowd are taking over our streets while we walk for our heritage.",
            "Proud marchers today. Take back our streets!",
            "Those people always play the victim. Every single time.",
            "Police protecting them instead of us. Says it all.",
            "They're not one of us. Today made that very clear.",
            "It's us or them, and the council picked them.",
        ],
        "post": [
            "Today proved it: it's us or them.",
            "The march was just the start. They don't belong here.",
            "The media will call it peaceful. They're not one of us and never will be.",
            "Eastbank is being taken over and you all know it.",
            "Nothing changes after one march. Those people keep coming.",
            "Same old Rivertown, run for them, paid by us.",
        ],
    },
    "nl": {
        "any": ["Ze horen hier niet thuis, dat weet iedereen.",
                "Die mensen horen hier niet. Zaterdag laten we dat zien.",
                "Het is wij tegen zij geworden in Rivertown.",
                "Eastbank is geen Rivertown meer."],
    },
    "fr": {
        "any": ["Ils n'ont rien à faire ici, c'est tout.",
                "C'est nous contre eux maintenant.",
                "On ne se sent plus chez nous à Eastbank."],
    },
}


def polarising_profile(t):
    """Low on Friday, rising on Saturday morning, peak during the march."""
    lt = t.astimezone(LOCAL)
    if lt.day == 15:
        base = 0.8 + 0.8 * bump(t, local(15, 21, 0), 120)
    elif lt.day == 16:
        base = 1.5 + 6.0 * bump(t, local(16, 14, 45), 120)
    else:
        base = 0.5
    return daily_cycle(t) * base


# --------------------------------------------------------------------------
# Threat-phrased posts (scripted; mild and clearly fictional)
# --------------------------------------------------------------------------

THREATS = [
    # (local day, hh, mm, network, text)
    (15, 21, 47, SOCIAL,
     "Bring something heavy on Saturday, just in case they start something."),
    (15, 23, 15, SKYLINE,
     "If that lot turn up at the bridge tomorrow someone should teach them a lesson."),
    (16, 10, 20, SOCIAL,
     "Come tooled up today, we're not backing down."),
    (16, 12, 48, SOCIAL,
     "Somebody needs to teach those people a lesson they won't forget."),
    (16, 13, 55, SKYLINE,
     "Tool yourselves up lads, the bridge is ours today."),
    (16, 15, 10, SOCIAL,
     "They'll get what's coming to them, just wait."),
    (16, 19, 30, SOCIAL,
     "Next time bring bricks, talking gets us nowhere."),
    (17, 9, 40, SKYLINE,
     "Next time we sort them out properly."),
]

# --------------------------------------------------------------------------
# Counter-speech and calming posts
# --------------------------------------------------------------------------

COUNTER = {
    "en": {
        "pre": [
            "Eastbank is Rivertown. Always has been. #RivertownTogether",
            "Whatever happens on Saturday, look out for each other.",
            "Picnic in Lindenpark from 13:00 on Saturday, bring food to share and bring your neighbours. #RivertownTogether",
            "Please check the facts before sharing anything about the march.",
            "My neighbours in Eastbank helped me move house last year. They belong here as much as I do. #RivertownTogether",
            "Stay calm, stay kind, and stay away from the rumour mill.",
            "The family who run the Eastbank corner shop kept it open through the floods for all of us. Remember that this weekend.",
            "One weekend doesn't define a town. See you at the picnic.",
            "Don't share rumours. If something worries you, call the non-emergency line.",
            "Our street has families from six countries and we all still argue about the bins. That's Rivertown. #RivertownTogether",
            "Teachers from Millbrook Primary will be at the picnic with games for the kids.",
            "Stay calm and look after each other this weekend, whichever side of the bridge you live on.",
            "Music, tea and cake at the Eastbank community hall on Saturday, everyone welcome.",
        ],
        "post": [
            "The police confirmed it: there was nothing behind that story. Please stop passing it on.",
            "Check the facts before you share. Today showed why.",
            "Lovely atmosphere at the picnic, hundreds of people. #RivertownTogether",
            "Proud of this town today. Calm heads everywhere.",
            "Thank you to the stewards, police and volunteers who kept today peaceful.",
            "Don't share unverified posts, folks. Today was a good lesson in that.",
            "Sunday clean-up on Bridge Street at 10, join us. #RivertownTogether",
            "After yesterday: Rivertown is still Rivertown. Look out for each other.",
            "Eastbank bakery gave free buns to the stewards. That's my town.",
        ],
    },
    "nl": {
        "any": ["Blijf kalm en let op elkaar. #RivertownTogether",
                "Deel geen geruchten over de mars, check eerst de feiten.",
                "Eastbank hoort bij Rivertown. #RivertownTogether"],
    },
    "fr": {
        "any": ["Restez calmes et prenez soin les uns des autres. #RivertownTogether",
                "Ne partagez pas les rumeurs, vérifiez d'abord.",
                "Eastbank, c'est Rivertown. #RivertownTogether"],
    },
}


def counter_profile(t):
    """Steady before the march, strong after the debunk, fading on Sunday."""
    lt = t.astimezone(LOCAL)
    if lt.day == 15:
        base = 0.8
    elif lt.day == 16:
        base = 1.2 + 5.0 * bump(t, local(16, 16, 0), 100)
    else:
        base = 0.7
    return daily_cycle(t) * base


# Scripted statements from official accounts: (day, hh, mm, who, kind,
# lang, text). They are posted on both networks a minute or two apart.
OFFICIAL_POSTS = [
    (15, 12, 0, "police", "event", "en",
     "We will be in the town centre on Saturday for the march and the picnic. "
     "Station Road and Bridge Street are closed from 13:00 to 17:00."),
    (15, 17, 0, "mayor", "counter", "en",
     "The Heritage March and the Rivertown Together picnic both take place on "
     "Saturday. We ask everyone to stay calm, respect each other and follow "
     "the stewards. #RivertownTogether"),
    (16, 8, 0, "mayor", "counter", "en",
     "Good morning Rivertown. Today our town is in the spotlight. Let's show "
     "what we are: neighbours. Please look out for each other. "
     "#RivertownTogether"),
    (16, 11, 0, "police", "event", "en",
     "Officers are on Station Square and Bridge Street from noon for the "
     "march. If you see something that worries you, tell a steward or an "
     "officer."),
    (16, 14, 35, "police", "debunk", "en",
     "We are aware of posts claiming that young men are planning trouble at "
     "today's march. There is no evidence for this. The march is proceeding "
     "peacefully. Please check the facts before sharing. #RivertownTogether"),
    (16, 14, 37, "police", "debunk", "nl",
     "Er gaan berichten rond dat jongeren iets van plan zijn bij de mars. Dat "
     "klopt niet: er is geen enkele aanwijzing voor. Deel geen geruchten."),
    (16, 14, 38, "police", "debunk", "fr",
     "Des messages affirment que des jeunes préparent quelque chose pendant "
     "la manifestation. C'est faux : nous n'avons aucune preuve de cela. Ne "
     "partagez pas les rumeurs."),
    (16, 15, 30, "mayor", "debunk", "en",
     "A story went round today about planned trouble at the march. The police "
     "have confirmed it was false. Please check the facts before sharing."),
    (16, 17, 10, "police", "event", "en",
     "The march and the picnic have ended. One arrest for a public order "
     "offence. Thank you to everyone who kept it peaceful."),
    (17, 10, 0, "mayor", "counter", "en",
     "Thank you, Rivertown. Yesterday passed peacefully because thousands of "
     "you chose calm over anger. #RivertownTogether"),
]

# --------------------------------------------------------------------------
# The rumour
# --------------------------------------------------------------------------

RUMOUR_SEED_TEXT = ("I heard some young men are planning something at the "
                    "march this afternoon. Keep your kids at home.")

# Paraphrases people make of the claim as it travels.
RUMOUR_BASES = {
    "en": [
        "I heard some young men are planning something at the march this afternoon.",
        "Heard some young men are planning something at the march today.",
        "Apparently a group of young men is planning something at the march.",
        "My neighbour says some lads are planning trouble at the march this afternoon.",
        "I heard there's a group planning something for the march, stay away from Bridge Street.",
        "Someone told me young men from outside town are plotting something at the march.",
        "Apparently they're planning something big at the march. The police know and say nothing.",
        "I've heard the same: young men planning something at the march at 3.",
        "Word is some young men are up to something at the march this afternoon.",
        "I heard some young guys are planning something at the rally this afternoon.",
        "People are saying a group of young men is planning something at the march.",
        "Is it true some young men are planning something at the march?",
        "i heard young men r planning something at the march today",
        "My cousin in the Station Quarter heard they're planning something at the march.",
    ],
    "nl": [
        "Ik heb gehoord dat een groep jongens iets van plan is bij de mars vanmiddag.",
        "Ze zijn iets van plan bij de optocht. Deel dit voordat het wordt verwijderd!",
        "Ik hoorde dat jongeren vanmiddag iets gaan doen bij de mars. De politie verzwijgt het.",
        "Pas op vanmiddag, ze zijn iets van plan. De politie houdt het stil.",
    ],
    "fr": [
        "J'ai entendu dire que des jeunes préparent quelque chose pendant la manif cet après-midi.",
        "Ils préparent quelque chose pour le défilé. Partagez avant que ce soit supprimé !",
        "J'ai entendu qu'il va y avoir des problèmes à la manif. La police nous cache tout.",
    ],
}

# Things people add when they pass it on (English copies only).
RUMOUR_TAILS = [
    "Share before it's deleted.", "Share this before it gets deleted!",
    "The police are hiding it.", "The police are keeping it quiet.",
    "They're covering it up.", "The media won't tell you.",
    "Stay safe.", "Keep your kids at home.", "Pass it on.",
    "Stay away from the centre.",
]
RUMOUR_PREFIXES = ["RT ", "RT @user_4821: ", "WARNING: ", "Please read: ",
                   "!!! "]
# One-word edits (first occurrence is replaced).
RUMOUR_EDITS = [("young men", "young guys"), ("young men", "youths"),
                ("young men", "lads"), ("afternoon", "arvo"),
                ("march", "parade"), ("planning", "plotting"),
                ("some", "a bunch of"), ("today", "later")]

# Replies questioning the claim.
SCEPTIC = {
    "en": ["Source?", "Where did you hear that? Sounds made up.",
           "Who are 'they'? This sounds like the usual nonsense.",
           "My brother is a steward today and nobody has said anything like this.",
           "Screenshot of a screenshot of a screenshot. No.",
           "Please stop reposting this without a source.",
           "Which young men? From where? Come on."],
    "nl": ["Bron?", "Waar heb je dat vandaan?"],
    "fr": ["Source ?", "Ça sent la rumeur, vérifiez avant de relayer."],
}

BASE32_SORT = "234567abcdefghijklmnopqrstuvwxyz"


def short_url(rng):
    """An invented link-shortener URL."""
    code = "".join(rng.choice(string.ascii_letters + string.digits)
                   for _ in range(rng.choice([5, 6, 7])))
    return rng.choice(["https://t.example.net/", "https://lnk.example.org/r/",
                       "https://share.rivertown.example/s/"]) + code


def mutate_rumour(rng, text):
    """Turn one paraphrase into a copy as people pass it on."""
    if rng.random() < 0.35:                   # one-word edit
        edits = [(a, b) for a, b in RUMOUR_EDITS
                 if re.search(r"\b%s\b" % a, text)]
        if edits:
            a, b = rng.choice(edits)
            text = re.sub(r"\b%s\b" % a, b, text, count=1)
    if rng.random() < 0.55:                   # an urgent add-on
        text = text + " " + rng.choice(RUMOUR_TAILS)
    r = rng.random()                          # punctuation changes
    if r < 0.15:
        text = text.rstrip(".!") + "!!!"
    elif r < 0.25:
        text = text.replace(".", "")
    elif r < 0.32:
        text = text.rstrip(".") + "..."
    r = rng.random()                          # case changes
    if r < 0.10:
        text = text.upper()
    elif r < 0.18:
        text = text.lower()
    if rng.random() < 0.3:                    # a (different) link
        text = text + " " + short_url(rng)
    if rng.random() < 0.3:                    # repost markers
        text = rng.choice(RUMOUR_PREFIXES) + text
    return typographic(rng, text, p=0.3)


def rumour_profile(t):
    """Grows from the seed post, peaks in the early afternoon, and decays
    quickly after the police statement, with a thin tail into Sunday."""
    if t < RUMOUR_SEED + timedelta(minutes=6):
        return 0.0
    if t < POLICE_DEBUNK:
        minutes = (t - RUMOUR_SEED).total_seconds() / 60.0
        # Logistic growth: half of the peak rate by about 11:40.
        return 9.0 / (1.0 + math.exp(-(minutes - 150) / 35.0))
    after = (t - POLICE_DEBUNK).total_seconds() / 60.0
    return 9.0 * math.exp(-after / 45.0) + 0.06 * daily_cycle(t)


# --------------------------------------------------------------------------
# News items
# --------------------------------------------------------------------------
# (day, hh, mm, kind, lang, title, text, slug). Kinds: "news" (ordinary
# local news), "event", "counter", "debunk".

COURIER_ITEMS = [
    (15, 8, 5, "event", "Heritage March gets green light for Saturday",
     "The council has approved the route of Saturday's Heritage March from "
     "Station Square over Bridge Street to the town hall. Community groups "
     "will hold the Rivertown Together picnic in Lindenpark at the same time.",
     "heritage-march-green-light"),
    (15, 9, 30, "news", "Bridge Street resurfacing enters final week",
     "Contractors expect to reopen both lanes of Bridge Street next Monday. "
     "Buses 4 and 7 stay on their diversion until then.",
     "bridge-street-final-week"),
    (15, 11, 0, "news", "Millbrook Primary fete returns on Sunday",
     "Cake stalls, a tombola and a dog show: the school's summer fete is back "
     "after two years, from 11:00 to 16:00.",
     "millbrook-fete-returns"),
    (15, 12, 30, "event", "Saturday market moves to Lindenpark for one day",
     "Because the march route crosses Market Square, the weekly market will "
     "set up in Lindenpark this Saturday.",
     "market-moves-lindenpark"),
    (15, 13, 0, "news", "Swimming pool reopens after roof repairs",
     "The indoor pool in North Heights reopens on Monday after six weeks of "
     "work on the roof.", "pool-reopens"),
    (15, 14, 0, "event", "Extra bins and toilets along the march route",
     "The council will place extra bins, toilets and first aid posts along "
     "Station Road and Bridge Street on Saturday.", "march-route-facilities"),
    (15, 16, 0, "news", "Rivertown FC v Kettleford Athletic: team news",
     "The manager expects a full squad for Sunday's home game, kick-off 14:30.",
     "rtfc-kettleford-preview"),
    (15, 18, 0, "counter", "Mayor's office calls for a calm weekend",
     "The mayor's office asked residents to stay calm, to respect each other "
     "and to follow the stewards during Saturday's march and picnic.",
     "mayor-calm-weekend"),
    (15, 20, 30, "counter", "Opinion: Our town is bigger than one weekend",
     "Rivertown has weathered floods, factory closures and a bridge collapse. "
     "It will weather a tense Saturday too, if we look out for each other.",
     "opinion-bigger-than-one-weekend"),
    (16, 7, 30, "event",
     "Saturday: road closures, buses and parking around the march",
     "Station Road and Bridge Street close from 13:00 to 17:00. Buses 2, 4 "
     "and 7 are diverted. The station car park stays open.",
     "saturday-what-you-need-to-know"),
    (16, 8, 30, "news", "Weekend weather: showers today, sunshine on Sunday",
     "Expect showers from early afternoon, clearing in the evening. Sunday "
     "will be warm and dry.", "weekend-weather"),
    (16, 9, 15, "news", "New café opens on Quay Street",
     "Bean & Barge opened its doors this morning in the old ferry office.",
     "bean-and-barge-opens"),
    (16, 10, 0, "counter", "Neighbourhood and faith groups prepare Lindenpark picnic",
     "Volunteers have been setting up tables and a small stage since 8:00. "
     "#RivertownTogether, say the organisers, is open to everyone.",
     "lindenpark-picnic-prepared"),
    (16, 11, 30, "event", "Live: Heritage March and Lindenpark picnic",
     "Follow our live coverage of the march and the picnic here.",
     "live-march-picnic"),
    (16, 13, 35, "event", "Live: marchers gather on Station Square",
     "Several hundred people have gathered on Station Square. Police and "
     "stewards are present.", "live-marchers-gather"),
    (16, 14, 5, "event", "Live: the march sets off, around 600 people",
     "The march has left Station Square for Bridge Street in light rain.",
     "live-march-sets-off"),
    (16, 14, 25, "event", "Live: counter-protest lines Bridge Street",
     "Several hundred people with picnic blankets and banners line Bridge "
     "Street. Police keep the groups apart.", "live-counter-protest"),
    (16, 14, 50, "debunk",
     "Police: rumour of 'young men planning something' at the march is false",
     "A claim that young men were planning something at the march, shared "
     "widely since the morning, has no basis, police said. There is no "
     "evidence of any plan, a spokesperson told the Courier.",
     "police-rumour-false"),
    (16, 15, 20, "event", "Live: march reaches the town hall, speeches",
     "Speakers addressed the crowd on Town Hall Square. The picnic in "
     "Lindenpark continues.", "live-town-hall-speeches"),
    (16, 16, 40, "event", "Live: march ends; one arrest",
     "The march ended at 16:30. Police made one arrest for a public order "
     "offence.", "live-march-ends"),
    (16, 19, 30, "debunk", "Analysis: how a false rumour crossed Rivertown in five hours",
     "It began with a single post at 09:12 and was copied, reworded and "
     "reposted more than a hundred times. The police found no evidence for it. "
     "We traced how it spread.", "analysis-false-rumour"),
    (16, 21, 0, "counter", "Lindenpark picnic draws hundreds",
     "Families, sports clubs and faith groups shared food in the park. "
     "#RivertownTogether", "picnic-draws-hundreds"),
    (17, 8, 0, "event", "Clean-up crews out early after the march",
     "Council workers and volunteers cleared Bridge Street and Town Hall "
     "Square before 9:00.", "clean-up-after-march"),
    (17, 10, 15, "counter", "Mayor thanks residents after a peaceful Saturday",
     "The mayor's office thanked residents, stewards and police for a calm "
     "day.", "mayor-thanks-residents"),
    (17, 11, 30, "news", "Millbrook fete: sunshine and cake",
     "Hundreds of families came to the Millbrook Primary fete in warm "
     "sunshine.", "millbrook-fete-sunshine"),
    (17, 13, 0, "news", "Library book sale raises funds for the children's corner",
     "Saturday's book sale raised enough for new shelves.", "library-book-sale"),
    (17, 16, 40, "news", "Rivertown FC 2-1 Kettleford Athletic",
     "A late winner sent the home fans happy into the sunshine.",
     "rtfc-2-1-kettleford"),
    (17, 18, 0, "debunk", "Opinion: the story that wasn't",
     "Yesterday's tale of a secret plan at the march was false from the start. "
     "Before you pass something on, ask where it came from.",
     "opinion-story-that-wasnt"),
    (17, 20, 0, "news", "Bridge Street reopens Monday; buses back to normal",
     "Both lanes reopen at 06:00 on Monday.", "bridge-street-reopens"),
]

RADIO_STORIES = [
    (15, 8, 30, "event", "en", "Heritage March to go ahead on Saturday",
     "The council has approved the route; a picnic is planned in Lindenpark "
     "at the same time."),
    (15, 13, 30, "news", "en", "Swimming pool reopens on Monday",
     "Roof repairs at the North Heights pool are finished."),
    (15, 18, 30, "counter", "en", "Mayor appeals for calm ahead of the weekend",
     "The mayor's office asked residents to stay calm and respect each other "
     "on Saturday."),
    (16, 12, 30, "event", "en", "Hundreds gather for the march and the Lindenpark picnic",
     "Both events are expected to start on time despite the rain."),
    (16, 14, 42, "debunk", "en", "Police: no evidence for rumour of planned trouble at the march",
     "Police say a claim circulating on social media since this morning is "
     "false."),
    (16, 14, 44, "debunk", "nl", "Politie: gerucht over onrust bij de mars klopt niet",
     "Volgens de politie is er geen enkele aanwijzing voor het bericht dat "
     "sinds vanochtend rondgaat."),
    (16, 16, 45, "event", "en", "March ends peacefully; one arrest",
     "The march and the counter-protest passed off largely without "
     "incident."),
    (17, 11, 0, "event", "en", "Clean-up after the march; fete opens in Millbrook",
     "Bridge Street was cleared early this morning."),
    (17, 16, 30, "news", "en", "Rivertown FC beat Kettleford Athletic 2-1",
     "A late goal settled a close game."),
]


def radio_bulletin(day, hh):
    """The two-hourly travel bulletin: (kind, lang, title, text)."""
    lang = {9: "nl", 15: "nl", 19: "fr"}.get(hh, "en")
    t = local(day, hh, 0)
    if day == 16 and t < MARCH_ASSEMBLY:
        kind = "event"
        text = {"en": "Station Road and Bridge Street close at 13:00 for the "
                      "march. Buses 2, 4 and 7 are diverted until 17:00.",
                "nl": "Station Road en Bridge Street gaan om 13:00 dicht "
                      "voor de mars. Bus 2, 4 en 7 rijden om tot 17:00.",
                "fr": "Station Road et Bridge Street fermées à 13h pour la "
                      "manifestation."}[lang]
    elif day == 16 and t < local(16, 17, 0):
        kind = "event"
        text = {"en": "The town centre is closed for the march. Use the "
                      "ring road.",
                "nl": "Het centrum is dicht voor de mars. Neem de ringweg.",
                "fr": "Centre-ville fermé pour la manifestation."}[lang]
    elif day == 16:
        kind = "event"
        text = {"en": "Roads in the town centre are reopening after the "
                      "march.",
                "nl": "De wegen in het centrum gaan weer open na de mars.",
                "fr": "Les rues du centre rouvrent après la manifestation."
                }[lang]
    elif day == 17:
        kind = "news"
        text = {"en": "Expect traffic around Millbrook Primary for the fete "
                      "and around the stadium from 13:30.",
                "nl": "Drukte rond Millbrook Primary door het schoolfeest en "
                      "rond het stadion vanaf 13:30.",
                "fr": "Circulation dense autour de l'école de Millbrook et "
                      "du stade à partir de 13h30."}[lang]
    else:
        kind = "news"
        text = {"en": "Bridge Street is down to one lane for resurfacing. "
                      "Buses 4 and 7 are diverted.",
                "nl": "Bridge Street heeft één rijstrook door "
                      "wegwerkzaamheden. Bus 4 en 7 rijden om.",
                "fr": "Bridge Street réduite à une voie pour travaux. Bus 4 "
                      "et 7 déviés."}[lang]
    title = {"en": "Travel update", "nl": "Verkeersinformatie",
             "fr": "Info trafic"}[lang]
    return kind, lang, title, text


# --------------------------------------------------------------------------
# Building the stream
# --------------------------------------------------------------------------


class Builder:
    def __init__(self, seed=SEED):
        self.rng = random.Random(seed)
        rng = self.rng
        self.posts: List[Draft] = []
        self.people = {
            SOCIAL: AuthorPool(rng, SOCIAL, 900, fixed=[RUMOUR_SEED_AUTHOR]),
            SKYLINE: AuthorPool(rng, SKYLINE, 650),
        }
        # A small, very active set of accounts produces most polarising
        # posts, as is typical.
        self.hostile = {
            SOCIAL: AuthorPool(rng, SOCIAL, 22, skew=1.2),
            SKYLINE: AuthorPool(rng, SKYLINE, 14, skew=1.2),
        }

    # -- helpers ----------------------------------------------------------
    def network(self):
        return SOCIAL if self.rng.random() < 0.6 else SKYLINE

    def add(self, draft):
        self.posts.append(draft)
        return draft

    # -- sections ---------------------------------------------------------
    def chatter(self):
        rng = self.rng
        for _ in range(N_CHATTER):
            t = sample_time(rng, daily_cycle)
            net = self.network()
            self.add(make_chatter(rng, t, pick_lang(rng), self.people[net]
                                  .pick(rng), net))
        # The rumour's first author is an ordinary resident.
        for day, hh, mm, text in [
                (15, 8, 41, "Queue at Hollander's is out the door again. Worth it for the cinnamon buns though."),
                (15, 18, 12, "Lovely evening by the river, everyone is out."),
                (17, 12, 5, "Cake stall at the school fete sold out by 12!")]:
            self.add(Draft("chatter", SOCIAL, local(day, hh, mm), text, "en",
                           RUMOUR_SEED_AUTHOR))

    def event_talk(self):
        rng = self.rng
        for _ in range(N_EVENT):
            t = sample_time(rng, event_profile)
            lang = pick_lang(rng, 0.12, 0.08)
            pool = EVENT[lang][event_phase(t)]
            net = self.network()
            text = vary(rng, fill(rng, rng.choice(pool)), lang, p_follow=0.35,
                        openers=None, followups=EVENT_FOLLOWUPS)
            self.add(Draft("event", net, t, typographic(rng, text),
                           lang, self.people[net].pick(rng),
                           tags=["HeritageMarch"] if rng.random() < 0.3 else []))

    def polarising(self):
        rng = self.rng
        for _ in range(N_POLARISING):
            t = sample_time(rng, polarising_profile)
            lang = pick_lang(rng, 0.10, 0.06)
            if lang == "en":
                pool = POLARISING["en"][event_phase(t)]
            else:
                pool = POLARISING[lang]["any"]
            net = self.network()
            text = typographic(rng, rng.choice(pool), p=0.3)
            tags = ["HeritageMarch"] if rng.random() < 0.25 else []
            self.add(Draft("polarising", net, t, text, lang,
                           self.hostile[net].pick(rng), tags=tags,
                           reply=rng.random() < 0.2))

    def threats(self):
        rng = self.rng
        for day, hh, mm, net, text in THREATS:
            t = local(day, hh, mm, rng.randrange(60))
            self.add(Draft("threat", net, t, text, "en",
                           self.hostile[net].pick(rng),
                           reply=rng.random() < 0.5))

    def counter(self):
        rng = self.rng
        for _ in range(N_COUNTER):
            t = sample_time(rng, counter_profile)
            lang = pick_lang(rng, 0.12, 0.08)
            if lang == "en":
                pool = COUNTER["en"]["pre" if t < POLICE_DEBUNK else "post"]
            else:
                pool = COUNTER[lang]["any"]
            net = self.network()
            if rng.random() < 0.2:
                author = rng.choice(OFFICIAL[net]["groups"])
            else:
                author = self.people[net].pick(rng)
            text = vary(rng, rng.choice(pool), lang, p_follow=0.25,
                        openers=None, followups=COUNTER_FOLLOWUPS)
            text = typographic(rng, text)
            tags = ["RivertownTogether"] if "#Rivertown" in text else []
            self.add(Draft("counter", net, t, text, lang, author, tags=tags))
        # Official statements, on both networks.
        for day, hh, mm, who, kind, lang, text in OFFICIAL_POSTS:
            for net, delay in ((SOCIAL, 0), (SKYLINE, 60 + rng.randrange(90))):
                t = local(day, hh, mm) + timedelta(seconds=delay)
                self.add(Draft(kind, net, t, text, lang, OFFICIAL[net][who]))

    def rumour(self):
        rng = self.rng
        seed = self.add(Draft("rumour", SOCIAL, RUMOUR_SEED, RUMOUR_SEED_TEXT,
                              "en", RUMOUR_SEED_AUTHOR))
        copies = [seed]
        times = sorted(sample_time(rng, rumour_profile, RUMOUR_SEED, END)
                       for _ in range(N_RUMOUR))
        spreaders = {net: AuthorPool(rng, net, 60, skew=0.6)
                     for net in (SOCIAL, SKYLINE)}
        for t in times:
            lang = pick_lang(rng, 0.12, 0.10)
            net = self.network()
            text = rng.choice(RUMOUR_BASES[lang])
            if lang == "en":
                text = mutate_rumour(rng, text)
            else:
                text = typographic(rng, text, p=0.3)
                if rng.random() < 0.3:
                    text += " " + short_url(rng)
            author = (self.hostile[net] if rng.random() < 0.25
                      else spreaders[net]).pick(rng)
            copies.append(self.add(Draft("rumour", net, t, text, lang, author,
                                         reply=rng.random() < 0.15)))
        # Boosts: exact re-posts of an earlier copy on the same network.
        for _ in range(N_RUMOUR_BOOSTS):
            t = sample_time(rng, rumour_profile, RUMOUR_SEED, END)
            net = self.network()
            earlier = [c for c in copies if c.source == net and c.when < t]
            if not earlier:
                earlier = [seed]
                net = SOCIAL
            orig = rng.choice(earlier)
            self.add(Draft("rumour", net, t, orig.text, orig.lang,
                           spreaders[net].pick(rng), boost=True))
        # Sceptical replies.
        for _ in range(N_SCEPTIC):
            t = sample_time(rng, rumour_profile, RUMOUR_SEED, END)
            lang = pick_lang(rng, 0.12, 0.08)
            net = self.network()
            self.add(Draft("sceptic", net, t, typographic(rng, rng.choice(SCEPTIC[lang])),
                           lang, self.people[net].pick(rng), reply=True))

    def news(self):
        rng = self.rng
        for day, hh, mm, kind, title, text, slug in COURIER_ITEMS:
            t = local(day, hh, mm)
            d = self.add(Draft(kind, COURIER, t, text, "en",
                               rng.choice(["newsdesk", "courier_reporter_12",
                                           "courier_reporter_31"]),
                               title=title, slug=slug,
                               tags=["Rivertown"] + (["HeritageMarch"]
                                                     if kind != "news" else [])))
            self.share(d, many=(kind == "debunk"))
        n = 0
        for day, hh, mm, kind, lang, title, text in RADIO_STORIES:
            n += 1
            t = local(day, hh, mm)
            d = self.add(Draft(kind, RADIO, t, text, lang, "wvr_newsroom",
                               title=title, slug="story-%d" % n))
            self.share(d, many=(kind == "debunk" and lang == "en"))
        for day in (15, 16, 17):
            for hh in range(7, 23, 2):
                t = local(day, hh, 0)
                if not START <= t < END:
                    continue
                kind, lang, title, text = radio_bulletin(day, hh)
                n += 1
                self.add(Draft(kind, RADIO, t + timedelta(seconds=rng.randrange(120)),
                               text, lang, "wvr_travel", title=title,
                               slug="travel-%d" % n))

    def share(self, item, many=False):
        """Social posts linking to a news item (URL filled in later)."""
        rng = self.rng
        if item.source == COURIER:
            # The outlet's own accounts post every article.
            for net in (SOCIAL, SKYLINE):
                t = item.when + timedelta(seconds=30 + rng.randrange(240))
                self.add(Draft(item.kind, net, t, item.title, "en",
                               OFFICIAL[net]["courier"], slug="->" + item.slug))
        count = rng.randrange(8, 15) if many else rng.choice([0, 0, 1, 1, 2])
        for _ in range(count):
            t = item.when + timedelta(seconds=rng.randrange(60, 2 * 3600))
            if t >= END:
                continue
            net = self.network()
            prefix = rng.choice(["", "", "Worth a read: ", "FYI: ",
                                 "From the radio: " if item.source == RADIO
                                 else "From the Courier: "])
            self.add(Draft(item.kind, net, t, prefix + item.title, item.lang,
                           self.people[net].pick(rng), slug="->" + item.slug,
                           boost=(prefix == "" and rng.random() < 0.3)))

    def malformed(self):
        """Six ordinary posts that will be written out broken."""
        rng = self.rng
        for (day, hh, mm), defect in zip(
                [(15, 10, 17), (15, 19, 3), (16, 7, 41), (16, 16, 52),
                 (17, 8, 26), (17, 17, 35)],
                ["truncated", "missing_text", "bad_timestamp", "not_object",
                 "wrong_type_id", "wrong_type_tags"]):
            net = self.network()
            t = local(day, hh, mm, rng.randrange(60))
            d = make_chatter(rng, t, "en", self.people[net].pick(rng), net)
            while d.reply:          # a full post, not a one-line reply
                d = make_chatter(rng, t, "en", d.author, net)
            d.tags = ["rivertown"]
            d.defect = defect
            self.add(d)

    # -- ids, URLs and output ---------------------------------------------
    def finish(self):
        """Sort by time and assign ids and URLs per source."""
        # Only Skyline writes milliseconds; round the others down to whole
        # seconds first so that the written timestamps are in order.
        for d in self.posts:
            if d.source != SKYLINE:
                d.when = d.when.replace(microsecond=0)
        self.posts.sort(key=lambda d: d.when)   # stable: ties keep order
        counters = {COURIER: 0, RADIO: 48200, SOCIAL: 0, SKYLINE: 0}
        by_slug = {}
        for d in self.posts:
            counters[d.source] += 1
            n = counters[d.source]
            if d.source == COURIER:
                d.id = "%s-%03d" % (d.when.astimezone(LOCAL)
                                    .strftime("%Y%m%d"), n)
                d.url = "https://courier.rivertown.example/%s/%s" % (
                    d.when.astimezone(LOCAL).strftime("%Y/%m/%d"), d.slug)
                by_slug[d.slug] = d.url
            elif d.source == RADIO:
                d.id = "wvr-%d" % n
                d.url = "https://radio.wendvalley.example.net/news/%s" % d.id
                by_slug[d.slug] = d.url
            elif d.source == SOCIAL:
                # Mastodon-style snowflake: milliseconds << 16 | sequence.
                ms = int(d.when.timestamp() * 1000)
                d.id = str((ms << 16) | (n & 0xFFFF))
                d.url = "https://social.rivertown.example/@%s/%s" % (
                    d.author, d.id)
            else:
                # Bluesky-style TID: microseconds << 10 | clock id, in
                # sortable base32.
                us = int(d.when.timestamp() * 1_000_000)
                v = (us << 10) | (n & 0x3FF)
                d.id = "".join(BASE32_SORT[(v >> (5 * i)) & 31]
                               for i in range(12, -1, -1))
                d.url = "https://skyline.example.org/profile/%s/post/%s" % (
                    d.author, d.id)
        # Shares link to the item they share; news is always earlier.
        for d in self.posts:
            if d.slug and d.slug.startswith("->"):
                d.text = d.text + " " + by_slug[d.slug[2:]]

    @staticmethod
    def created(d):
        """RFC 3339 time, styled per source."""
        if d.source == COURIER:          # the CMS writes local time
            return d.when.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M:%S+02:00")
        if d.source == SKYLINE:          # milliseconds, like Bluesky
            return d.when.strftime("%Y-%m-%dT%H:%M:%S.") + \
                "%03dZ" % (d.when.microsecond // 1000)
        return d.when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def record(self, d):
        """The JSON object for a draft, keys in a fixed order."""
        obj = {"source": d.source, "id": d.id, "created": self.created(d),
               "lang": d.lang}
        if d.author:
            obj["author"] = d.author
        obj["url"] = d.url
        if d.title:
            obj["title"] = d.title
        obj["text"] = d.text
        if d.tags:
            obj["tags"] = d.tags
        if d.reply:
            obj["reply"] = True
        if d.boost:
            obj["boost"] = True
        return obj

    def line(self, d):
        """One output line; broken on purpose when the draft has a defect."""
        obj = self.record(d)
        dump = lambda o: json.dumps(o, ensure_ascii=False,
                                    separators=(",", ":"))
        if d.defect == "truncated":           # cut off mid-write
            s = dump(obj)
            return s[:len(s) * 3 // 5]
        if d.defect == "missing_text":        # required key absent
            del obj["text"]
        elif d.defect == "bad_timestamp":     # hour 25, minute 61
            obj["created"] = obj["created"][:11] + "25:61:00Z"
        elif d.defect == "not_object":        # valid JSON, not an object
            return dump([obj["source"], obj["id"], obj["text"]])
        elif d.defect == "wrong_type_id":     # id must be a string
            obj["id"] = int(obj["id"]) if obj["id"].isdigit() else 4711
        elif d.defect == "wrong_type_tags":   # tags must be an array
            obj["tags"] = "rivertown"
        return dump(obj)

    def build(self):
        self.chatter()
        self.event_talk()
        self.polarising()
        self.threats()
        self.counter()
        self.rumour()
        self.news()
        self.malformed()
        self.finish()
        return self.posts


HEADER = ("# rivertown.ndjson: SYNTHETIC demo stream for hearsay. Rivertown, "
          "its outlets, networks, organisations, accounts and posts are all "
          "invented. Generated by demo/gen_demo.py; do not edit by hand.")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output",
                    default=os.path.join(here, "rivertown.ndjson"))
    args = ap.parse_args(argv)

    b = Builder()
    posts = b.build()
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n")
        for d in posts:
            f.write(b.line(d) + "\n")

    bad = sum(1 for d in posts if d.defect)
    print("wrote %s: %d lines, %d posts, %d malformed"
          % (args.output, len(posts) + 1, len(posts) - bad, bad),
          file=sys.stderr)


if __name__ == "__main__":
    main()
