"""Table-driven cases for the parser's rules, one quirk per row."""
from __future__ import annotations

import pytest

from generator.cables.dates import decl_date, source_date
from generator.cables.ids import canonical_id
from generator.cables.rules.banner import parse_banner
from generator.cables.rules.classified_by import parse as parse_classified_by
from generator.cables.rules.identity import ref_ids
from generator.cables.rules.paragraphs import _repair_numbers
from generator.cables.rules.ref import split_items
from generator.cables.rules.tags import codes

from ..conftest import parse_text

HEAD = """VZCZCXRO4022
OO RUEHDBU RUEHFL
DE RUEHFR #3198/01 2080913
ZNY CCCCC ZZH
O 270913Z JUL 07
FM AMEMBASSY PARIS
TO RUEHC/SECSTATE WASHDC IMMEDIATE 9174
INFO RUEHZL/EUROPEAN POLITICAL COLLECTIVE PRIORITY
RUEHBW/AMEMBASSY BELGRADE PRIORITY 0830

"""


def one(text: str):
    cables = parse_text(text)
    assert len(cables) == 1
    return cables[0]


@pytest.mark.parametrize("line, expected", [
    ("C O N F I D E N T I A L SECTION 01 OF 02 PARIS 003198", ("CONFIDENTIAL", "SECTION 01 OF 02 PARIS 003198")),
    ("S E C R E T STATE 012345", ("SECRET", "STATE 012345")),
    ("UNCLAS SECTION 01 OF 03 MEXICO 001476", ("UNCLASSIFIED", "SECTION 01 OF 03 MEXICO 001476")),
    ("LIMITED OFFICIAL USE ATHENS 2959", ("LIMITED OFFICIAL USE", "ATHENS 2959")),
    ("SECRET//NOFORN", ("SECRET", "//NOFORN")),
    ("Secretary Rice met", None),
])
def test_banner(line, expected):
    got = parse_banner(line)
    assert (got and (got[0], got[1].strip())) == (expected and (expected[0], expected[1]))


def test_routing_header_fields():
    c = one(HEAD + "C O N F I D E N T I A L SECTION 01 OF 02 PARIS 003198\n\nSUBJECT: X\n\n1. (C) Text.\n")
    assert c.id == "07PARIS3198"
    assert c.date == "2007-07-27T09:13Z"
    assert c.precedence == "IMMEDIATE"
    assert c.origin == "Embassy Paris"
    assert c.to == ("Secretary of State",)
    assert c.info == ("European Political Collective", "Embassy Belgrade")
    assert c.sections == 2


@pytest.mark.parametrize("value, iso", [
    ("2006-03-31 13:01", "2006-03-31T13:01Z"),
    ("3/22/1994 17:53", "1994-03-22T17:53Z"),
    ("1974 May 17, 16:00 (Friday)", "1974-05-17T16:00Z"),
    ("Wednesday, 19 November 2008, 06:43", "2008-11-19T06:43Z"),
    ("2007-09-20", "2007-09-20"),
    ("sometime in spring", None),
])
def test_source_dates(value, iso):
    assert source_date(value) == iso


@pytest.mark.parametrize("text, iso", [("DECL: 07/25/2017", "2017-07-25"), ("DECL: 6/13/2017", "2017-06-13"),
                                       ("DECL:  OADR", None), ("DECL: 1.6X6", None)])
def test_declassify_on(text, iso):
    assert decl_date(text) == iso


@pytest.mark.parametrize("raw, cid, repaired", [
    ("07PARIS3198", "07PARIS3198", False), ("1974ATHENS02959_b", "74ATHENS2959", False),
    ("7575LIBREVILLE1895", "75LIBREVILLE1895", True), ("hello", None, False),
])
def test_canonical_id(raw, cid, repaired):
    assert canonical_id(raw) == (cid, repaired)


@pytest.mark.parametrize("text, expected", [
    ("PREL PGOV MARR", ["PREL", "PGOV", "MARR"]),
    ("PGOV, PHUM, SOCI, RS", ["PGOV", "PHUM", "SOCI", "RS"]),
    ("PREL, PHUM, BK, PHUM, BK, HR, War Crimes", ["PREL", "PHUM", "BK", "HR"]),
    ("OVIP (RICE, CONDOLEEZZA) PREL", ["OVIP", "PREL"]),
])
def test_tag_codes(text, expected):
    assert codes(text) == expected


