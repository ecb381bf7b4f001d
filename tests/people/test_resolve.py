"""People kept between builds (``people.resolve.Ledger`` with ``kept.PeopleStore``): a
rebuild decides again only the cables whose people can have changed, and gives what
resolving the whole collection afresh gives."""
from __future__ import annotations

import random
import sqlite3
from hashlib import blake2b
from types import SimpleNamespace

import pytest

from generator.kept import PeopleStore
from generator.model import Mention
from generator.people.editorial import Editorial
from generator.people.editorial import parse as parse_editorial
from generator.people.inputs import people_input
from generator.people.resolve import kept_update, resolve_rows

from ..conftest import CORPUS


def body(name, title=None, paragraph=0, evidence="title"):
    return Mention(name, title, "body", paragraph, evidence)


def bare(name, paragraph=0):
    return Mention(name, None, "bare", paragraph, "bare")


def cable(name: str, *mentions: Mention):
    """A cable as resolving sees it: its ID, origin and year (for editors' rules), its
    input, and a digest (the build's key of a cable)."""
    inp = people_input(tuple(mentions))
    c = SimpleNamespace(id=name, origin="Embassy Paris", year=2005)
    return name, c, inp, blake2b(repr((name, inp)).encode(), digest_size=16).digest()


def step(store: PeopleStore, collection, lower=frozenset(), editorial=Editorial()):
    """One build's resolving through the kept ledger (``kept_update``, then ``save``, as
    ``resolving._resolved`` does); checks the result against resolving the same collection
    afresh, and the ledger the next build reads against that result too; gives which
    cables were decided."""
    names = [x[0] for x in collection]
    cables = [x[1] for x in collection]
    inputs = [x[2] for x in collection]
    keys = [x[3] for x in collection]
    ledger, changes = kept_update(store, "salt", cables, keys,
                                  lambda at: [inputs[n] for n in at], frozenset(lower), editorial)
    store.save(ledger, changes, keys, ledger.result(keys))
    store.close()
    whole = resolve_rows(cables, editorial, lower, inputs)
    assert ledger.result(keys)[:2] == whole
    assert store.ledger("salt").result(keys)[:2] == whole     # what the next build reads
    store.close()
    return {names[keys.index(k)] for k in changes.put}, whole


SMITH = cable("john", body("John Smith", "Ambassador"))
DAS = cable("das", body("Smith", "DAS"), body("Jean Dupont", "Minister", 1))
ADAM = cable("adam", body("Adam Smith", "Senator"))
BARE = cable("bare", body("Jean Dupont", "Minister"), bare("Putin", 2))
PUTIN = cable("putin", body("Vladimir Putin", "President"))
BIG = cable("big", body("Big", "Minister"))
MR_BIG = cable("mrbig", body("Mr Big", None, 3, "surname"))


def refs_of(whole, cables, name):
    return [r[1] for r in whole[1][[c[0] for c in cables].index(name)]]


