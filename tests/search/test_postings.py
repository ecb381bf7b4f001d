"""The inverted index: BM25 weights of each document alone, encoded without loss of
order, cut in tiers, numbered by blocks."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from lunr.token import Token

from generator.pagecuts import number_marks, page_starts
from generator.search import postings as postings_mod, tiers as tiers_mod
from generator.search.documents import FIELDS, id_terms
from generator.search.pipeline import PIPELINE, SEPARATOR
from generator.search.postings import AVG, Postings
from generator.search.tiers import ALPHABET
from generator.search.runs import Run

ROOT = Path(__file__).resolve().parents[2]
DIGIT = {chr(c): k for k, c in enumerate(ALPHABET.tolist())}

DOCS = [
    {"id": "07paris3198 paris3198", "subject": "DAS KRAMER'S JULY 20 MTG WITH ELYSEE RUSSIA ADVISOR",
     "body": "Russia-France relations were discussed. Kosovo's status, Kosovo independence.\n"
             "The Elysee advisor said Russia would not accept a Kosovo resolution.",
     "tags": "PREL External Political Relations RS FR", "people": "Damien Loras Kramer",
     "origin": "Embassy Paris"},
    {"id": "07moscow4634 moscow4634", "subject": "RUSSIA-FRANCE RELATIONS: AFTER KOUCHNER",
     "body": "Kouchner visited Moscow. Lavrov and Kouchner discussed Iran, Kosovo and the "
             "Middle East. Relations are special.", "tags": "PREL FR RS",
     "people": "Bernard Kouchner Sergey Lavrov", "origin": "Embassy Moscow"},
    {"id": "05paris579 paris579", "subject": "French explain and reassure on trip to Russia",
     "body": "Cochard said Russia NATO relations were not rosy. " * 3, "tags": "PREL PGOV FR RU",
     "people": "Cochard", "origin": ""},
]


def varints(enc: str, i: int = 0):
    """Read one base-32 varint of the index alphabet at ``i``: (value, next index)."""
    v = 0
    while True:
        d = DIGIT[enc[i]]
        i += 1
        v = v * 32 + (d & 31)
        if d < 32:
            return v, i


def decode(enc: str):
    """The reader of search.js, in Python: (doc, field, weight) per posting."""
    doc, i, out = 0, 0, []
    while i < len(enc):
        v, i = varints(enc, i)
        doc += v
        pair = DIGIT[enc[i]] * 64 + DIGIT[enc[i + 1]]
        i += 2
        out.append((doc, FIELDS[pair >> 9], ((pair & 511) / 511) ** 2))
    return out


def expected_weights(docs):
    """What each posting should weigh, counted with lunr.py's pipeline: BM25's
    term-frequency part (lunr's k1 and b) against the field's fixed typical length, over
    the length of the vector of those parts in the document's field."""
    out = {}
    for n, d in enumerate(docs):
        for f in FIELDS:
            words = [w for w in SEPARATOR.split(d.get(f, "").lower()) if w] if f != "id" \
                else d.get(f, "").split()
            terms = [str(t) for t in PIPELINE.run([Token(w) for w in words]) if str(t)]
            parts = {t: (1.2 + 1) * c / (1.2 * (1 - 0.75 + 0.75 * len(terms) / AVG[f]) + c)
                     for t, c in Counter(terms).items()}
            norm = math.sqrt(sum(v * v for v in parts.values()))
            out.update({(t, n, f): v / norm for t, v in parts.items()})
    return out


def weights(p):
    return {(t.term, doc, field): w for t in p.terms() for tier in t.tiers
            for doc, field, w in decode(tier)}


def test_weights_are_bm25_parts_over_the_field_vector_length():
    p = Postings()
    for d in DOCS:
        p.add(d)
    mine, theirs = weights(p), expected_weights(DOCS)
    assert set(mine) == set(theirs)
    for key, w in theirs.items():
        # the weight is sent as round(sqrt(w) * 511): about 0.2% of precision
        assert math.isclose(mine[key], w, rel_tol=0.01, abs_tol=2e-4), key
    assert ("kosovo", 0, "body") in mine and ("franc", 1, "subject") in mine
    assert ("07paris3198", 0, "id") in mine and ("paris3198", 0, "id") in mine


def test_a_documents_weights_do_not_depend_on_the_other_documents():
    """So a new cable changes the postings of its own terms only."""
    alone, together = Postings(), Postings()
    alone.add(DOCS[0])
    for d in DOCS:
        together.add(d)
    mine = weights(alone)
    assert mine == {k: w for k, w in weights(together).items() if k[1] == 0} and len(mine) > 20


def test_documents_count_once_per_term_and_terms_are_sorted():
    p = Postings()
    for d in DOCS:
        p.add(d)
    terms = list(p.terms())
    assert [t.term for t in terms] == sorted(t.term for t in terms)
    by = {t.term: t for t in terms}
    assert by["russia"].docs == 3 and by["kouchner"].docs == 1 and by["lavrov"].docs == 1
    assert {doc for doc, _, _ in decode(by["russia"].tiers[0])} == {0, 1, 2}


def cut(ranked: list[int], per: int) -> list[list[int]]:
    """The tiers of documents ranked best first: each ends after a document whose number
    is a mark, once it holds half a tier (``pagecuts``), and lists its documents in
    order."""
    marked = np.flatnonzero(number_marks(np.array(ranked), per)).tolist()
    starts = page_starts(len(ranked), marked, per) + [len(ranked)]
    return [sorted(ranked[a:z]) for a, z in zip(starts, starts[1:])]


def test_tiers_hold_the_best_documents_first(monkeypatch):
    monkeypatch.setattr(tiers_mod, "TIER", 4)
    p = Postings()
    for n in range(11):
        # the word weighs more the more often it is said in a short body
        p.add({"body": "embargo " * (11 - n) + "filler words here " * n, "subject": f"cable {n}"})
    t = {t.term: t for t in p.terms()}["embargo"]
    tiers = [[doc for doc, _, _ in decode(x)] for x in t.tiers]
    assert t.docs == 11 and len(tiers) > 1
    assert [d for tier in tiers for d in tier] == list(range(11))      # the best first
    assert all(2 <= len(tier) <= 8 for tier in tiers[:-1])             # half to twice TIER
    assert tiers == cut(list(range(11)), 4)


def test_a_new_document_changes_its_own_tier_of_a_term(monkeypatch):
    """Tiers cut where their documents' numbers say: a document added to a term changes
    the tier it is ranked in and, rarely, the next one; every other tier keeps its bytes
    (cut every TIER by rank, every tier after it would change)."""
    monkeypatch.setattr(tiers_mod, "TIER", 8)
    bodies = ["embargo " * (1 + n % 37) + "filler " * (n % 11) for n in range(300)]

    def tiers_of(bodies: list[str]) -> list[str]:
        p = Postings()
        for b in bodies:
            p.add({"body": b})
        return {t.term: t for t in p.terms()}["embargo"].tiers

    before = tiers_of(bodies)
    for body in ("embargo " * 18 + "filler " * 5, "embargo " * 2 + "filler " * 9, "embargo " * 36):
        after = tiers_of(bodies + [body])
        changed = [x for x in after if x not in before]
        assert len(before) > 20 and 1 <= len(changed) <= 2
        assert len(after) - len(before) in (0, 1)
        assert sum(len(decode(x)) for x in after) == 301


def test_large_document_numbers_and_gaps_survive_encoding():
    p = Postings()
    for n in range(3000):
        p.add({"body": "rare" if n in (0, 31, 32, 1023, 1024, 2999) else "common"})
    t = {t.term: t for t in p.terms()}["rare"]
    assert [doc for doc, _, _ in decode(t.tiers[0])] == [0, 31, 32, 1023, 1024, 2999]


def _terms(p):
    return [(t.term, t.docs, t.tiers) for t in p.terms()]


def test_a_count_too_large_for_two_bytes_widens_the_postings_and_keeps_the_weights():
    docs = [dict(DOCS[0], body=DOCS[0]["body"] + " embargo" * 9000), DOCS[1], DOCS[2]]
    p = Postings()
    for d in docs:
        p.add(d)
    p._pack()
    assert p.packed.typecode == "I"          # 9000 << 3 does not fit in 16 bits
    mine, theirs = weights(p), expected_weights(docs)
    assert set(mine) == set(theirs) and ("embargo", 0, "body") in mine
    for key, w in theirs.items():
        assert math.isclose(mine[key], w, rel_tol=0.01, abs_tol=2e-4), key
    q = Postings()
    for d in DOCS:
        q.add(d)
    q._pack()
    assert q.packed.typecode == "H"


def test_postings_packed_as_they_come_or_merged_from_parts_are_the_same(monkeypatch):
    docs = DOCS * 7 + [dict(DOCS[1], body="Kosovo " * 9000)] + DOCS * 2
    whole = Postings()
    for d in docs:
        whole.add(d)
    expected = _terms(whole)
    monkeypatch.setattr(postings_mod, "STAGE", 5)       # packed every few documents
    staged = Postings()
    for d in docs:
        staged.add(d)
    assert _terms(staged) == expected
    merged = Postings()                               # parts of two widths, as workers send
    for a in range(0, len(docs), 4):
        part = Postings()
        for d in docs[a:a + 4]:
            part.add(d)
        merged.merge_run(Run.from_part(part.part(), merged.vocab))
    assert merged.packed.typecode == "I"
    assert _terms(merged) == expected


def test_id_terms_cover_the_common_forms():
    assert id_terms("07PARIS3198") == ["07paris3198", "paris3198"]
    assert id_terms("08USUNNEWYORK0123") == ["08usunnewyork123", "usunnewyork123"]
    assert id_terms("1975STATE123456") == ["1975state123456", "state123456"]
    assert id_terms(None) == []


def test_empty_collection_has_no_terms():
    assert list(Postings().terms()) == []
    p = Postings()
    p.add({"body": "the and of"})
    assert list(p.terms()) == []


def test_terms_computed_a_range_at_a_time_are_the_same(monkeypatch):
    def run():
        p = Postings()
        for d in DOCS * 5:
            p.add(d)
        return [(t.term, t.docs, t.tiers) for t in p.terms()]
    whole = run()
    monkeypatch.setattr(postings_mod, "CHUNK", 7)
    monkeypatch.setattr(tiers_mod, "TIER", 2)
    small = run()
    assert [x[:2] for x in small] == [x[:2] for x in whole]
    assert [sorted(decode("".join(x[2]))) for x in small] != []
    for (_, _, a), (_, _, b) in zip(whole, small):
        assert sorted(p for tier in b for p in decode(tier)) == sorted(decode(a[0]))


@pytest.mark.parametrize("n, terms, chunk", [(1000, 50, 7), (20000, 3000, 999), (5, 3, 2), (0, 1, 3)])
def test_postings_ordered_by_term_in_chunks_as_a_stable_sort(monkeypatch, n, terms, chunk):
    monkeypatch.setattr(postings_mod, "CHUNK", chunk)
    term = np.random.default_rng(n).integers(0, terms, n).astype(np.uint32)
    bounds = np.zeros(terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=terms), out=bounds[1:])
    order = postings_mod._by_term(term, bounds)
    assert order.dtype == np.uint32 and (order == np.argsort(term, kind="stable")).all()
    select = np.random.default_rng(terms).random(terms) < 0.3        # some terms only
    counts = np.where(select, np.bincount(term, minlength=terms), 0)
    np.cumsum(counts, out=bounds[1:])
    some = postings_mod._by_term(term, bounds, select)
    full = np.argsort(term, kind="stable")
    assert (some == full[select[term[full]]]).all()


