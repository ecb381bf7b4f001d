"""cablesite import: one file per cable named by its ID; duplicates kept and reported."""
from __future__ import annotations

import json

from generator.cli import main
from generator.importer import import_collection

from .conftest import SEEDS

CSV = ('"1","7/27/2007 9:13","07PARIS3198","Embassy Paris","CONFIDENTIAL","","HEADER\n","BODY with '
       '\\"quotes\\"\nSUBJECT: X\n"\n'
       '"2","1/2/1995 10:00","95ZAGREB1","Embassy Zagreb","SECRET","","","SECOND CABLE TEXT"\n')


def test_import_csv_json_and_text_then_again(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "rows.csv").write_text(CSV)
    (src / "dump.json").write_text(json.dumps([{"id": "08MOSCOW3343", "date": "2008-11-19", "text": "C O N F I D E N T I A L MOSCOW 003343\nSUBJECT: Y"},
                                               {"id": "09STATE1", "date": "2009-01-02", "text": "UNCLAS STATE 000001\nSUBJECT: Z"}]))
    (src / "a.txt").write_bytes((SEEDS / "000_fedcf07303434e2b.txt").read_bytes())
    cables = tmp_path / "content" / "cables"
    r = import_collection(src, cables)
    names = sorted(p.relative_to(cables).as_posix() for p in cables.rglob("*") if p.is_file())
    assert names == ["1995/95ZAGREB1.csv", "2007/07PARIS3198.txt", "2007/07PARIS3198~2.csv",
                     "2008/08MOSCOW3343.json", "2009/09STATE1.json"]
    assert (r.written, r.duplicates) == (5, 1)
    assert any("07PARIS3198 is already in the collection" in d.message
               and d.path == (src / "rows.csv").as_posix() + ":1" for d in r.diagnostics)
    assert 'BODY with \\"quotes\\"' in (cables / "2007/07PARIS3198~2.csv").read_text()
    again = import_collection(src, cables)
    assert (again.written, again.skipped) == (0, 5)


def test_import_command_then_build(tmp_path, capsys):
    content = tmp_path / "content"
    assert main(["import", str(SEEDS), "--content", str(content), "-q"]) == 0
    assert "imported 5 cables" in capsys.readouterr().err
    assert main(["build", "--content", str(content), "--out", str(tmp_path / "site"), "-q"]) == 0
    assert (tmp_path / "site/cable/2007/07/07PARIS3198.html").is_file()
