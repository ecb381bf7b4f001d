"""Related cables: those sharing the most people (3 each) and tags (1 each)."""
from __future__ import annotations

import pytest

from generator import related as rel

from .conftest import CORPUS, SEEDS, resolved_site


def _by_hand(site, i, limit=5):
    """The definition, cable by cable: slow, plain, and independent of the index.
    Only cables the indexes list (not other versions of a cable) are related."""
    people = [p.key for p in site.persons_of[i]
              if len(site.person_cables.get(p.key, [])) <= rel.CAP]
    tags = [t for t in site.cables[i].tags if len(site.tags.get(t, [])) <= rel.CAP]
    scored = []
    for j in range(len(site.cables)):
        if j == i or j in site.version_of:
            continue
        theirs = {p.key for p in site.persons_of[j]}
        s = 3 * sum(k in theirs for k in people) + sum(t in site.cables[j].tags for t in tags)
        if s >= 2:
            scored.append((-s, site.keys[j], j))
    return [j for _, _, j in sorted(scored)[:limit]]


@pytest.mark.corpus
def test_related_cables_match_their_definition_on_the_corpus(tmp_path):
    site = resolved_site(tmp_path, [CORPUS])
    index = rel.related_index(site)
    found = 0
    for i in range(len(site.cables)):
        got = rel.related(site, i, index=index)
        assert got == _by_hand(site, i), site.keys[i]
        found += bool(got)
    assert found > len(site.cables) // 2      # most cables have some relations


def test_common_people_and_tags_say_nothing(tmp_path, monkeypatch):
    """Over the cap, a tag or person is too common to relate cables; ties go by key."""
    site = resolved_site(tmp_path, [SEEDS])
    full = {i: rel.related(site, i) for i in range(len(site.cables))}
    assert any(full.values())
    for i, got in full.items():
        assert got == _by_hand(site, i)
        assert i not in got
    monkeypatch.setattr(rel, "CAP", 0)
    assert all(rel.related(site, i) == [] for i in range(len(site.cables)))


@pytest.mark.corpus
def test_every_answer_kept_or_scored_is_the_definitions(tmp_path):
    """``related_all`` answers for every cable: scored on two processes, then taken back
    from the answers kept by input digest, with the same result as scoring one cable at a
    time; in the build's order of work, ``of`` gives the same lists."""
    site = resolved_site(tmp_path, [CORPUS])
    index = rel.related_index(site)
    want = [rel.related(site, i, index=index) for i in range(len(site.cables))]
    scored, kept, n = rel.related_all(site, None, jobs=2)
    assert n == len(site.cables) and len(kept[1]) == 16 * len(site.cables)
    again, kept2, n2 = rel.related_all(site, kept, jobs=2)
    assert n2 == 0 and kept2 == kept
    for answers in (scored, again):
        assert [[j for j in row if j >= 0] for row in answers.tolist()] == want
    site.related = again
    assert [rel.of(site, i) for i in range(len(site.cables))] == want


def _digests(kept: tuple) -> set[bytes]:
    blob = kept[1]
    return {blob[k:k + 16] for k in range(0, len(blob), 16)}


def test_a_new_cable_rescores_only_the_cables_it_shares_people_or_tags_with(tmp_path):
    """What a kept answer is made from: the cable's key and the cables of its people and
    tags.  A new cable changes those of the cables that share one with it (they are
    scored again, the new one too) and leaves the others' answers as they are, found
    again by key: the new cable comes first, so every other cable's place moves."""
    import shutil
    from .test_pages import CITING      # Tokyo on wheat: no person or tag of the seeds'
    root = tmp_path / "cables"
    shutil.copytree(SEEDS, root)
    (root / "tokyo.txt").write_text(CITING, encoding="utf-8")
    site = resolved_site(tmp_path / "a", [root])
    _, kept, _ = rel.related_all(site, None)
    first = sorted(SEEDS.iterdir())[0].read_text()
    assert "PARIS 003198" in first
    (root / "0.txt").write_text(first.replace("PARIS 003198", "PARIS 009999"), encoding="utf-8")
    bigger = resolved_site(tmp_path / "b", [root])
    new = bigger.keys.index("07PARIS9999")
    assert [bigger.keys[i] for i in range(len(bigger.keys)) if i != new] == site.keys
    assert bigger.keys.index(site.keys[0]) != 0          # the places moved
    answers, kept2, scored = rel.related_all(bigger, kept)
    index = rel.related_index(bigger)
    assert [[j for j in row if j >= 0] for row in answers.tolist()] == \
        [rel.related(bigger, i, index=index) for i in range(len(bigger.cables))]
    mine = ({p.key for p in bigger.persons_of[new]}, set(bigger.cables[new].tags))
    sharing = [i for i in range(len(bigger.cables)) if i != new and
               ({p.key for p in bigger.persons_of[i]} & mine[0] or set(bigger.cables[i].tags) & mine[1])]
    assert sharing and rel.related(bigger, new, index=index)     # the copy relates to its original
    assert scored == len(sharing) + 1 < len(bigger.cables)
    assert len(_digests(kept2) - _digests(kept)) == scored
    # a kept answer naming a cable no longer there is scored again, not taken
    keys = kept2[0].split("\n")
    named = next(j for j in answers[:, 0].tolist() if j >= 0)
    gone = ("\n".join("gone-cable" if k == keys[named] else k for k in keys), *kept2[1:])
    again, _, rescored = rel.related_all(bigger, gone)
    assert rescored >= 1 and (again == answers).all()


@pytest.mark.parametrize("known", [None, {}, ("", b"", b""), ("a\nb", b"x" * 16, b"\0" * 20),
                                   ("a", b"x" * 16, b"\0" * 7)])
def test_answers_kept_by_another_build_or_broken_mean_scoring_afresh(tmp_path, known):
    site = resolved_site(tmp_path, [SEEDS])
    want, _, n = rel.related_all(site, None)
    got, _, scored = rel.related_all(site, known)
    assert scored == n == len(site.cables) and (got == want).all()