def test_ranges_encoded_on_two_processes_equal_one(monkeypatch):
    """The forked workers encode the same terms, in the same order, as this process."""
    p_one, p_two = Postings(), Postings()
    for d in DOCS * 40:
        p_one.add(d)
        p_two.add(d)
    monkeypatch.setattr(postings_mod, "CHUNK", 20)
    monkeypatch.setattr(tiers_mod, "TIER", 16)
    monkeypatch.setattr(postings_mod, "ENCODE_FORK_AT", 2)
    seen = []
    real = postings_mod.forked.results

    def watched(work, count, jobs, *args):
        seen.append((count, jobs))
        return real(work, count, jobs, *args)
    monkeypatch.setattr(postings_mod.forked, "results", watched)
    one = [(t.term, t.docs, t.tiers) for t in p_one.terms(1)]
    two = [(t.term, t.docs, t.tiers) for t in p_two.terms(2)]
    assert seen[0][0] > 2 and [j for _, j in seen] == [1, 2]     # many ranges; forked the second time
    assert one == two and len(one) > 30 and any(len(t[2]) > 1 for t in one)


def test_stable_order_is_numpys_stable_argsort_for_keys_of_any_width():
    """The sort of the postings by term (16 bits at a time) against numpy's own stable
    argsort: keys below 2**16, below 2**32 and wider, many ties, and an empty array."""
    rng = np.random.default_rng(7)
    for top, dtype in ((50, np.uint32), (60_000, np.uint32), (300_000, np.uint32),
                       (2**32 - 1, np.uint32), (5 * 2**32, np.int64), (2**40, np.uint64)):
        keys = rng.integers(0, top, 20_000, endpoint=True, dtype=np.uint64).astype(dtype)
        keys[::7] = keys[3]                                   # ties keep their order
        assert (tiers_mod.stable_order(keys) == np.argsort(keys, kind="stable")).all()
    assert len(tiers_mod.stable_order(np.zeros(0, dtype=np.uint32))) == 0
    with pytest.raises(ValueError):
        tiers_mod.stable_order(np.array([3, -1, 2]))


