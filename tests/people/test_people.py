"""People extraction: unit cases, editors' rules, and precision/recall on hand labels."""
from __future__ import annotations

import pytest

from generator.people.editorial import parse as parse_editorial
from generator.people.extract import scan

from ..conftest import CORPUS


def names(text: str, vocab=frozenset({"the", "said"})):
    found, _ = scan(text, "body", 0, set(vocab))
    return [(m.name, m.title) for m in found]


@pytest.mark.parametrize("text, expected", [
    ("Damien Loras told DAS Kramer that FM Lavrov refused.",
     [("Damien Loras", None), ("Kramer", "Deputy Assistant Secretary"), ("Lavrov", "Foreign Minister")]),
    ("MFA Political Director Stanislas Lefebvre de Laboulaye said so.",
     [("Stanislas Lefebvre de Laboulaye", "Political Director")]),
    ("Presidential Diplomatic Advisor Jean-David Levitte.",
     [("Jean-David Levitte", "Presidential Diplomatic Advisor")]),
    ("DAS KRAMER'S JULY 20 MTG WITH ELYSEE RUSSIA ADVISOR", [("Kramer", "Deputy Assistant Secretary")]),
    ("WELFARE OF ANTHONY AMBATIELOS AND NICHOLAS KALOUDIS", [("Anthony Ambatielos", None),
                                                          ("Nicholas Kaloudis", None)]),
    ("LETTER FROM PRESIDENT FESTUS G. MOGAE TO PRESIDENT GEORGE W. BUSH.",
     [("Festus G. Mogae", "President"), ("George W. Bush", "President")]),
    ("detained: Allah Muhammad SALEEM, ISN 71.", [("Muhammad Saleem", None)]),
    ("President Zine El Abidine Ben Ali said", [("Zine El Abidine Ben Ali", "President")]),
    ("murdered journalist Anna Polikovskaya had worked", [("Anna Polikovskaya", "journalist")]),
    ("the U.S. Ballistic Missile Defense in Europe and the French Embassy", []),
    ("Kosovo's independence and the North Caucasus and the Sochi Olympics", []),
])
def test_scan(text, expected):
    assert names(text) == expected


def test_possessive_and_bare_surname_in_same_cable():
    from generator.model import Paragraph
    from generator.people.extract import extract
    paras = (Paragraph("paragraph", 1, "C", "Damien Loras met us. Loras's view: fine.", 1),)
    mentions, _ = extract(paras, None, None, None, None)
    assert [(m.name, m.evidence) for m in mentions] == [("Damien Loras", "given"), ("Loras", "surname")]


def test_editorial_rules_split_namesakes_and_drop(tmp_path):
    from generator.collect import collect
    from generator.discover import discover
    (tmp_path / "a.txt").write_text("CONFIDENTIAL PARIS 001234\n\nSUBJECT: X\n\nClassified By: Ambassador "
                                    "Craig Stapleton for reasons 1.4 (b).\n\n1. (C) U/S Burns met "
                                    "Chairman Barbaroux.\n")
    (tmp_path / "b.txt").write_text("CONFIDENTIAL MOSCOW 004321\n\nSUBJECT: X\n\n1. (C) Ambassador "
                                    "William J. Burns met FM Lavrov.\n")
    src, _ = discover([tmp_path])
    plain = collect(src)
    assert {p.name for p in plain.persons.values()} >= {"William J. Burns", "Barbaroux"}
    rules, problems = parse_editorial(
        'drop = ["Barbaroux"]\n[[person]]\nname = "R. Nicholas Burns"\naliases = ["Burns"]\n'
        'when = { titles = ["Under Secretary"] }\n', "people.toml")
    assert problems == []
    col = collect(src, rules)
    by_cable = [[p.name for p in refs] for refs in col.cable_persons]
    assert "R. Nicholas Burns" in by_cable[0] and "William J. Burns" not in by_cable[0]
    assert "William J. Burns" in by_cable[1]
    assert "Barbaroux" not in {p.name for p in col.persons.values()}


