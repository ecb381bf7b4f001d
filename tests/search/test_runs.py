"""Runs of postings kept between builds: terms by number in a table that only grows, a
run's stats read without its postings, and only the postings asked for merged."""
from __future__ import annotations

import numpy as np

from generator.kept import AnalysisCache
from generator.search import numbers, postings, runs
from generator.search.runs import RunStore, TermTable


class _Doc:
    def __init__(self, n: int, text: str) -> None:
        self.fingerprint = f"cable {n} {text}".encode()
        self.key = ("2007", "Paris", "", "", f"07PARIS{n}")
        self.load = lambda: ({"body": text, "subject": f"word{n}"}, {})


def _docs(texts: list[str]) -> list[_Doc]:
    return [_Doc(n, t) for n, t in enumerate(texts)]


TEXTS = [f"kosovo embassy minister{n % 7} talks{n % 13} visit{n}" for n in range(300)]


def _encoded(index, select=None) -> dict:
    return {t.term: (t.docs, t.tiers) for t in index.terms(1, select)}


def test_a_term_keeps_its_number_across_loads_and_a_cut_off_line_is_dropped(tmp_path):
    path = tmp_path / "terms"
    table = TermTable(path)
    runs.term_ids(table.ids, ["kosovo", "priština", "embassy"])
    table.save()
    runs.term_ids(table.ids, ["embassy", "talks"])
    table.save()
    again = TermTable(path)
    assert again.ids == {"kosovo": 0, "priština": 1, "embassy": 2, "talks": 3}
    assert again.token == table.token
    with open(path, "ab") as f:
        f.write("visi".encode())            # a build stopped in the middle of a line
    third = TermTable(path)
    assert third.ids == again.ids and path.read_bytes().endswith(b"talks\n")
    assert runs.term_ids(third.ids, ["visit"]) == [4]
    third.save()
    assert TermTable(path).ids["visit"] == 4
    assert TermTable(path, fresh=True).ids == {} and TermTable(tmp_path / "none").ids == {}


def test_a_run_reads_back_whole_or_as_its_stats_alone(tmp_path):
    p = postings.Postings()
    for text in TEXTS[:20]:
        p.add({"body": text})
    part = p.part(np.arange(40, dtype=np.uint64).reshape(20, 2))
    store = RunStore(tmp_path / "runs")
    key = bytes(range(16))
    store.put(key, part)
    whole, stats = store.run(key), store.run(key, stats_only=True)
    assert whole.count == stats.count == 20 and whole.term is not None and stats.term is None
    assert (whole.gids == stats.gids).all() and (whole.sums == stats.sums).all()
    names = list(store.table.ids)
    assert [names[g] for g in whole.gids] == part[0]
    assert len(whole.term) == len(part[2]) // 4 and whole.packed.dtype == np.uint16
    merged = postings.Postings()
    merged.vocab = store.table.ids
    merged.merge_run(whole)
    assert all(a.flags.owndata for a in merged.merged[0])   # not views keeping the file's bytes
    later = RunStore(tmp_path / "runs")
    assert later.kept([key, bytes(16)]) == {key}        # the table's terms were saved first
    (tmp_path / "runs" / "terms").unlink()              # another table: its runs are not kept
    assert RunStore(tmp_path / "runs").kept([key]) == set()


def test_an_index_merges_only_the_postings_of_the_terms_asked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(numbers, "PART", 16)
    docs = _docs(TEXTS)
    index = postings.analyse(docs, store=RunStore(tmp_path / "runs"), cache=AnalysisCache(tmp_path / "a.sqlite"))
    assert len(index.plan) > 10
    names, ndocs, content = index.summary()
    everything = _encoded(index)
    assert list(everything) == names and [everything[t][0] for t in names] == ndocs.tolist()
    select = np.array([t.startswith("minister") or t == "kosovo" for t in names])
    merged = []
    real = postings.Postings.merge_run
    monkeypatch.setattr(postings.Postings, "merge_run",
                        lambda self, run, *a: merged.append(run.term is None) or real(self, run, *a))
    held = []
    real_terms = postings.Postings.terms
    monkeypatch.setattr(postings.Postings, "terms",
                        lambda self, *a: held.append(len(self.term)) or real_terms(self, *a))
    some = _encoded(index, select)
    assert held == [int(ndocs[select].sum())]    # their terms are in the body alone: a posting a cable
    assert some == {t: everything[t] for t in np.array(names)[select]}
    assert merged == [False] * len(index.plan)       # the stats were read once, before
    assert some["kosovo"][0] == 300

    # A rebuild reads every run from the store: the same summary and terms.
    again = postings.analyse(docs, store=RunStore(tmp_path / "runs"),
                             cache=AnalysisCache(tmp_path / "a.sqlite"))
    assert again.summary()[0] == names and (again.summary()[2] == content).all()
    assert _encoded(again) == everything


