"""Word lists for telling people from places, organisations and headings.

- given names: ``data/given_names.txt`` (see tools/make_given_names.py);
- person titles that stand before a name (``FM``, ``DAS``, ``Ambassador``);
- words that are never part of a person's name: places from the shipped
  posts and TAGS tables, demonyms, organisation and document words, months;
- common English words (for ALL-CAPS text, where case says nothing).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

from ..registry import posts, tags

PERSON_TITLES = frozenset("""
fm dfm pm dpm das u/s a/s us/ dcm cda amb amb. ambassador ambassadors president presidents vice-president
vp minister ministers secretary secretaries under-secretary undersecretary assistant deputy senator sen.
congressman congresswoman representative rep. governor gov. general gen. lt. ltc lieutenant col. colonel
maj. admiral adm. captain capt. sgt. sergeant commander cmdr. director directors
advisor adviser advisors advisers counselor counsellor counselors spokesman spokeswoman spokesperson
editor chairman chairwoman chair speaker mayor judge justice king queen prince princess crown sheikh
shaykh emir amir sultan ayatollah imam cleric patriarch archbishop bishop cardinal pope rabbi
envoy coordinator poloff poloffs econoff econoffs polcouns econcouns pol econ mr. mr mrs. mrs ms.
ms dr. dr prof. professor mp mps poldir chancellor premier charge chargé d'affaires secgen sg unsyg sygs
dg consul consul-general staff staffer delegate commissioner attache attaché ambassador-designate
ambassador-at-large pol/econ econ/pol mfa-director deputies pres. ex-president ex-minister
governor-general vice-minister vice-premier co-chair co-chairman chairperson datin datuk tun
empress emperor shahbanou crown-prince princess
""".split())

NOT_NAME_WORDS = """
Embassy Embassies Ministry Ministries Government Governments Council Party Parties Union Assembly
Parliament Congress Senate Court Courts Bank Army Forces Force Police Office Offices Department
Committee Commission Agency Group Organization Organisation Program Programme Summit Conference
Treaty Agreement Republic Kingdom Federation State States United Nations National International
Atlantic Pacific North South East West Northern Southern Eastern Western Central Middle Gulf Sea Ocean
River Islands Island Province Region City Street University Institute Foundation Center Centre
Company Corporation Inc Ltd News Times Post Press Radio TV Television Airlines Airport Station
Church Mosque Hospital School Academy Club Front Movement Alliance Coalition Bloc Initiative
Operation Mission Plan Process Strategy Policy Act Law Code Constitution Declaration Resolution Day
Week Month Year Olympics Games Cup Festival Islam Islamic Muslim Muslims Christian Christians Catholic
Orthodox Sunni Shia Shiite Jewish Kurdish Kurds Arab Arabs Arabic Persian God Allah Prophet Summary
Comment Note End Begin Action Request Background Septel Reftel Reftels Participants Council Quint
Troika Presidency Prime Palace House Hall Square Avenue Road Bridge Tower Base Camp Port Valley
Mountains Desert Coast Peninsula Basin Lake Bay Strait Canal Zone Area Territory Territories Capital
District County Municipality Village Town Democratic Republican Socialist Communist Liberal Labour
Labor Conservative Green Greens Justice Development Freedom Liberty Unity Progress Popular People
Peoples Revolutionary Council Directorate Authority Administration Cabinet Secretariat Agency Bureau
Service Services Intelligence Security Defense Defence Interior Foreign Affairs Finance Economy
Economic Trade Commerce Energy Oil Gas Petroleum Industry Agriculture Health Education Culture
Environment Transport Justice Human Rights Nuclear Missile Treaty Convention Protocol Charter
European Euro-Atlantic American Americans British Britain French German Germans Chinese Iranian
Iranians Iraqi Iraqis Israeli Israelis Palestinian Palestinians Lebanese Syrian Syrians Turkish Turks
Greek Greeks Serb Serbs Serbian Kosovar Kosovars Albanian Albanians Georgian Georgians Ukrainian
Ukrainians Polish Poles Czech Czechs Italian Italians Spanish Japanese Korean Koreans Indian Indians
Pakistani Pakistanis Afghan Afghans Mexican Mexicans Brazilian Brazilians Venezuelan Bolivian
Bolivians Cuban Cubans African Africans Asian Asians Europeans Western Soviet Soviets Russian
Russians Egyptian Egyptians Saudi Saudis Emirati Qatari Kuwaiti Bahraini Omani Yemeni Jordanian
Jordanians Moroccan Algerian Tunisian Libyan Sudanese Somali Ethiopian Kenyan Nigerian Chadian
Swiss Swedish Swedes Norwegian Danish Dutch Belgian Austrian Hungarian Romanian Bulgarian Croatian
Croats Bosnian Bosniak Bosniaks Slovenian Slovak Macedonian Montenegrin Moldovan Belarusian
Armenian Armenians Azerbaijani Azeri Kazakh Uzbek Turkmen Tajik Kyrgyz Mongolian Vietnamese Thai
Burmese Indonesian Malaysian Filipino Australian Canadian Canadians Colombian Colombians Peruvian
Chilean Argentine Argentinian Ecuadorian Uruguayan Paraguayan Haitian Jamaican Panamanian Nicaraguan
Honduran Guatemalan Salvadoran Costa Rican Dominican Estonian Latvian Lithuanian Finnish Finns Irish
Scottish Icelandic Icelanders Portuguese Maltese Cypriot Cypriots Taiwanese Tibetan Uighur Pashtun
Baluch Hazara Tajiks Uzbeks Shiites Sunnis Hizballah Hezbollah Hamas Fatah Taliban Qaeda Al-Qaeda
Baath Likud Kadima Labor Kremlin Elysee Quai Orsay Downing Whitehall Pentagon Capitol Knesset Duma
Rada Sejm Majlis Bundestag Embassy's Mission's Department's USG GOF GOR GOI GOT EU UN NATO OSCE
January February March April May June July August September October November December Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Christmas Easter Ramadan Eid New Year Internet Google
Twitter Facebook Website Web Email Mr Mrs Ms The This That These Those There Their They He She It We
His Her Its Our Your And But Or If In On At By For From With Without Of To As An A Is Was Were Be Been
Also However According Although Despite During After Before While Since When Where Which Who Whom
What Why How Both Each Every All Any Some Many Most Other Another Such No Not Only Even Still Yet
Per Via Regarding Following Including Given Former Current Acting New Old Senior Junior Deputy
General Special Chief Head First Second Third Next Last Local Federal Regional Provincial Municipal
Presidential Parliamentary Ministerial Diplomatic Political Military Civil Public Private Social
Ambassador President Minister Secretary Director Advisor Adviser Counselor Spokesman
Post Posts Embassy Consulate Consulates Contact Contacts Sources Source Official Officials Staff
Team Delegation Delegations Commission Council Committee Working Group Task Force Board Panel Fund
Agency Bank Reserve Treasury Exchange Market Markets Stock Index Dollar Euro Ruble Dinar Rio Christ Jesus Lord Saint Santa San Amembassy Amconsul Usmission
Secstate Association Classified Report Website Tomb Americas Caspian NGO NGOs MFA MOD MOI MOJ
MOE GOI GOF GOR GOT GOJ GOK GOS GOG GOA GON GOP GOB GOC GOE GOL GOM GOU GOZ ROYG PRC DPRK UAE USUN
LES PolOff EmbOff Poloff Emboff Econoff
""".split()

_FOLD = str.maketrans("’‘`´", "''''")


def fold(s: str) -> str:
    s = s.translate(_FOLD)
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _data_lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Lower-case words that are never part of a personal name."""
    words = {w.lower() for w in NOT_NAME_WORDS}
    given = {n.lower() for n in _data_lines("given_names.txt")}
    places = [i.name for i in tags().values() if i.kind == "geographic"] + list(posts().by_form.values())
    for name in places:
        toks = re.findall(r"[A-Za-z][a-z]+", name)
        # "Saint Pierre and Miquelon" must not make Pierre a place: a word of a
        # many-word place name that is also a given name stays a possible name
        words.update(t.lower() for t in toks if len(toks) == 1 or t.lower() not in given)
    return frozenset(words)


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    bad = not_names()
    return frozenset(n for n in _data_lines("given_names.txt") if n.lower() not in bad)


