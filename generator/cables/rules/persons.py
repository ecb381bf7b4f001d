"""Body artefact rule: the people the cable names (see generator.people.extract)."""
from __future__ import annotations

from ...people.extract import extract
from ..state import State

NAME = "persons"


def apply(state: State) -> None:
    f = state.fields
    cb = f.get("classified_by")
    state.fields["mentions"], state.fields["lower_common"] = extract(
        f.get("paragraphs", ()), f.get("subject"), cb.name if cb else None,
        cb.title if cb else None, f.get("signer"))
