"""A synthetic cable corpus for benchmarks: ``cablesite synth --count N --out DIR``.

Cables in the real formats (raw telegrams as text files, cables.csv rows, WikiLeaks
pages), with realistic lengths (a few paragraphs to a few dozen, 6-7 KB on
average like the Cablegate release) and Zipf-distributed words, tags, people and
origins; dates grow towards 2010 as in the release; about half the cables cite
earlier ones, so "cited by" has work to do.  The same count and seed give the
same files, byte for byte.
"""
from __future__ import annotations

import bisect
import html
import io
import itertools
import random
from dataclasses import dataclass
from importlib import resources

from .registry import posts, tags

MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
TITLES = ["Foreign Minister", "Prime Minister", "Deputy Foreign Minister", "Ambassador",
          "President", "Defense Minister", "Political Director", "Minister of Interior",
          "Senator", "Governor", "MFA Director", "Presidential Advisor", "Opposition leader"]
VERBS = ["told", "said to", "assured", "warned", "explained to", "briefed", "asked", "reminded"]
HEADINGS = ["Background", "Comment", "Summary", "Elections", "Energy", "Security cooperation",
            "Human rights", "Economy", "Regional issues", "Counterterrorism", "Trade", "Iran",
            "Nonproliferation", "Next steps", "Bilateral relations", "Domestic politics"]
SYLLABLES = ["ka", "lo", "ra", "vi", "ne", "to", "mar", "sen", "dor", "li", "za", "bek", "ov",
             "ian", "ez", "ski", "ro", "ha", "mi", "di", "nu", "sa", "ter", "bur", "chen", "go"]


class Zipf:
    """Draws items with probability proportional to 1/rank**s."""

    def __init__(self, items: list, s: float = 1.05):
        self.items = items
        acc, total = [], 0.0
        for k in range(1, len(items) + 1):
            total += 1.0 / k ** s
            acc.append(total)
        self.acc = acc
        self.total = total

    def draw(self, rng: random.Random):
        return self.items[bisect.bisect_left(self.acc, rng.random() * self.total)]


@dataclass(frozen=True)
class Post:
    ri: str
    form: str
    token: str
    country: str | None


def _words() -> list[str]:
    text = resources.files("generator.people").joinpath("data", "common_words.txt").read_text()
    return [w for w in text.splitlines() if w and not w.startswith("#") and w.isalpha() and len(w) > 1]


def _given() -> list[str]:
    text = resources.files("generator.people").joinpath("data", "given_names.txt").read_text()
    return [w for w in text.splitlines() if w and not w.startswith("#")]


def _posts() -> list[Post]:
    from .registry import id_token
    out = []
    table = posts()
    geo = {info.name.lower(): code for code, info in tags().items() if info.kind == "geographic"}
    for form, name in sorted(table.by_form.items()):
        if not (form.startswith("AMEMBASSY ") or form.startswith("AMCONSUL ")):
            continue
        ri = next((r for r, n in table.by_indicator.items() if n == name), None)
        if not ri:
            continue
        city = form.split(" ", 1)[1].title()
        out.append(Post(ri, form, id_token(name), geo.get(city.lower())))
    return out