LOWER_TITLES = frozenset("""leader minister president ambassador journalist analyst spokesman spokeswoman
deputy advisor adviser official officer director chairman chairwoman counselor counsellor secretary
governor senator mayor general colonel commander envoy editor professor activist businessman lawyer
judge prosecutor candidate chief head colleague counterpart interlocutor contact dissident opponent
blogger economist expert scholar writer novelist poet singer artist cleric imam bishop rabbi priest
sheikh mullah king prince queen emir premier chancellor founder owner executive""".split())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    return frozenset(w.lower() for w in _data_lines("common_words.txt"))


@lru_cache(maxsize=1)
def _common_order() -> tuple[tuple[str, ...], dict[str, int]]:
    order = tuple(sorted(common_words()))
    return order, {w: i for i, w in enumerate(order)}


def mask_bytes() -> int:
    """The size in bytes of a :func:`common_mask` written out whole (``int.to_bytes``)."""
    return (len(_common_order()[0]) + 7) // 8


def common_mask(words) -> int:
    """A set of common words (see :func:`common_words`; others are left out) as an int
    whose bit ``i`` stands for the ``i``-th of them A-Z.  What a parsed file keeps of the
    words it writes in lower case: one object to pickle and load instead of hundreds of
    strings (at 50,000 cables, loading them as sets took 7 s of every rebuild), and a
    collection's union is an ``|`` of ints."""
    order, bit = _common_order()
    bits = bytearray((len(order) + 7) // 8)
    for w in words:
        i = bit.get(w)
        if i is not None:
            bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def common_in_mask(mask: int) -> frozenset[str]:
    """The words of a :func:`common_mask`."""
    order, _ = _common_order()
    bits = mask.to_bytes((len(order) + 7) // 8, "little")
    return frozenset(order[i] for i in range(len(order)) if bits[i >> 3] >> (i & 7) & 1)


FUNCTION_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its just me more most my no nor not now of off on once
only or other our out over own same she should so some such than that the their them then there
these they this those through to too under until up very was we were what when where which while who
whom why will with would you your said says told noted added asked agreed stated explained stressed
urged also new met meets meeting meet visit visits visited called calls january february march april
may june july august september october november december monday tuesday wednesday thursday friday
saturday sunday mtg lunch dinner breakfast talks call discussion discussions views remarks comments
""".split())


def is_title(tok: str) -> bool:
    return tok.lower().rstrip(",") in PERSON_TITLES
