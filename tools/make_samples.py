#!/usr/bin/env python3
"""Builds samples/: a small corpus made for neardup's tests, and samples/truth.json.

Every page is assembled line by line, so the truth (which documents are copies of which, and
which lines are template or repeated) comes from the construction, not from neardup.
Run from the repository root: python3 tools/make_samples.py
"""
import gzip, json, os, shutil, textwrap, sys

sys.path.insert(0, os.path.dirname(__file__))
from sample_texts import *  # noqa: E402,F401

OUT = "samples"
truth = {"duplicate_clusters": [], "template_lines": {}, "repeated_lines": {},
         "reused_blocks": [], "not_duplicates": [], "skipped": {}}


class Page:
    def __init__(self):
        self.lines = []  # (text, kind) kind in {None, "template", "repeated"}

    def add(self, text, kind=None):
        for line in text.split("\n"):
            self.lines.append((line, kind if line.strip() else None))

    def blank(self):
        self.lines.append(("", None))

    def para(self, text, kind=None, wrap=None):
        if self.lines and self.lines[-1][0] != "":
            self.blank()
        if wrap:
            text = "\n".join(textwrap.wrap(text, wrap))
        self.add(text, kind)

    def write(self, doc_id):
        path = os.path.join(OUT, doc_id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(t for t, _ in self.lines) + "\n")
        for kind, key in (("template", "template_lines"), ("repeated", "repeated_lines")):
            nums = [i + 1 for i, (t, k) in enumerate(self.lines) if k == kind]
            if nums:
                truth[key][doc_id] = nums


# --- dailyherald: nav header, related-stories list, footer --------------------------------
HERALD_STORIES = {"harbour-bridge": HARBOUR, "flood-old-town": FLOOD,
                  "jazz-festival": FESTIVAL, "library-hours": LIBRARY}


def herald(slug, story, byline, extra=None):
    p = Page()
    p.add("DAILY HERALD", "template")
    p.add("Home | News | Sport | Business | Culture | Weather", "template")
    p.para(story["title"])
    p.para(byline)
    for i, para in enumerate(story["paras"]):
        if extra and i in extra:
            for text, kind in extra[i]:
                p.para(text, kind)
        p.para(para)
    p.para("Share this article", "template")
    p.para("Related stories", "template")
    for other, s in HERALD_STORIES.items():
        if other != slug:
            p.add(s["title"], "template")
    p.para("© 2024 Daily Herald Media. All rights reserved.", "template")
    p.add("| About Us | Privacy Policy | Terms of Use | Contact |", "template")
    p.write(f"dailyherald/{slug}.txt")


herald("harbour-bridge", HARBOUR, "By Anna Berg, Herald Wire Service")
# the caption twice: once as alt text, once as figure caption with credit
herald("flood-old-town", FLOOD, "By Jonas Eklund",
       extra={0: [(CAPTION, None), (CAPTION_CREDIT, "repeated")]})
herald("jazz-festival", FESTIVAL, "By Sara Holm")
herald("library-hours", LIBRARY, "By Sara Holm and Jonas Eklund")

# --- metrowire: a trimmed syndicated copy, one story on three pages, a reused caption -------
ENERGY = {"title": "Energy bills to rise again in autumn, suppliers warn", "paras": [
    "Household energy bills will rise again in the autumn, the three largest suppliers said on Tuesday, blaming higher wholesale prices and the cost of upgrading the grid.",
    "Tenant and consumer groups reacted angrily to the announcement.",
    WIRE_QUOTE,
    "The energy regulator said it would review the suppliers' figures before the new prices take effect in October.",
]}


def metro(slug, title, paras, kind_note=None):
    p = Page()
    p.add("METRO WIRE - news from the city and the region", "template")
    if kind_note:
        p.para(kind_note)
    p.para(title)
    for para in paras:
        p.para(para)
    p.para("Follow us on social media for live updates from the city.", "template")
    p.add("Metro Wire is an independent news site. Copyright 2024. Reproduction without permission is prohibited.", "template")
    p.write(f"metrowire/{slug}.txt")


metro("bridge-vote", "Harbour bridge gets the green light",
      ["Metro Wire staff with agencies"] + HARBOUR["paras"][:5])
metro("night-trams", TRAM["title"], TRAM["paras"])
metro("night-trams-print", TRAM["title"], TRAM["paras"], kind_note="Print version")
metro("night-trams-update", TRAM["title"], TRAM["paras"] + [
    "Update: the company later said that the first week of the new timetable would be free for holders of a monthly pass."])
metro("farmers-market", MARKET["title"], MARKET["paras"])
metro("energy-prices", ENERGY["title"], ENERGY["paras"])

# --- coastnews: hard-wrapped text, year that changes in the footer, AFP copy with typos -----
RENT = {"title": "Tenants march against rent increases", "paras": [
    "Several thousand tenants marched through the centre on Saturday to protest against rent increases of up to fifteen percent announced by the largest housing companies, police said.",
    WIRE_QUOTE,
    "The housing companies say the increases are needed to pay for renovations of buildings from the nineteen sixties, many of which still have their original pipes and windows, a spokeswoman for the companies",
]}


def coast(slug, title, paras, year, closing):
    p = Page()
    p.add("COAST NEWS ONLINE", "template")
    p.add("Local news for the coast since 1998", "template")
    p.para(title)
    for para in paras:
        p.para(para, wrap=68)
    # a wrapped paragraph whose last line is a short fragment, as on every page of the site
    p.para(closing, wrap=68)
    p.add("said.")
    p.para(f"Powered by : © {year} Coastline Media :: Web hosting by Systron. All rights reserved", "template")
    p.blank()
    p.add("| About Us | Privacy Policy | Terms of Use | Disclaimer | Contact Us |", "template")
    p.write(f"coastnews/{slug}.txt")