def test_the_order_by_impact_is_lexsorts_by_term_then_best_impact_first():
    """Each term's (term, document) groups ranked as np.lexsort ranks them, the impacts
    rounded to float32: ties (many, and zeros, -0.0, very large impacts and impacts that
    differ only beyond float32's digits among them) in the order given; a negative or NaN
    impact falls back on lexsort itself."""
    rng = np.random.default_rng(11)
    term = np.sort(rng.integers(0, 70_000, 30_000)).astype(np.uint32)
    impact = np.round(rng.random(30_000) * 8, 2)
    impact[::5] = 0.0
    impact[1::17] = -0.0
    impact[2::23] = 1e30
    impact[3::29] = 1.0 + 1e-12 * rng.integers(0, 9, len(impact[3::29]))   # equal in float32
    term[3::29] = term[3]
    term.sort()
    as32 = impact.astype(np.float32)
    got = tiers_mod.by_impact_order(term, impact)
    assert (got == np.lexsort((-as32, term))).all()
    assert not (got == np.lexsort((-impact, term))).all()              # float64 would differ
    close = np.array([1.0, 1.0 + 1e-12, 0.5])
    assert tiers_mod.by_impact_order(np.array([5, 5, 5]), close).tolist() == [0, 1, 2]
    shuffled = rng.permutation(30_000)                      # terms in any order
    assert (tiers_mod.by_impact_order(term[shuffled], impact[shuffled]) ==
            np.lexsort((-as32[shuffled], term[shuffled]))).all()
    odd = impact.copy()
    odd[3], odd[4] = -2.5, np.nan
    assert (tiers_mod.by_impact_order(term, odd) == np.lexsort((-odd.astype(np.float32), term))).all()
    assert len(tiers_mod.by_impact_order(term[:0], impact[:0])) == 0