def test_a_rebuild_decides_again_only_the_cables_whose_surnames_changed(tmp_path):
    store = PeopleStore(tmp_path)
    first = [SMITH, DAS, BARE]
    decided, whole = step(store, first)
    assert decided == {"john", "das", "bare"}          # the first build: every cable
    assert refs_of(whole, first, "das") == ["John Smith", "Jean Dupont"]
    assert refs_of(whole, first, "bare") == ["Jean Dupont"]   # Putin: not known yet
    # a second Smith with a given name: the bare "Smith" of the DAS is no longer his (the
    # cables naming Smith are decided again: the full names known for Smith changed)
    second = first + [ADAM]
    decided, whole = step(PeopleStore(tmp_path), second)
    assert decided == {"adam", "das", "john"}
    assert refs_of(whole, second, "das") == ["Smith", "Jean Dupont"]
    # Putin named on strong evidence: the bare "Putin" becomes a mention
    third = second + [PUTIN]
    decided, whole = step(PeopleStore(tmp_path), third)
    assert decided == {"putin", "bare"}
    assert refs_of(whole, third, "bare") == ["Jean Dupont", "Vladimir Putin"]
    # nothing new: nothing decided, nothing written
    before = (tmp_path / "people.pickle").stat().st_mtime_ns
    decided, _ = step(PeopleStore(tmp_path), third)
    assert decided == set() and (tmp_path / "people.pickle").stat().st_mtime_ns == before
    # a cable removed: its facts counted out, the DAS's Smith is John Smith again
    fourth = [c for c in third if c is not ADAM]
    decided, whole = step(PeopleStore(tmp_path), fourth)
    assert decided == {"das", "john"}
    assert refs_of(whole, fourth, "das") == ["John Smith", "Jean Dupont"]
    # Putin written in lower case by the collection: not a surname for the bare word
    decided, whole = step(PeopleStore(tmp_path), fourth, lower={"putin"})
    assert decided == {"bare", "putin"} and refs_of(whole, fourth, "bare") == ["Jean Dupont"]


def test_persons_renamed_dropped_and_named_again_reach_every_cable(tmp_path):
    """A person's name (its most used form) and whether the editors drop it change with
    other cables; the rows of the cables naming them follow, including those of a person
    dropped and then named again (whose cables no row names)."""
    editorial, _ = parse_editorial('drop = ["Mr Big"]', "people.toml")
    store = PeopleStore(tmp_path)
    step(store, [BIG, SMITH], editorial=editorial)
    _, whole = step(PeopleStore(tmp_path), [BIG, SMITH, MR_BIG], editorial=editorial)
    assert refs_of(whole, [BIG, SMITH, MR_BIG], "big") == []      # dropped: "Mr Big" a form
    _, whole = step(PeopleStore(tmp_path), [BIG, SMITH], editorial=editorial)
    assert refs_of(whole, [BIG, SMITH], "big") == ["Big"]          # named again
    more = [cable(f"s{n}", body("John R. Smith", "Ambassador")) for n in range(3)]
    decided, whole = step(PeopleStore(tmp_path), [BIG, SMITH, *more], editorial=editorial)
    assert decided == {"s0", "s1", "s2"}            # the facts of Smith did not change
    assert refs_of(whole, [BIG, SMITH, *more], "john") == ["John R. Smith"]   # renamed


def test_a_ledger_is_used_only_with_its_records_and_salt(tmp_path):
    store = PeopleStore(tmp_path)
    step(store, [SMITH, DAS])
    assert PeopleStore(tmp_path).ledger("salt") is not None
    assert PeopleStore(tmp_path).ledger("other code") is None
    db = sqlite3.connect(tmp_path / "people.sqlite")      # a build stopped between the two
    db.execute("UPDATE meta SET value = x'00' WHERE key = 'token'")
    db.commit()
    db.close()
    assert PeopleStore(tmp_path).ledger("salt") is None
    decided, _ = step(PeopleStore(tmp_path), [SMITH, DAS, ADAM])
    assert decided == {"john", "das", "adam"}                 # resolved afresh
    assert PeopleStore(tmp_path, fresh=True).ledger("salt") is None      # --clean