@pytest.mark.corpus
def test_precision_and_recall_on_labelled_cables(capsys):
    assert CORPUS.is_dir()
    from .people_eval import evaluate
    r = evaluate()
    with capsys.disabled():
        print(f"\npeople: precision {r.precision:.3f}, recall {r.recall:.3f} "
              f"({r.tp}/{r.labelled} labels, {r.predicted} predicted, 33 cables)")
    assert r.labelled >= 150
    assert r.precision >= 0.9 and r.recall >= 0.9


def test_drop_inside_a_person_table_is_explained():
    _, problems = parse_editorial('[[person]]\nname = "X"\ndrop = ["Y"]\n', "content/people.toml")
    assert len(problems) == 1 and "Did you mean the top-level drop list?" in problems[0].message
    assert problems[0].path == "content/people.toml"



@pytest.mark.corpus
def test_a_cable_names_each_person_once(tmp_path):
    """Forms with different surnames can resolve to one person (04BANGKOK8464 names
    "Than Shwe", "Shwe" and "the Thaksin-Than Shwe meeting"): the cable gets one entry
    with all its forms, not two, which listed it twice on the person's page and counted
    it twice among the person's cables."""
    from collections import Counter
    from generator.collect import collect
    from generator.discover import discover
    src, _ = discover([CORPUS])
    col = collect(src)
    twice = [(c.id, k) for c, refs in zip(col.cables, col.cable_persons)
             for k, n in Counter(p.key for p in refs).items() if n > 1]
    assert twice == []
    shwe = [p for c, refs in zip(col.cables, col.cable_persons) if c.id == "04BANGKOK8464"
            for p in refs if p.key == "than-shwe"]
    assert shwe and any({"Than Shwe", "Shwe"} <= set(p.forms) for p in shwe)
    counted = Counter(p.key for refs in col.cable_persons for p in refs)
    assert all(col.persons[k].cables == n for k, n in counted.items())


@pytest.mark.corpus
def test_people_resolved_in_a_process_apart_are_the_same(monkeypatch, tmp_path):
    """A large collection resolves its people in a forked process (its working objects
    then leave the build's memory), which sends them back as plain rows; the result is
    the one resolved in place, objects of the same types."""
    import multiprocessing
    import os
    from generator import collect as collect_mod
    from generator import resolving
    from generator.discover import discover
    from generator.model import Person, PersonRef
    from generator.people.resolve import resolve_people
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: people are always resolved in place")
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src)
    inline = resolve_people(parsed.cables, lower_words=parsed.lower, inputs=parsed.people)
    monkeypatch.setattr(resolving, "_PEOPLE_APART", 0)
    where = tmp_path / "pid"
    resolved = resolving._resolved

    def rows(*args, **kw):             # and say where it ran
        where.write_text(str(os.getpid()))
        return resolved(*args, **kw)
    monkeypatch.setattr(resolving, "_resolved", rows)
    apart = resolving.people_started(parsed.cables, resolving.Editorial(), parsed.lower,
                                     parsed.people, parsed.digests).result()[:2]
    assert int(where.read_text()) != os.getpid() and resolving._PEOPLE is None
    assert apart == inline and len(inline[0]) > 100 and sum(map(len, inline[1])) > 1000
    assert {type(p) for p in apart[0].values()} == {Person}
    assert {type(r) for refs in apart[1] for r in refs} == {PersonRef}


def _wait_for(flag, what: str) -> None:
    """In a forked process: wait until the test writes ``flag`` (at most 20 s)."""
    import time
    deadline = time.monotonic() + 20
    while not flag.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(what)
        time.sleep(0.01)