def test_terms_of_many_and_few_documents_are_tiered_together(monkeypatch):
    """In one range of postings: a term in more than TIER documents has them ranked by
    weight, ties in document order, and cut in tiers; a term in TIER or fewer is one
    tier in document order."""
    monkeypatch.setattr(tiers_mod, "TIER", 4)
    p = Postings()
    for n in range(11):
        p.add({"body": "embargo " * (11 - n) + "filler words here " * n,
               "subject": "kosovo status report", "origin": "Paris" if n % 3 == 0 else "Rome"})
    t = {t.term: t for t in p.terms()}
    docs = {term: [[doc for doc, _, _ in decode(x)] for x in t[term].tiers]
            for term in ("embargo", "kosovo", "pari", "rome")}
    assert docs["embargo"] == cut(list(range(11)), 4) and len(docs["embargo"]) > 1  # best first
    assert docs["kosovo"] == cut(list(range(11)), 4)                   # all equal: by number
    assert docs["pari"] == [[0, 3, 6, 9]]
    assert docs["rome"] == cut([1, 2, 4, 5, 7, 8, 10], 4)
    assert [t[k].docs for k in ("embargo", "kosovo", "pari", "rome")] == [11, 11, 4, 7]


def test_a_tiers_identity_is_its_postings_in_any_order_and_moves_with_any_of_them():
    identities = tiers_mod.identities
    local = np.array([0, 0, 0, 1, 1])                 # term 0 in two tiers, term 1 in one
    tier = np.array([0, 1, 1, 0, 0])
    doc, field, q = np.array([5, 7, 9, 5, 6]), np.array([0, 1, 2, 0, 0]), np.array([10, 20, 30, 40, 50])
    sums, tbase = identities(local, tier, doc, field, q, 2)
    assert tbase.tolist() == [0, 2, 3] and len(set(sums.tolist())) == 3
    swap = np.array([0, 2, 1, 3, 4])                  # the same tier in another order
    assert (identities(local, tier[swap], doc[swap], field[swap], q[swap], 2)[0] == sums).all()
    for changed in (doc, field, q):                   # any one of a posting's parts moved
        was = changed[2]
        changed[2] += 1
        again = identities(local, tier, doc, field, q, 2)[0]
        changed[2] = was
        assert again[1] != sums[1] and again[0] == sums[0] and again[2] == sums[2]