def test_tags_without_colon_and_subject_wrapped():
    c = one(HEAD + "C O N F I D E N T I A L PARIS 003198\n\nTAGS PGOV, PHUM\nSUBJECT: RUSSIA-FRANCE "
                   "RELATIONS: AFTER KOUCHNER, BEFORE\nSARKOZY\n\nClassified By: Amb. X Y. Reasons "
                   "1.4 (b)\n\n1. (C) Text here.\n")
    assert c.tags == ("PGOV", "PHUM")
    assert c.subject == "RUSSIA-FRANCE RELATIONS: AFTER KOUCHNER, BEFORE SARKOZY"


def test_subject_indented_continuation_and_subj():
    c = one("UNCLASSIFIED ZAGREB 001155\n\nSUBJ:  WAR CRIMES TRIBUNAL -- INTERVIEWING\n"
            "          REFUGEES IN CROATIA\n\nREF: STATE 54617\n\n1.  TEXT.\n")
    assert c.subject == "WAR CRIMES TRIBUNAL -- INTERVIEWING REFUGEES IN CROATIA"


@pytest.mark.parametrize("text, name, title, reasons", [
    ("POLITICAL MINISTER-COUNSELOR JOSIAH ROSENBLATT FOR REASON 1.4 (B) AND (D)",
     "Josiah Rosenblatt", "Political Minister-Counselor", ("1.4(b)", "1.4(d)")),
    ("Ambassador William J. Burns. Reasons 1.4 (B/D).", "William J. Burns", "Ambassador",
     ("1.4(b)", "1.4(d)")),
    ("Ambassador Eric Edelman; reasons: E.O. 12958 1.4 (a,b,c,d).", "Eric Edelman", "Ambassador",
     ("1.4(a)", "1.4(b)", "1.4(c)", "1.4(d)")),
    ("DCM Eric Rubin. Reason: 1.4 (d).", "Eric Rubin", "DCM", ("1.4(d)",)),
    ("John Smith, Political Counselor, for reasons 1.5 (b)", "John Smith", "Political Counselor",
     ("1.5(b)",)),
    ("AMBASSADOR CRAIG R STAPLETON FOR REASONS 1.4 (B) AND (D)", "Craig R. Stapleton", "Ambassador",
     ("1.4(b)", "1.4(d)")),
])
def test_classified_by(text, name, title, reasons):
    cb = parse_classified_by(text)
    assert (cb.name, cb.title, cb.reasons) == (name, title, reasons)


def test_classified_by_wrapped_across_blank_line():
    c = one("C O N F I D E N T I A L PARIS 000579\n\nSUBJECT: X\n\nClassified By: POLITICAL MINISTER "
            "COUNSELOR JOSIAH ROSENBLATT, FOR REAS\n\nONS 1.4 B/D\n\n1. (C) Text.\n")
    assert c.classified_by.reasons == ("1.4(b)", "1.4(d)")
    assert "REASONS" in parse_classified_by("X, FOR REAS" + "ONS 1.4 B/D").text


@pytest.mark.parametrize("text, items", [
    ("A. LA PAZ 00691 B. LA PAZ 00600 ¶C. LA PAZ 00406",
     [("A", "LA PAZ 00691"), ("B", "LA PAZ 00600"), ("C", "LA PAZ 00406")]),
    ("(A) STATE 54617 (NOTAL); (B) STATE 73420", [("A", "STATE 54617 (NOTAL)"), ("B", "STATE 73420")]),
    ("STATE -097844", [(None, "STATE -097844")]),
    ("U.S. EMAIL OF 3/4", [(None, "U.S. EMAIL OF 3/4")]),
])
def test_ref_items(text, items):
    assert split_items(text) == items


