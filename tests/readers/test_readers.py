"""Readers: format chosen by content, metadata carried, bad input reported."""
from __future__ import annotations

import json

import pytest

from generator.readers import read_records
from generator.text import decode

CABLE = ("C O N F I D E N T I A L PARIS 003198\n\nSIPDIS\n\nE.O. 12958: DECL: 07/25/2017\n"
         "TAGS: PREL FR\nSUBJECT: TEST\n\n1. (C) Loras said so.\n\nSTAPLETON\n")


def test_plain_text():
    [r] = read_records("a.txt", CABLE.encode())
    assert r.format == "text" and r.text == CABLE and r.meta == {}


def test_wikileaks_2010_page():
    page = ("<html><body><h3>Viewing cable 07PARIS3198, TEST SUBJECT</h3><table class='cable'><tr>"
            "<th>Reference ID</th></tr><tr><td><a href='x'>07PARIS3198</a></td><td><a>2007-07-27 09:13</a>"
            "</td><td>2010-12-01</td><td><a title='unclassified'>CONFIDENTIAL</a></td><td>Embassy Paris</td>"
            "</tr></table><code><pre>VZCZC&#x000A;FM AMEMBASSY PARIS</pre></code><code><pre>C O N F I D E N "
            "T I A L PARIS 003198&#x000A;TAGS: <a href='/tag/PREL_0.html'>PREL</a>&#x000A;&#x000A;<a id='par1'"
            " href='#par1'>¶</a>1. (C) Text &amp; more.</pre></code></body></html>")
    [r] = read_records("p.html", page.encode())
    assert r.format == "wikileaks-html"
    assert r.meta["id"] == "07PARIS3198" and r.meta["classification"] == "CONFIDENTIAL"
    assert r.meta["subject"] == "TEST SUBJECT"
    assert "TAGS: PREL\n\n¶1. (C) Text & more." in r.text and r.text.startswith("VZCZC\n")


def test_wikileaks_2011_row_fault_split():
    body = ("2009-03-20 16:40:00\t09BERN127\tEmbassy Bern\tCONFIDENTIAL\t09STATE26179\tVZCZC\\&#x000A;"
            "FM AMEMBASSY BERN\tC O N F I D E N T I A L BERN 000127 \\&#x000A;SUBJECT: X")
    page = (f"<table class='cable'><tr><td>09BERN127</td></tr></table><code><pre>VZCZC</pre></code>"
            f"<code><pre>{body}</pre></code>")
    [r] = read_records("p.html", page.encode())
    assert r.text == "VZCZC\nFM AMEMBASSY BERN\n\nC O N F I D E N T I A L BERN 000127 \nSUBJECT: X"
    assert r.meta["references"] == ["09STATE26179"]
    assert [p.kind for p in r.problems] == ["source-fault"]


def test_cables_csv_rows_with_backslash_escapes():
    data = ('"1","3/22/1994 17:53","94ZAGREB1155","Embassy Zagreb","CONFIDENTIAL","94STATE54617",'
            '"HEADER LINE\n","BODY with \\"quotes\\" and O\\\'BRIEN\nline 2"\n'
            '"2","1/2/1995 10:00","95ZAGREB1","Embassy Zagreb","SECRET","","","SECOND"\n')
    recs = read_records("c.csv", data.encode())
    assert [r.record for r in recs] == [1, 2]
    assert [r.line for r in recs] == [1, 4]
    assert recs[0].meta["id"] == "94ZAGREB1155" and recs[0].meta["references"] == ["94STATE54617"]
    assert 'BODY with "quotes" and O\'BRIEN\nline 2' in recs[0].text
    assert recs[1].text == "SECOND"