@pytest.mark.corpus
def test_kept_people_equal_people_resolved_afresh_as_cables_come_and_go(tmp_path):
    """The build's path (``resolving._rows``; the process apart's keeps the ledger after
    answering, ``_resolve_apart``) over the corpus, cables removed and added at random
    between builds: each result is the one resolving the collection afresh gives."""
    from generator import collect as collect_mod
    from generator import resolving
    from generator.discover import discover
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src)
    inputs = list(parsed.people)
    everything = list(range(len(parsed.cables)))
    rng = random.Random(5)
    now = rng.sample(everything, len(everything) * 3 // 4)
    kept = PeopleStore(tmp_path)

    class At:                       # the inputs of the cables of this build, by place
        def __init__(self, which):
            self.which = which

        def at(self, places):
            return [inputs[self.which[p]] for p in places]
    for build in range(6):
        which = sorted(now)
        cables = [parsed.cables[i] for i in which]
        lower = parsed.lower if build != 4 else parsed.lower - {"wood", "hill", "bush"}
        rows = resolving._rows(cables, Editorial(), lower, At(which),
                                 [parsed.digests[i] for i in which], kept)
        assert rows[:2] == resolve_rows(cables, Editorial(), lower, [inputs[i] for i in which])
        assert len(rows[0]) > 1000
        out = set(rng.sample(now, 15))
        now = [i for i in now if i not in out] + rng.sample(sorted(set(everything) - set(now)), 15)


def test_inputs_at_places_are_those_read_in_order():
    """``parsed.PeopleInputs.at``: the inputs of some cables, read from the lists (one a
    file, some of unknown length, some empty) that hold them."""
    import pickle
    from generator.parsed import PeopleInputs
    lists = [[f"c{n}-{k}" for k in range(n % 4)] for n in range(40)]
    # every fifth list is a cached file's (by its key, its length known), whose lists are
    # read only when asked
    cached = {f"key{n}": [pickle.dumps(x[:1]), pickle.dumps(x[1:])]
              for n, x in enumerate(lists) if n % 5 == 0}
    counts = [len(x) if n % 3 or n % 5 == 0 else None for n, x in enumerate(lists)]
    asked: list[list[str]] = []

    def rows(keys):
        asked.append(keys)
        return {k: cached[k] for k in keys}
    inputs = PeopleInputs([f"key{n}" if n % 5 == 0 else pickle.dumps(x)
                           for n, x in enumerate(lists)], counts, rows)
    every = list(inputs)
    assert every == [i for x in lists for i in x]
    rng = random.Random(3)
    for _ in range(20):
        places = rng.sample(range(len(every)), rng.randint(1, 12))
        asked.clear()
        assert inputs.at(places) == [every[p] for p in places]
        holding = {f"key{n}" for n, x in enumerate(lists) for k in range(len(x))
                   if n % 5 == 0 and f"c{n}-{k}" in {every[p] for p in places}}
        assert sorted(k for keys in asked for k in keys) == sorted(holding)
    assert inputs.at(list(range(len(every)))) == every and inputs.at([]) == []
    with pytest.raises(IndexError):
        inputs.at([len(every)])


@pytest.mark.corpus
def test_equal_titles_forms_and_paragraphs_are_one_object_in_every_row(tmp_path):
    """Resolved afresh, the rows share each distinct tuple of titles, forms or paragraphs
    (``decide.ref_row``'s ``shared``), and so does the ledger the next build reads: at
    250,000 synthetic cables, whose persons come back more often than the corpus's, the
    answer of the people process pickles to half the bytes and loads in half the time."""
    import pickle
    from generator import collect as collect_mod
    from generator.discover import discover
    src, _ = discover([CORPUS])
    parsed = collect_mod.parse_sources(src)
    inputs = list(parsed.people)
    keys = list(parsed.digests)
    store = PeopleStore(tmp_path)
    ledger, changes = kept_update(store, "salt", parsed.cables, keys,
                                  lambda at: [inputs[n] for n in at], parsed.lower)
    store.save(ledger, changes, keys, ledger.result(keys))
    store.close()

    def parts(refs):
        return [part for cable in refs for row in cable for part in row[2:]]
    for refs in (ledger.result(keys)[1], store.ledger("salt").result(keys)[1]):
        every = parts(refs)
        assert len(every) > 3000
        assert len({id(p) for p in every}) == len(set(every)) < len(every) // 2
    apart = [tuple((*row[:2], *(tuple(list(p)) for p in row[2:])) for row in cable)
             for cable in refs]
    assert apart == refs and len(pickle.dumps(refs)) < len(pickle.dumps(apart))
