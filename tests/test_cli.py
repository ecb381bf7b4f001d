"""The command as a user runs it: ``cablesite parse`` and ``python -m generator``."""
from __future__ import annotations

import json
import subprocess
import sys

from generator.cli import main

from .conftest import ROOT, SEEDS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_parse_prints_one_json_object_per_cable():
    p = run("parse", str(SEEDS), "--people", "content/people.toml")
    assert p.returncode == 0, p.stderr
    objs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["id"] for o in objs] == ["07PARIS3198", "07MOSCOW4634", None, "07PARIS2827", "07PARIS2726"]
    assert list(objs[0]) == ["id", "date", "origin", "classification", "caveats", "precedence", "tags",
                             "subject", "to", "info", "references", "classified_by", "declassify_on",
                             "executive_order", "sections", "partial", "corrected", "signer",
                             "paragraphs", "persons", "header", "footer", "version_of", "source",
                             "warnings"]
    assert "0 warnings" in p.stderr and "note: no cable ID" in p.stderr   # 002 is a partial extract


def test_strict_turns_warnings_into_failure(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"")
    (tmp_path / "good.txt").write_bytes((SEEDS / "000_fedcf07303434e2b.txt").read_bytes())
    lax = run("parse", str(tmp_path))
    strict = run("parse", "--strict", str(tmp_path))
    assert lax.returncode == 0 and strict.returncode == 1
    assert "bad.txt: warning: empty file" in strict.stderr
    assert len(strict.stdout.splitlines()) == 1   # the rest goes on


def test_missing_path_is_an_error_naming_it(tmp_path, capsys):
    code = main(["parse", str(tmp_path / "nope.txt")])
    assert code == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_text_flag_includes_original(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("CONFIDENTIAL PARIS 001234\n\nSUBJECT: <script>x</script>\n\n1. (C) Hi.\n")
    assert main(["parse", "--text", "-q", str(f)]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["text"].startswith("CONFIDENTIAL PARIS 001234") and obj["subject"] == "<script>x</script>"


def test_duplicate_ids_keep_both_fuller_primary(tmp_path, capsys):
    full = (SEEDS / "000_fedcf07303434e2b.txt").read_text()
    short = full.split("12. (C)")[0]
    (tmp_path / "a_short.txt").write_text(short)
    (tmp_path / "b_full.txt").write_text(full)
    assert main(["parse", str(tmp_path)]) == 0
    out = capsys.readouterr()
    objs = [json.loads(line) for line in out.out.splitlines()]
    assert [(o["source"]["path"].rsplit("/", 1)[-1], o["version_of"]) for o in objs] == [
        ("a_short.txt", "07PARIS3198"), ("b_full.txt", None)]
    assert "07PARIS3198 is also in" in out.err and "a_short.txt" in out.err


def test_bad_people_toml_is_reported(tmp_path, capsys):
    bad = tmp_path / "people.toml"
    bad.write_text("[[person]]\nname = 'X'\nalias = ['Y']\n")
    assert main(["parse", "--people", str(bad), "-q", str(SEEDS / "000_fedcf07303434e2b.txt")]) == 0
    assert main(["parse", "--strict", "--people", str(bad), str(SEEDS / "000_fedcf07303434e2b.txt")]) == 1
    assert "unknown key 'alias'" in capsys.readouterr().err


def test_ci_configurations_keep_what_an_incremental_build_needs():
    """Netlify and GitHub Actions save and restore the caches, the site and the list beside
    it under the names the build uses (a restored site is then rebuilt incrementally:
    tests/test_build.py), and Netlify publishes the folder the build writes."""
    import tomllib
    from pathlib import Path

    from generator.cache import CACHE_FOLDER
    from generator.write import manifest_path
    kept = {CACHE_FOLDER, "site", manifest_path(Path("site")).name}
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text())
    assert netlify["build"]["publish"] == "site" and "--strict" in netlify["build"]["command"]
    [plugin] = [p for p in netlify["plugins"] if p["package"] == "netlify-plugin-cache"]
    assert set(plugin["inputs"]["paths"]) == kept
    workflow = (ROOT / ".github/workflows/site.yml").read_text()
    steps = workflow.split("- name: ")
    restore = next(s for s in steps if "actions/cache/restore@" in s)
    save = next(s for s in steps if "actions/cache/save@" in s)
    build_at = next(k for k, s in enumerate(steps) if "cablesite build" in s)
    assert steps.index(restore) < build_at < steps.index(save)
    for step in (restore, save):
        paths = step.split("path: |", 1)[1].split("key:", 1)[0].split()
        assert set(paths) == kept


def test_the_command_ends_with_its_status_and_all_its_output(tmp_path):
    """``python -m generator`` ends its process as soon as the command returns
    (``cli.run``: what the build made is left to the process, not freed first); the
    exit status and every line of output still come out."""
    import shutil
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content / "cables")
    args = ("build", "--content", str(content), "--out", str(tmp_path / "site"), "--jobs", "1")
    ok = run(*args)
    assert ok.returncode == 0, ok.stderr
    assert "cablesite: 5 cables" in ok.stderr and (tmp_path / "site" / "index.html").is_file()
    (content / "cables" / "bad.txt").write_bytes(b"")
    strict = run(*args, "--strict")
    assert strict.returncode == 1
    assert "bad.txt: warning: empty file" in strict.stderr
    assert strict.stderr.rstrip().endswith("the previous site was left as it was")
    many = run("parse", "--text", str(SEEDS), str(SEEDS), str(SEEDS))
    assert many.returncode == 0 and len(many.stdout.splitlines()) == 15


def test_a_rebuild_says_its_search_index_and_exports_were_made_apart(tmp_path):
    """With two jobs, a rebuild that parsed few files makes its search index and exports
    in a process of their own, and its summary says how long they took beside what it
    waited."""
    import re
    import shutil
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content / "cables")
    args = ("build", "--content", str(content), "--out", str(tmp_path / "site"), "--jobs", "2")
    first = run(*args)
    assert first.returncode == 0, first.stderr
    assert re.search(r"export [0-9.]+s, search [0-9.]+s, write", first.stderr) is None
    assert re.search(r"render [0-9.]+s, search [0-9.]+s, export", first.stderr)
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert re.search(r"render [0-9.]+s, export [0-9.]+s, apart [0-9.]+s waited \(search [0-9.]+s "
                     r"and export [0-9.]+s in a process of their own, alongside resolve, render "
                     r"and export\), write [0-9.]+s", again.stderr), again.stderr
    assert "(0 written, " in again.stderr
