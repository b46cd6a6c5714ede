"""What each licence allows, and which licences a remix may take given its ancestry.

The rules, for a `uses` edge (material from the source is in the derived work):
- No-derivatives (CC BY-ND, BY-NC-ND) and all-rights-reserved works cannot be used in
  someone else's work; their own creators may. Anyone may still be *inspired by* them.
- Share-alike (BY-SA, BY-NC-SA): the remix takes exactly the same licence.
- Non-commercial (BY-NC, BY-NC-SA, BY-NC-ND): the remix must be non-commercial too.
- The Ensemble Accord, CC BY and CC0 allow derivatives under any licence.
These apply across the whole ancestry reached through `uses` edges: a remix of a remix of
a BY-SA song is BY-SA as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from ensemble.records.models import Licence


@dataclass(frozen=True)
class Terms:
    derivatives: bool
    share_alike: bool
    non_commercial: bool
    attribution: bool
    commercial_use_by_operator: bool = False  # the Accord's production clause


TERMS: dict[str, Terms] = {
    Licence.ACCORD: Terms(True, False, False, True, commercial_use_by_operator=True),
    Licence.CC_BY: Terms(True, False, False, True),
    Licence.CC_BY_SA: Terms(True, True, False, True),
    Licence.CC_BY_NC: Terms(True, False, True, True),
    Licence.CC_BY_NC_SA: Terms(True, True, True, True),
    Licence.CC_BY_ND: Terms(False, False, False, True),
    Licence.CC_BY_NC_ND: Terms(False, False, True, True),
    Licence.CC0: Terms(True, False, False, False),
    Licence.ALL_RIGHTS_RESERVED: Terms(False, False, False, True),
}

NON_COMMERCIAL = [lic for lic, t in TERMS.items() if t.non_commercial]


def terms(licence: str) -> Terms:
    return TERMS[Licence(licence)]


def label(licence: str) -> str:
    return Licence(licence).label


@dataclass(frozen=True)
class Ancestor:
    """One work in the ancestry of a citation, under the terms it was cited with."""

    record_id: int
    title: str
    owner_id: int
    owner_name: str
    licence: str


@dataclass(frozen=True)
class Conflict:
    ancestor: Ancestor
    reason: str

    @property
    def message(self) -> str:
        a = self.ancestor
        return f"“{a.title}” by {a.owner_name} is {label(a.licence)}: {self.reason}"


def allowed_licences(ancestry: list[Ancestor], *, owner_id: int) -> list[str]:
    """The licences a work using all of `ancestry` may take, most open first.

    Empty when the ancestry cannot be used at all (see `conflicts`).
    """
    candidates = list(TERMS)
    for ancestor in ancestry:
        t = terms(ancestor.licence)
        if ancestor.owner_id == owner_id:
            continue  # your own work: you hold the rights
        if not t.derivatives:
            return []
        if t.share_alike:
            candidates = [c for c in candidates if c == ancestor.licence]
        if t.non_commercial:
            candidates = [c for c in candidates if terms(c).non_commercial]
    return candidates


def conflicts(ancestry: list[Ancestor], *, licence: str, owner_id: int) -> list[Conflict]:
    """Why a work under `licence`, owned by `owner_id`, may not use this ancestry."""
    found: list[Conflict] = []
    for ancestor in ancestry:
        if ancestor.owner_id == owner_id:
            continue
        t = terms(ancestor.licence)
        if not t.derivatives:
            why = "it may not be used in other works (you may still cite it as an inspiration)."
            found.append(Conflict(ancestor, why))
        elif t.share_alike and licence != ancestor.licence:
            found.append(
                Conflict(ancestor, f"works using it must be {label(ancestor.licence)} too.")
            )
        elif t.non_commercial and not terms(licence).non_commercial:
            found.append(
                Conflict(
                    ancestor,
                    "works using it must be non-commercial too "
                    f"({', '.join(label(c) for c in NON_COMMERCIAL if terms(c).derivatives)}).",
                )
            )
    return found