def test_a_mostly_stale_table_starts_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(numbers, "PART", 16)
    monkeypatch.setattr(runs, "STALE_SLACK", 0)
    folder = tmp_path / "runs"
    first = RunStore(folder)
    postings.analyse(_docs(TEXTS[:40]), store=first, cache=AnalysisCache(tmp_path / "a.sqlite")).summary()
    first.finish()
    assert len(first.table.ids) == first.live and (folder / "terms").exists()
    other = ["serbia"] * 40           # most of the first cables' terms are gone
    store = RunStore(folder)
    index = postings.analyse(_docs(other), store=store, cache=AnalysisCache(tmp_path / "a.sqlite"))
    fresh = _encoded(postings.analyse(_docs(other)))
    assert _encoded(index) == fresh
    assert len(store.table.ids) > 2 * store.live          # the old cables' terms linger
    store.finish()
    assert not folder.exists()                             # so the next build starts afresh
    assert _encoded(postings.analyse(_docs(other), store=RunStore(folder),
                                     cache=AnalysisCache(tmp_path / "a.sqlite"))) == fresh


def test_a_terms_sum_does_not_depend_on_where_the_runs_are_cut(tmp_path, monkeypatch):
    """A new cable can move the cuts of the runs after its own; the documents keep their
    numbers, and their terms' sums (what a shard's fingerprint is made of) stay."""
    monkeypatch.setattr(numbers, "PART", 16)
    docs = _docs(TEXTS)
    real = postings.runs

    def recut(size):
        def cut(ds, blocks):
            flat = [x for run in real(ds, blocks) for x in run]
            return [flat[a:a + size] for a in range(0, len(flat), size)]
        return cut
    sums = []
    for size in (7, 11, 300):
        monkeypatch.setattr(postings, "runs", recut(size))
        index = postings.analyse(docs, cache=AnalysisCache(tmp_path / "a.sqlite"))
        sums.append(index.summary()[2])
        assert len(index.plan) == -(-300 // size)
    assert sums[0] is not None and (sums[0] == sums[1]).all() and (sums[0] == sums[2]).all()


def test_merging_a_run_with_some_terms_keeps_exactly_their_postings_in_each_document():
    """``merge_run(keep=...)`` against the whole run merged and filtered afterwards: the
    same postings in the same order, and each document's start where its kept postings
    begin (documents with no text, and documents none of whose terms are kept, between
    others)."""
    texts = ["alpha beta gamma", "", "delta delta epsilon", "beta zeta", "", "alpha alpha eta",
             "theta", "gamma beta alpha zeta"] * 3
    source = postings.Postings()
    for text in texts:
        source.add({"body": text, "subject": ""})
    ids: dict[str, int] = {"unused": 0}                # the table's numbers are not the run's
    run = runs.Run.from_part(source.part(), ids)
    names = sorted(t for t in ids if t != "unused")
    for kept_terms in ({"beta", "zeta"}, {"alpha"}, {"theta", "delta"}, set(names), set()):
        keep = np.zeros(len(ids), dtype=bool)
        keep[[ids[t] for t in kept_terms]] = True
        whole, some = postings.Postings(), postings.Postings()
        whole.vocab = some.vocab = ids
        whole.merge_run(run)
        some.merge_run(run, keep=keep)
        term, starts, packed, _ = whole._arrays()
        doc = np.repeat(np.arange(len(texts)), np.diff(np.r_[starts, len(term)]))
        mask = keep[term]
        assert np.frombuffer(some.term, dtype=np.uint32).tolist() == term[mask].tolist()
        assert some._arrays()[2].tolist() == packed[mask].tolist()
        expected = np.r_[0, np.cumsum(np.bincount(doc[mask], minlength=len(texts)))[:-1]]
        assert some._arrays()[1].tolist() == expected.tolist()
        assert some.count == whole.count == len(texts)


def test_parallel_analysis_holds_few_runs_made_and_not_yet_stored(tmp_path, monkeypatch):
    """The forked workers analyse at most two runs each ahead of the process storing
    them: with slow stores, the runs made and not yet stored stay at five for two
    workers (the one being stored and four asked for; a pool's imap, which hands back
    every result as soon as it is made, let them pile up), and the index is the one
    process's."""
    import multiprocessing
    import time
    monkeypatch.setattr(numbers, "PART", 16)
    docs = _docs(TEXTS)
    made = multiprocessing.get_context("fork").Value("i", 0)
    real_run = postings._analyse_run

    def counted(task):
        out = real_run(task)
        with made.get_lock():
            made.value += 1
        return out
    monkeypatch.setattr(postings, "_analyse_run", counted)
    waiting = []
    real_put = RunStore.put

    def slow_put(self, key, part):
        time.sleep(0.03)
        waiting.append(made.value - len(waiting))     # made, this one included, not stored
        return real_put(self, key, part)
    monkeypatch.setattr(RunStore, "put", slow_put)
    two = postings.analyse(docs, jobs=2, store=RunStore(tmp_path / "two"),
                           cache=AnalysisCache(tmp_path / "two.sqlite"))
    assert len(waiting) == len(two.plan) > 20
    assert max(waiting) <= 5
    monkeypatch.setattr(RunStore, "put", real_put)
    one = postings.analyse(docs, jobs=1, store=RunStore(tmp_path / "one"),
                           cache=AnalysisCache(tmp_path / "one.sqlite"))
    assert _encoded(one) == _encoded(two)