class Generator:
    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        rng = self.rng
        self.words = Zipf(_words(), 1.0)
        all_posts = _posts()
        rng.shuffle(all_posts)
        self.posts = Zipf(all_posts, 0.9)
        subject_tags = sorted(c for c, i in tags().items() if i.kind == "subject")
        rng.shuffle(subject_tags)
        for t in ("ETRD", "KDEM", "PTER", "MARR", "PHUM", "ECON", "PGOV", "PREL"):
            if t in subject_tags:
                subject_tags.remove(t)
            subject_tags.insert(0, t)
        self.tags = Zipf(subject_tags, 1.1)
        given = _given()
        people = []
        for _ in range(20000):
            surname = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            people.append((rng.choice(given), surname, rng.choice(TITLES)))
        self.people = Zipf(people, 1.0)
        self.ids: list[str] = []

    def sentence(self, people: list) -> str:
        rng = self.rng
        n = rng.randint(8, 24)
        words = [self.words.draw(rng) for _ in range(n)]
        if people and rng.random() < 0.45:
            given, surname, title = rng.choice(people)
            who = f"{title} {given} {surname}" if rng.random() < 0.4 else surname
            words[0:1] = [who, rng.choice(VERBS), "Poloff", "that", words[0]]
        s = " ".join(words)
        return s[0].upper() + s[1:] + "."

    def cable(self, n: int) -> dict:
        rng = self.rng
        year = min(2010, int(1966 + 45 * rng.random() ** 0.15))   # median 2006, two thirds after 2003
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        hh, mm = rng.randint(0, 23), rng.randint(0, 59)
        post = self.posts.draw(rng)
        serial = 1000 + n
        cid = f"{year % 100:02d}{post.token}{serial}"
        cls = rng.choices(["CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "LIMITED OFFICIAL USE"],
                          [48, 16, 33, 3])[0]
        cable_tags = list(dict.fromkeys([self.tags.draw(rng) for _ in range(rng.randint(2, 5))]))
        if post.country:
            cable_tags.append(post.country)
        people = list(dict.fromkeys(self.people.draw(rng) for _ in range(rng.randint(1, 6))))
        subject = " ".join(self.words.draw(rng) for _ in range(rng.randint(4, 9))).upper()
        if people and rng.random() < 0.5:
            subject = f"{people[0][1].upper()} ON {subject}"
        refs = []
        if self.ids and rng.random() < 0.5:
            refs = rng.sample(self.ids[-5000:], min(len(self.ids[-5000:]), rng.randint(1, 3)))
        paras = max(2, min(40, int(rng.lognormvariate(1.8, 0.6))))
        body = []
        heading_every = rng.randint(3, 6)
        marks = {"CONFIDENTIAL": "C", "SECRET": "S", "UNCLASSIFIED": "U", "LIMITED OFFICIAL USE": "SBU"}
        for k in range(1, paras + 1):
            if k > 1 and k % heading_every == 1:
                h = rng.choice(HEADINGS)
                body.append(f"{h.upper()}\n{'-' * len(h)}\n")
            text = " ".join(self.sentence(people) for _ in range(rng.randint(2, 9)))
            body.append(f"{k}. ({marks[cls]}) {text}\n")
        signer = post.form.split()[-1] if rng.random() < 0.1 else rng.choice(people)[1].upper()
        mon = MONTHS[month - 1]
        banner = {"CONFIDENTIAL": "C O N F I D E N T I A L", "SECRET": "S E C R E T",
                  "UNCLASSIFIED": "UNCLAS", "LIMITED OFFICIAL USE": "LIMITED OFFICIAL USE"}[cls]
        city = post.form.split(" ", 1)[1]
        ref_line = ""
        if refs:
            items = []
            for label, r in zip("ABC", refs):
                ry, rest = r[:2], r[2:]
                tok = rest.rstrip("0123456789")
                items.append(f"{label}. {ry} {tok} {int(rest[len(tok):])}")
            ref_line = "REF: " + " ".join(items) + "\n\n"
        given, surname, title = people[0]
        header = (f"VZCZCXRO{n % 10000:04d}\nPP RUEHC\nDE {post.ri} #{serial % 10000:04d}/01 "
                  f"{(month - 1) * 30 + day:03d}{hh:02d}{mm:02d}\nZNY CCCCC ZZH\n"
                  f"P {day:02d}{hh:02d}{mm:02d}Z {mon} {year % 100:02d}\nFM {post.form}\n"
                  f"TO RUEHC/SECSTATE WASHDC PRIORITY {rng.randint(1, 9999):04d}\n")
        text = (f"{banner} {city} {serial:06d}\n\nSIPDIS\n\nE.O. 12958: DECL: {month:02d}/{day:02d}/"
                f"{year + 10}\nTAGS: {' '.join(cable_tags)}\nSUBJECT: {subject}\n\n{ref_line}"
                f"Classified By: Political Counselor {given} {surname} for reasons 1.4 (b) and (d)."
                f"\n\n" + "\n".join(body) + f"\n{signer}\n")
        self.ids.append(cid)
        return {"id": cid, "date": f"{month}/{day}/{year} {hh:02d}:{mm:02d}",
                "iso": f"{year}-{month:02d}-{day:02d} {hh:02d}:{mm:02d}", "origin": post.form,
                "classification": cls, "refs": "|".join(refs), "header": header, "body": text,
                "year": year, "month": month, "subject": subject,
                "people": [f"{g} {s}" for g, s, _ in people], "tags": cable_tags}


def generate(count: int, seed: int = 1, csv_share: float = 0.2, html_share: float = 0.1,
             per_csv: int = 1000):
    """Yield (relative path, bytes) for a corpus of ``count`` cables."""
    g = Generator(seed)
    rows: list[dict] = []
    csv_n = itertools.count(1)
    for n in range(count):
        c = g.cable(n)
        pick = g.rng.random()
        folder = f"{c['year']}/{c['month']:02d}"
        if pick < csv_share:
            rows.append(c)
            if len(rows) == per_csv:
                yield _csv(rows, next(csv_n))
                rows = []
        elif pick < csv_share + html_share:
            yield f"html/{folder}/{c['id']}.html", _html(c)
        else:
            yield f"text/{folder}/{c['id']}.txt", (c["header"] + "\n" + c["body"]).encode()
    if rows:
        yield _csv(rows, next(csv_n))


def _csv(rows: list[dict], k: int) -> tuple[str, bytes]:
    out = io.StringIO()
    for n, c in enumerate(rows, 1):
        fields = [str(n), c["date"], c["id"], c["origin"].title().replace("Amembassy", "Embassy")
                  .replace("Amconsul", "Consulate"), c["classification"], c["refs"], c["header"],
                  c["body"]]
        out.write(",".join('"' + f.replace("\\", "\\\\").replace('"', '\\"') + '"' for f in fields)
                  + "\n")
    return f"csv/cables-{k:04d}.csv", out.getvalue().encode()


def _html(c: dict) -> bytes:
    def pre(t: str) -> str:
        return html.escape(t, quote=False).replace("\n", "&#x000A;")
    return (f"<html><head><title>Cable {c['id']}</title></head><body>"
            f"<h3>Viewing cable {c['id']}, {html.escape(c['subject'])}</h3>"
            f"<table class='cable'><tr><th>Reference ID</th></tr><tr><td><a>{c['id']}</a></td>"
            f"<td><a>{c['iso']}</a></td><td>2010-11-28</td><td><a>{c['classification']}</a></td>"
            f"<td><a>{html.escape(c['origin'].title().replace('Amembassy', 'Embassy'))}</a></td></tr>"
            f"</table><code><pre>{pre(c['header'])}</pre></code><code><pre>{pre(c['body'])}"
            f"</pre></code></body></html>\n").encode()

