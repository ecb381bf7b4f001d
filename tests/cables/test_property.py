"""For any input the parser never raises and loses no line (hypothesis)."""
from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.cables import parse_state
from generator.readers import read_records

from ..accounting import lost_lines

# Lines drawn from what cables really hold, plus arbitrary text.
PIECES = [
    "VZCZCXRO4022", "OO RUEHDBU RUEHFL", "DE RUEHFR #3198/01 2080913", "ZNY CCCCC ZZH",
    "O 270913Z JUL 07", "FM AMEMBASSY PARIS", "TO RUEHC/SECSTATE WASHDC IMMEDIATE 9174",
    "INFO RUEHZL/EUROPEAN POLITICAL COLLECTIVE PRIORITY", "C O N F I D E N T I A L SECTION 01 OF 02 PARIS 003198",
    "UNCLAS", "SECRET", "SIPDIS", "NOFORN", "E.O. 12958: DECL: 07/25/2017", "TAGS: PREL PGOV",
    "TAGS PREL, [FR](#)", "SUBJECT: DAS KRAMER'S JULY 20 MTG", "SUBJ:", "REF: A. STATE 123 B. PARIS 45",
    "¶B. LA PAZ 00600", "Classified By: Ambassador X Y for reasons 1.4 (b) and (d)", "FOR REAS", "ONS 1.4 B/D",
    "1. (C) Summary: text.", "11. (C) text", "[12.](#) (S/NF) text", "¶ 4. (U) text", "KOSOVO", "-----",
    "#### RUSSIA", "PARIS 00003198 002 OF 002", "PAGE 02 ZAGREB 01155 01 OF 02 221808Z", "STAPLETON",
    "Please visit Paris' Classified Website at:", "http://x.example/y", "This record is a partial extract of "
    "the original cable.", "C O R R E C T E D C O P Y", "Identifier", "Created", "Classification", "Origin",
    "07MOSCOW4634", "2007-09-20 09:29:00", "Cable title:", "Tags: PREL", "<script>alert(1)</script>",
    "NNNN", "BT", "Burns", "Damien Loras met FM Lavrov.", "DEPT FOR EUR/WE", "   ", "",
]
line = st.one_of(st.sampled_from(PIECES), st.text(max_size=80).map(lambda s: s.replace("\n", " ")))
cable_text = st.lists(line, max_size=40).map("\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cable_text)
@example("VZCZCXRO4022\n#\nVZCZCXRO4022\n-----")   # a lone "#" over an underlined line
def test_parser_total_and_lossless(text):
    for raw in read_records("h.txt", text.encode("utf-8")):
        if not raw.text.strip():
            continue
        cable, state = parse_state(raw)       # never raises
        assert not [w for w in cable.warnings if w.kind == "internal"], cable.warnings
        assert lost_lines(cable, state) == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_never_raise(data):
    for raw in read_records("b.bin", data):
        if raw.text.strip():
            parse_state(raw)