def typos(text):
    for a, b in (("council", "counsil"), ("approved", "aproved"), ("residents", "residnets"),
                 ("construction", "constuction")):
        text = text.replace(a, b, 1)
    return text


coast("harbour-bridge-afp", "New harbour bridge approved (AFP)",
      [typos(p) for p in HARBOUR["paras"]] + ["(AFP)"], 2023,
      "Coast News will follow the tender and the court case and report on both as soon as there is news, our harbour correspondent")
coast("schools-hiring", SCHOOL["title"], SCHOOL["paras"], 2024,
      "Applications for the new posts open at the end of the month and the first teachers should start in August, the education office")
coast("rent-march", RENT["title"], RENT["paras"][:2] + [RENT["paras"][2] + " said."], 2024,
      "Organisers of the march plan a second demonstration outside the housing companies' offices next month, one of the tenant leaders")

# --- techbeat: short articles under a template longer than any of them ----------------------
for i, (title, body) in enumerate(SHORTS):
    p = Page()
    p.add("TechBeat | Startups | Gadgets | Science | Jobs | Events | Newsletter", "template")
    p.add("Sign in or create a free account to save articles and follow topics", "template")
    p.para("We use cookies to improve your experience and to show you relevant advertising. By continuing to browse the site you agree to our use of cookies.", "template")
    p.para(title)
    p.para(body)
    p.para("Get the TechBeat morning briefing: the day's most important technology news in five minutes, delivered to your inbox every weekday.", "template")
    p.para("TechBeat is published by Northern Digital Media. All content is copyright of its respective owners and may not be republished without written permission.", "template")
    p.write(f"techbeat/brief-{i + 1}.txt")

# --- feeds: JSONL (with a malformed line) and gzip-compressed JSONL -------------------------
os.makedirs(f"{OUT}/feeds", exist_ok=True)
story = lambda s: s["title"] + "\n\n" + "\n\n".join(s["paras"])
records = [
    {"id": "wire-harbour", "text": story(HARBOUR), "source": "wire"},
    {"id": "wire-school", "text": story(SCHOOL), "source": "wire"},
    {"id": "wire-market", "text": story(MARKET).replace(CAPTION + "\n\n", ""), "source": "wire"},
    {"id": "wire-festival-lineup", "text": story(FESTIVAL_LINEUP), "source": "wire"},
]
with open(f"{OUT}/feeds/wire.jsonl", "w", encoding="utf-8") as f:
    for r in records[:2]:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
    f.write('{"id": "wire-broken", "text": "this line is cut off\n')
    for r in records[2:]:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
    f.write('{"id": "wire-notext", "body": "the text is under another field"}\n')
archive = [
    {"id": "archive-school", "text": story(SCHOOL), "source": "archive"},  # exact copy of wire-school
    {"id": "archive-library", "text": story(LIBRARY), "source": "archive"},
]
with gzip.open(f"{OUT}/feeds/archive.jsonl.gz", "wt", encoding="utf-8") as f:
    for r in archive:
        f.write(json.dumps(r) + "\n")

# --- bad files -----------------------------------------------------------------------------
os.makedirs(f"{OUT}/bad", exist_ok=True)
open(f"{OUT}/bad/binary.txt", "wb").write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
open(f"{OUT}/bad/empty.txt", "w").write("\n  \n")
open(f"{OUT}/bad/latin1.txt", "wb").write("Caf\xe9 owners in the old town say the flood cost them a week of trade.\n".encode("latin-1"))
open(f"{OUT}/bad/photo.png", "wb").write(b"\x89PNG\r\n\x1a\n")
good = gzip.compress(b"a compressed page that was cut off in transfer " * 20)
open(f"{OUT}/bad/truncated.txt.gz", "wb").write(good[: len(good) // 2])

truth["duplicate_clusters"] = [
    ["coastnews/harbour-bridge-afp.txt", "dailyherald/harbour-bridge.txt", "metrowire/bridge-vote.txt", "wire-harbour"],
    ["metrowire/night-trams-print.txt", "metrowire/night-trams-update.txt", "metrowire/night-trams.txt"],
    ["archive-school", "coastnews/schools-hiring.txt", "wire-school"],
    ["metrowire/farmers-market.txt", "wire-market"],
    ["archive-library", "dailyherald/library-hours.txt"],
]
truth["not_duplicates"] = [
    ["metrowire/energy-prices.txt", "coastnews/rent-march.txt"],
    ["techbeat/brief-1.txt", "techbeat/brief-2.txt"],
    ["dailyherald/jazz-festival.txt", "wire-festival-lineup"],
]
truth["reused_blocks"] = [{"text": CAPTION, "documents": ["dailyherald/flood-old-town.txt", "metrowire/farmers-market.txt"]}]
truth["skipped"] = {
    "bad/binary.txt": "binary file", "bad/empty.txt": "empty document",
    "bad/photo.png": "unsupported file type", "bad/truncated.txt.gz": "broken gzip stream",
    "feeds/wire.jsonl:3": "malformed JSON", "feeds/wire.jsonl:6": "no 'text' field",
}
truth["lossy_utf8"] = ["bad/latin1.txt"]
with open(f"{OUT}/truth.json", "w") as f:
    json.dump(truth, f, indent=1, sort_keys=True)
    f.write("\n")