@pytest.mark.parametrize("text, year, ids", [
    ("STATE 12345", 2009, ["09STATE12345"]),
    ("LA PAZ 00691", 2006, ["06LAPAZ691"]),
    ("07 PARIS 123", 2009, ["07PARIS123"]),
    ("06STATE12345", 2009, ["06STATE12345"]),
    ("SECSTATE 613", 2005, ["05STATE613"]),
    ("USUN 1234", 2005, ["05USUNNEWYORK1234"]),
    ("TEHRAN 1091: TEHRAN 263: MOSCOW 1603", 1972, ["72TEHRAN1091", "72TEHRAN263", "72MOSCOW1603"]),
    ("EMAIL 12/14", 2009, []), ("MEETING OF JANUARY 12", 2009, []), ("ATHENS AIRGRAM A-101", 1974, []),
    ("STATE 12345", None, []),
])
def test_ref_ids(text, year, ids):
    assert [i for _, i in ref_ids(text, year)] == ids


def test_ref_block_on_following_lines_with_pilcrow_labels():
    c = one("S E C R E T LA PAZ 000906\n\nSUBJECT: X\n\nREF: A. LA PAZ 00691\n\n¶B. LA PAZ 00600\n"
            "¶C. LA PAZ 00406\n\nClassified By: Amb. David N. Greenlee for reasons 1.4 (b) and (d).\n\n"
            "¶1. (C) Summary: text.\n", )
    assert [(r.label, r.id) for r in c.references] == [("A", None), ("B", None), ("C", None)]


@pytest.mark.parametrize("written, fixed", [
    (["11", "12", "13", "14", "15", "16", "17", "18", "19", "10"], list(range(1, 11))),
    (["1", "2", "3", "14", "15"], [1, 2, 3, 4, 5]),
    (["1", "2", "3"], [1, 2, 3]),
    (["1", "2", "9", "8"], [1, 2, 9, 8]),   # the author's own numbering is kept
    (["10", "11", "12"], [10, 11, 12]),
])
def test_paragraph_number_repair(written, fixed):
    assert _repair_numbers(written) == fixed


def test_markdown_scrape_artifacts():
    c = one("C O N F I D E N T I A L PARIS 002726\n\nTAGS: [PREL](#) [FR](#)\nSUBJECT: X\n\n"
            "[1](#)1. (U) One.\n\n[12.](#) (C) Two.\n\n13. (C) Three <b>bold</b>.\n\n"
            "Visit [our site](http://example.org/x)\n\nSTAPLETON\n")
    assert c.tags == ("PREL", "FR")
    assert [(p.number, p.marking) for p in c.paragraphs if p.kind == "paragraph"][:3] == [
        (1, "U"), (2, "C"), (3, "C")]
    assert "<b>bold</b>" in c.paragraphs[2].text   # cable text is data, kept as written
    assert c.signer == "Stapleton"


def test_page_breaks_removed_and_sentence_rejoined():
    c = one("C O N F I D E N T I A L SECTION 01 OF 02 PARIS 003198\n\nSUBJECT: X\n\n"
            "1. (C) Loras agreed with Kramer's\n\nPARIS 00003198 002 OF 002\n\n"
            "analysis of Russia's psyche.\n\n2. (C) Next.\n")
    assert c.paragraphs[0].text == "Loras agreed with Kramer's analysis of Russia's psyche."


def test_hard_wrapped_lines_joined_lists_kept():
    body = ("1. (C) " + "word " * 12 + "\n" + ("word " * 13 + "\n") * 3 + "end.\n\n"
            "2. (U) Participants:\n\nU.S.\nUnder Secretary Burns\nAmbassador Stapleton\n")
    c = one("CONFIDENTIAL PARIS 001234\n\nSUBJECT: X\n\n" + body)
    assert "\n" not in c.paragraphs[0].text
    assert "U.S.\nUnder Secretary Burns\nAmbassador Stapleton" in c.paragraphs[1].text


@pytest.mark.parametrize("heading_block", [
    "KOSOVO\n\n-----\n\n", "Friends Indeed\n--------------\n\n", "#### RUSSIA AND ABKHAZIA\n\n",
    "---------\nSUMMARY\n---------\n\n", "IMPORTANCE OF UNSCR ----------------------------------------\n\n",
])
def test_section_headings(heading_block):
    c = one("CONFIDENTIAL PARIS 001234\n\nSUBJECT: X\n\n1. (C) First.\n\n" + heading_block
            + "2. (C) Second.\n")
    kinds = [p.kind for p in c.paragraphs]
    assert kinds == ["paragraph", "heading", "paragraph"], c.paragraphs