@pytest.mark.corpus
def test_people_resolved_apart_let_the_build_go_on_meanwhile(monkeypatch, tmp_path):
    """``people_started`` returns while the forked process resolves (the site's stages that
    need no people run meanwhile); the result, waited for, carries each cable's people
    digest, the one resolving in place gives."""
    import multiprocessing
    from generator import collect as collect_mod
    from generator import resolving
    from generator.discover import discover
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: people are always resolved in place")
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src)
    inline = resolving.people_started(parsed.cables, resolving.Editorial(), parsed.lower,
                                      parsed.people, parsed.digests)
    assert inline._apart is None           # a small collection: resolved in place
    resolved, go = resolving._resolved, tmp_path / "go"

    def rows(*args, **kw):             # waits for this process to say it went on
        _wait_for(go, "people_started waited for the people it started")
        return resolved(*args, **kw)
    monkeypatch.setattr(resolving, "_PEOPLE_APART", 0)
    monkeypatch.setattr(resolving, "_resolved", rows)
    pending = resolving.people_started(parsed.cables, resolving.Editorial(), parsed.lower,
                                       parsed.people, parsed.digests)
    go.write_text("")            # reached while the child waits: people_started did not
    assert pending.result() == inline.result()
    persons, refs, digests = pending.result()
    assert len(digests) == len(refs) == len(parsed.cables)
    assert not pending._apart._process.is_alive()   # nothing kept: it ended with its answer
    named = [k for k, r in enumerate(refs) if r]
    assert len({digests[k] for k in named}) > len(named) * 0.9
    assert len({digests[k] for k, r in enumerate(refs) if not r}) == 1


@pytest.mark.corpus
def test_the_process_apart_answers_before_it_keeps_the_ledger(monkeypatch, tmp_path):
    """The process apart sends the people back, then keeps the ledger (3 s at 250,000
    cables) while the build goes on; ``finish`` waits for it, and the next build reads
    that ledger.  A keeping that fails is the build's error."""
    import multiprocessing
    from generator import collect as collect_mod
    from generator import resolving
    from generator.discover import discover
    from generator.kept import PeopleStore
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: people are always resolved in place")
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src)
    args = (parsed.cables, resolving.Editorial(), parsed.lower, parsed.people, parsed.digests)
    inline = resolving.people_started(*args).result()
    monkeypatch.setattr(resolving, "_PEOPLE_APART", 0)
    answered, save = tmp_path / "answered", PeopleStore.save

    def late_save(self, *a, **kw):       # in the child: only once the answer is taken
        _wait_for(answered, "the ledger was kept before the people were sent back")
        return save(self, *a, **kw)
    monkeypatch.setattr(PeopleStore, "save", late_save)
    kept = PeopleStore(tmp_path / "cache")
    pending = resolving.people_started(*args, kept)
    assert pending.result() == inline
    assert pending._apart._process.is_alive()      # keeping the ledger
    assert kept.ledger(resolving.people_salt(resolving.Editorial())) is None
    answered.write_text("")
    pending.finish()
    assert not kept.pickle_path.with_suffix(".tmp").exists()
    ledger = kept.ledger(resolving.people_salt(resolving.Editorial()))
    assert ledger is not None and resolving._objects(ledger.result(parsed.digests)) == inline
    kept.close()

    def full_disk(self, *a, **kw):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(PeopleStore, "save", full_disk)
    failing = resolving.people_started(*args, PeopleStore(tmp_path / "other"))
    assert failing.result() == inline
    with pytest.raises(OSError, match="No space left"):
        failing.finish()


@pytest.mark.corpus
def test_a_rebuilds_people_process_is_forked_before_the_cached_summaries_are_read(
        monkeypatch, tmp_path):
    """With the files cached, the people process is forked once the changed files are
    parsed, before the cached summaries are read (``collect``): it resolves from the
    digests, words and inputs, and reads from the cache the summaries the editors' rules
    need (here a rule for one person's cables from one origin, every cable decided
    afresh).  It gives what resolving in place from the summaries gives."""
    import multiprocessing
    import os
    from generator import collect as collect_mod
    from generator import resolving
    from generator.cache import ParseCache
    from generator.discover import discover
    from generator.people.editorial import Editorial, PersonRule, norm
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here: people are always resolved in place")
    src, _ = discover([CORPUS])
    first = ParseCache(tmp_path / "parse.sqlite")
    col = collect_mod.collect(src, cache=first)
    first.close()
    persons, refs = col.persons, col.cable_persons
    top = max(persons.values(), key=lambda p: p.cables)
    origin = next(col.cables[i].origin for i, r in enumerate(refs)
                  if any(x.key == top.key for x in r) and col.cables[i].origin)
    rule = PersonRule("Chosen By The Editors", frozenset(norm(a) for a in top.aliases),
                      when={"origins": [origin]})
    editorial = Editorial(persons=(rule,))
    plain = collect_mod.parse_sources(src)
    inline = resolving.people_started(plain.cables, editorial, plain.lower, plain.people,
                                      plain.digests).result()
    assert any(p.name == "Chosen By The Editors" for p in inline[0].values())
    monkeypatch.setattr(resolving, "_PEOPLE_APART", 0)
    seen, resolved = tmp_path / "seen", resolving._resolved

    def rows(cables, *args):           # in the child: what it was given
        seen.write_text(f"{os.getpid()} {type(cables).__name__} {len(cables.pending.done)}")
        return resolved(cables, *args)
    monkeypatch.setattr(resolving, "_resolved", rows)
    again = ParseCache(tmp_path / "parse.sqlite")
    rebuilt = collect_mod.collect(src, editorial, cache=again)
    pid, kind, parsed = seen.read_text().split()
    assert int(pid) != os.getpid() and kind == "CachedSummaries" and parsed == "0"
    assert (again.hits, again.misses) == (len(src), 0)
    assert (rebuilt.persons, rebuilt.cable_persons) == inline[:2]
    assert rebuilt.cables == col.cables


