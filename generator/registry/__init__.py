"""Reference tables shipped with cablesite (see data/SOURCES.md for their sources).

posts.csv: routing indicator and address form -> clean post name;
tags.csv: TAGS code -> kind and name; markings.csv: classification markings.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _rows(name: str) -> list[dict]:
    with resources.files(__package__).joinpath("data", name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True, slots=True)
class TagInfo:
    code: str
    kind: str      # subject, program, organization, geographic
    name: str


@lru_cache(maxsize=1)
def tags() -> dict[str, TagInfo]:
    return {r["code"]: TagInfo(r["code"], r["kind"], r["name"]) for r in _rows("tags.csv")}


@dataclass(frozen=True)
class Posts:
    by_indicator: dict[str, str]
    by_form: dict[str, str]
    by_token: dict[str, str]


_PREFIXES = (("AMEMBASSY ", "Embassy "), ("AMCONSUL ", "Consulate "), ("USMISSION ", "Mission "),
             ("AMCONGEN ", "Consulate "), ("USOFFICE ", "Office "), ("AMEMB ", "Embassy "))
_TOKEN_STRIP = re.compile(r"^(Embassy|Consulate|Mission|US Mission|Office|US Office|US Interests "
                          r"Section|American Institute|REO|USLO|Consulate General) ", re.I)


def id_token(name: str) -> str:
    """The origin token of a post name as cable IDs spell it: Embassy La Paz -> LAPAZ."""
    if name == "Secretary of State":
        return "STATE"
    return re.sub(r"[^A-Z0-9]", "", _TOKEN_STRIP.sub("", name).upper())


@lru_cache(maxsize=1)
def posts() -> Posts:
    by_ri, by_form, by_token = {}, {}, {}
    for r in _rows("posts.csv"):
        name = r["name"].strip()
        if not name:
            continue
        if r["routing_indicator"]:
            by_ri.setdefault(r["routing_indicator"], name)
        if r["form"]:
            by_form.setdefault(" ".join(r["form"].split()), name)
        if r["kind"] in ("embassy", "consulate", "mission", "department of state", "other post",
                         "interests section"):
            by_token.setdefault(id_token(name), name)
    return Posts(by_ri, by_form, by_token)


def post_name(form: str) -> str | None:
    """Clean post name for an address form such as ``AMEMBASSY PARIS``."""
    form = " ".join(form.upper().split())
    known = posts().by_form.get(form)
    if known:
        return known
    if form in ("SECSTATE WASHDC", "SECSTATE WASHINGTON DC", "SECSTATE"):
        return "Secretary of State"
    for prefix, label in _PREFIXES:
        if form.startswith(prefix):
            return label + _title(form[len(prefix):])
    return None


def post_for_token(token: str) -> str | None:
    return posts().by_token.get(token)


def post_for_indicator(ri: str) -> str | None:
    return posts().by_indicator.get(ri)


_SMALL = {"of", "the", "and", "de", "da", "la", "du", "es"}


def _title(s: str) -> str:
    words = s.lower().split()
    return " ".join(w if (i and w in _SMALL) else (w[:1].upper() + w[1:]) for i, w in enumerate(words))