def test_partial_corrected_caveats_footer():
    c = one("This record is a partial extract of the original cable. The full text of the original "
            "cable is not available.\n\nS E C R E T SECTION 01 OF 02 ANKARA 007211\n\nNOFORN\nSIPDIS\n\n"
            "C O R R E C T E D C O P Y (CHANGED SUBJECT)\n\nSUBJECT: X\n\n1. (S/NF) Text.\n\nEDELMAN\n\n"
            "Please visit Ankara's Classified Website at:\nhttp://www.state.sgov.gov/p/eur/ankara\n")
    assert c.partial and c.corrected
    assert c.caveats == ("NOFORN", "SIPDIS")
    assert c.paragraphs[0].marking == "S/NF"
    assert c.signer == "Edelman"
    assert c.footer == ("Please visit Ankara's Classified Website at:",
                        "http://www.state.sgov.gov/p/eur/ankara")


def test_cablegatesearch_preamble_and_repeated_header():
    text = ("Identifier\nCreated\nClassification\nOrigin\n07MOSCOW4634\n2007-09-20 09:29:00\nCONFIDENTIAL\n"
            "Embassy Moscow\nCable title:  \n\nRUSSIA-FRANCE RELATIONS\n\nTags:  PREL RS \n"
            "pdf how-to read a cable\nC O N F I D E N T I A L MOSCOW 004634\n\nSUBJECT: RUSSIA-FRANCE "
            "RELATIONS\n\nC O N F I D E N T I A L MOSCOW 004634\n\nSUBJECT: RUSSIA-FRANCE RELATIONS\n\n"
            "1. (C) Text.\n\nBurns")
    c = one(text)
    assert (c.id, c.date, c.origin, c.tags) == ("07MOSCOW4634", "2007-09-20T09:29Z", "Embassy Moscow",
                                                ("PREL", "RS"))
    assert c.header == ()


def test_glued_header_line_is_split():
    c = one("VZCZCXRO3913\nO 211133Z JAN 10\nFM AMEMBASSY BERLIN\n\nCable dated:2010-01-21T11:33:00C O N F "
            "I D E N T I A L SECTION 01 OF 03 BERLIN 000081SIPDISE.O. 12958: DECL: 01/21/2020TAGS: PREL "
            "KNNP IR GMSUBJECT: GERMANY ON IRAN\n\n¶1. (C) SUMMARY. Text.\n")
    assert (c.id, c.tags, c.subject) == ("10BERLIN81", ("PREL", "KNNP", "IR", "GM"), "GERMANY ON IRAN")


def test_unrecognised_header_lines_are_kept():
    c = one("CONFIDENTIAL PARIS 001234\n\nSOMETHING ODD HERE\n\nSUBJECT: X\n\n1. (C) Text.\n")
    assert c.header == ("SOMETHING ODD HERE",)


@pytest.mark.parametrize("text, kind", [
    ("1. (C) A body without any header at all, long enough to be prose text.\n", "missing-id"),
    ("CONFIDENTIAL PARIS 001234\n\n1. (C) No subject and no tags.\n", "missing-subject"),
    ("CONFIDENTIAL PARIS 001234\n\nSUBJECT: X\n\n1. (C) No tags.\n", "missing-tags"),
])
def test_missing_essentials_warn(text, kind):
    c = one(text)
    assert kind in {w.kind for w in c.warnings}
    w = next(w for w in c.warnings if w.kind == kind)
    assert w.path == "t.txt"


def test_warning_names_file_and_line():
    c = one('{"id": "07PARIS1", "date": "the day after", "text": "CONFIDENTIAL PARIS 000001 '
            'SUBJECT: X TAGS: PREL 1. (C) text"}')
    w = next(w for w in c.warnings if w.kind == "date")
    assert "the day after" in w.message and w.path == "t.txt" and w.record == 1