def test_people_digests_are_equal_for_equal_rows_whatever_objects_they_share():
    from generator.people.resolve import people_digests
    name = "".join(["Damien ", "Loras"])
    shared = ((("damien-loras", name, (), (name,), (1, 2)),), ())
    apart = ((("damien-loras", "Damien Loras", (), ("Damien " + "Loras",), (1, 2)),), ())
    other = ((("damien-loras", "Damien Loras", (), ("Damien Loras",), (1, 3)),), ())
    assert people_digests(list(shared)) == people_digests(list(apart))
    assert people_digests(list(other))[0] != people_digests(list(apart))[0]
    assert people_digests(list(shared))[1] == people_digests([()])[0]


@pytest.mark.corpus
def test_people_from_the_parse_workers_inputs_are_those_from_the_mentions():
    """Parse workers reduce each cable's mentions to its ``people_input`` (cached with the
    file); resolving from those gives what resolving from the full cables' mentions gives."""
    from generator import collect as collect_mod
    from generator.discover import discover
    from generator.people.resolve import resolve_people
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src, jobs=2)
    full = [parsed.store.cable(i) for i in range(len(parsed.cables))]
    assert all(c.mentions == () for c in parsed.cables)
    assert sum(len(c.mentions) for c in full) > 5000
    from_inputs = resolve_people(parsed.cables, lower_words=parsed.lower, inputs=parsed.people)
    assert from_inputs == resolve_people(full, lower_words=parsed.lower)
    assert sum(map(len, from_inputs[1])) > 1000


def test_common_mask_keeps_the_common_words_of_a_set():
    from generator.people.lexicon import common_in_mask, common_mask, common_words
    words = sorted(common_words())
    some = {words[0], words[7], words[8], words[-1], "zzzz-not-a-common-word"}
    mask = common_mask(some)
    assert common_in_mask(mask) == some - {"zzzz-not-a-common-word"}
    assert common_in_mask(mask | common_mask({words[100]})) == \
        some - {"zzzz-not-a-common-word"} | {words[100]}
    assert common_in_mask(0) == frozenset() and common_in_mask(common_mask(words)) == set(words)


@pytest.mark.corpus
def test_the_collections_lower_case_words_are_those_its_cables_write(tmp_path):
    """Parse workers hand back each file's lower-case common words as a ``common_mask``
    (also what the cache keeps); the collection's are the union of each cable's, whether
    parsed here, on workers (a big file's records spread over them) or from the cache."""
    from generator.cables import parse_record
    from generator.cache import ParseCache
    from generator.collect import parse_sources
    from generator.discover import discover
    from generator.readers import read_records
    src, _ = discover([CORPUS])
    expected: set[str] = set()
    for s in src:
        for raw in read_records(s.path, s.read()):
            if raw.text.strip():
                expected |= parse_record(raw)[1]
    assert len(expected) > 1000
    assert parse_sources(src).lower == expected
    cache = ParseCache(tmp_path / "parse.sqlite")
    assert parse_sources(src, jobs=2, cache=cache).lower == expected
    cache.close()
    cache = ParseCache(tmp_path / "parse.sqlite")
    assert parse_sources(src, cache=cache).lower == expected and cache.misses == 0
    cache.close()