def test_mongo_json_lines_and_relining():
    obj = {"_id": "04ANKARA7211", "origin": "Embassy Ankara", "date_time": "2004-12-30 05:05",
           "classification": "SECRET", "header": "",
           "body": "S E C R E T ANKARA 007211  SIPDIS  E.O. 12958: DECL: 12/14/2029 TAGS: PREL TUSUBJECT: "
                   "ERDOGAN AND AK PARTY  (U) Classified by Ambassador Eric Edelman; reasons 1.4 (b). "
                   "¶1. (C) Summary: " + "text " * 50 + "End summary.  ¶2. (C) More. EDELMAN"}
    data = (json.dumps(obj) + "\n" + json.dumps(dict(obj, _id="04ANKARA7212")) + "\n").encode()
    recs = read_records("m.json", data)
    assert [r.format for r in recs] == ["mongo-json", "mongo-json"]
    lines = recs[0].text.split("\n")
    assert "TAGS: PREL TU" in lines and "SUBJECT: ERDOGAN AND AK PARTY" in lines
    assert lines[-1] == "EDELMAN"


def test_jsonp_api_response():
    data = 'cablegrab({"info":{},"items":[{"id":"08MOSCOW3343","subject":"S","text":"Wednesday, 19 ' \
           'November 2008, 06:43\\nC O N F I D E N T I A L MOSCOW 003343"}]})'
    [r] = read_records("cable.json", data.encode())
    assert r.format == "jsonp" and r.meta["id"] == "08MOSCOW3343"


def test_plusd_page():
    page = ('<div class="s_key"><a class="i" title="Canonical ID">Canonical ID:</a></div><div class="s_val" '
            'title="x">1974ATHENS02959_b</div><div class="s_key"><a class="i" title="Date">Date:</a></div>'
            '<div class="s_val" title="x">1974 May 17, 16:00 (Friday)</div>'
            '<div class="text-header hidden">\nR 171600Z MAY 74\nFM AMEMBASSY ATHENS\n</div>'
            '<div id="tagged-text">1. BODY TEXT.\nTASCA\n</div>')
    [r] = read_records("x.html", page.encode())
    assert r.format == "plusd-html" and r.meta["id"] == "1974ATHENS02959_b"
    assert r.text.startswith("R 171600Z MAY 74\nFM AMEMBASSY ATHENS\n\n1. BODY TEXT.")


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"<!DOCTYPE html><html><body><p>No cable here</p></body></html>", "HTML page holds no cable"),
    (b'{"foo": 1}', "no text field"),
    (b'"1","2/2/2000 10:00","00X1"\n', "row has 3 columns"),
])
def test_bad_input_reported_not_raised(data, message):
    recs = read_records("bad.file", data)
    problems = [p for r in recs for p in r.problems]
    assert any(message in p.message for p in problems), problems
    assert all(p.path == "bad.file" for p in problems)


@pytest.mark.parametrize("data, encoding", [
    ("Fran\u00e7ois ¶1.".encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + "Fran\u00e7ois".encode("utf-8"), "utf-8-sig"),
    ("Fran\u00e7ois \u201cquoted\u201d".encode("cp1252"), "cp1252"),
    ("Fran\u00e7ois".encode("utf-16"), "utf-16"),
    (b"\r\nLINE1\r\nLINE2 \xb6", "cp1252"),
])
def test_decoding(data, encoding):
    text, enc = decode(data)
    assert enc == encoding and "\r" not in text
    assert ("Fran\u00e7ois" in text) or ("¶" in text)


def test_latin1_pdf_text_reports_encoding():
    [r] = read_records("x.txt", b"\r\nVZCZC\r\nUNCLAS PARIS 001052\r\n\xb61. (U) Text.\r\n")
    assert "¶1. (U) Text." in r.text
    assert any(p.kind == "encoding" for p in r.problems)


def test_unseen_html_layout_with_a_cable():
    page = ("<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head><body><nav>Home</nav>"
            "<div class='x'><p>VZCZC<br>O 270913Z JUL 07<br>FM AMEMBASSY PARIS</p>"
            "<p>C O N F I D E N T I A L PARIS 003198</p><p>TAGS: PREL FR</p><p>SUBJECT: A &amp; B</p>"
            "<p>1. (C) Text.</p><p>STAPLETON</p></div></body></html>")
    [r] = read_records("mirror.html", page.encode())
    assert r.format == "html"
    from generator.cables import parse_cable
    c = parse_cable(r)
    assert (c.id, c.subject, c.tags, c.signer) == ("07PARIS3198", "A & B", ("PREL", "FR"), "Stapleton")
