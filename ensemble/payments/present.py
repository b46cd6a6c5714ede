"""A proposal as people read it: each line as a sum that adds up to what it pays, and the
settings of the split, saying which were left at their defaults and what they mean.

Sentences are built here, once, for the page; the API gives the same numbers as data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from gmpy2 import mpq

from ensemble.accounts.models import User
from ensemble.core.money import format_money
from ensemble.lineage.models import Source
from ensemble.payments import chart
from ensemble.payments.models import Line, Proposal, Revision
from ensemble.payments.services import explain, proposals, snapshot
from ensemble.payments.services.explain import Part


def _percent(bp: int) -> str:
    return f"{bp / 100:g} %"


Money = Callable[..., str]  # minor units → what people read: `format_money` in one currency


def _nearest(exact: mpq, money: Money) -> str:
    """A context amount (what a record received or kept), to the nearest minor unit; said
    to be "about" when it is not whole, since only a line's parts are made to add up."""
    whole = int((exact + mpq(1, 2)).numerator // (exact + mpq(1, 2)).denominator)
    return ("" if exact == whole else "about ") + money(whole)


def _record_detail(
    part: Part, *, total: int, root: int, adjustments: dict[str, Any], money: Money
) -> str:
    """Why a record gave what it gave: what it received, and what it passed on or kept
    (the answer to "why does the main character earn less than a prop?")."""
    t = part.through
    assert t is not None
    shared = f", shared equally by {t.sharers} creators" if t.sharers > 1 else ""
    got, kept = _nearest(t.received * total, money), _nearest(t.kept * total, money)
    if t.record == root:
        return (
            f"The editor share: the production keeps "
            f"{_percent(adjustments['editor_share_bp'])} of the {got} it receives for "
            f"its creators: {kept}{shared}."
        )
    if t.sources:
        plural = "records" if t.sources > 1 else "record"
        return (
            f"It received {got}, passed {_percent(adjustments['pass_through_bp'])} of it "
            f"on to the {t.sources} {plural} it uses, and kept {kept}{shared}."
        )
    if t.cited:
        return (
            f"It received {got}; its sources are inspirations, which weigh 0, so it kept "
            f"all of it{shared}."
        )
    return f"It received {got} and uses no other record, so it kept all of it{shared}."


def _label(part: Part, line: Line, titles: dict[int, str]) -> str:
    if part.kind == "record" and part.through is not None:
        return f"through “{titles.get(part.through.record, '')}”"
    if part.kind == "manual":
        return "added by hand"
    if part.kind == "waived":
        given = "excluded" if line.note.startswith("Excluded") else "waived"
        return f"{given}: goes to everyone else, in proportion to their lines"
    return "part of what others waived or were excluded from, in proportion to this line"


def line_rows(proposal: Proposal, revision: Revision, rows: list[Line]) -> list[dict[str, Any]]:
    """Each line with its explanation: parts that add up, visibly, to the amount."""
    currency, total = proposal.pool.currency, proposal.amount

    # A page of lines shows a few amounts many times over (what a record received or
    # kept reads the same on every line through it): 16 different ones among 320 on
    # the bench's proposal, and each costs 40 µs to format. Each is formatted once.
    @cache
    def money(amount: int, signed: bool = False) -> str:
        return format_money(amount, currency, signed=signed)

    result = explain.result_for(revision)
    root = proposal.pool.production.record_id
    made = {line.pk: explain.breakdown(line.user_id, result, total, root) for line in rows}
    titles = explain.titles([p.through for b in made.values() for p in b.parts if p.through])
    out = []
    for line in rows:
        found = made[line.pk]
        parts = []
        for i, part in enumerate(found.parts):
            t = part.through
            parts.append(
                {
                    "money": money(part.minor, signed=i > 0),
                    "label": _label(part, line, titles),
                    "detail": _record_detail(
                        part,
                        total=total,
                        root=root,
                        adjustments=revision.adjustments,
                        money=money,
                    )
                    if part.kind == "record" and t is not None
                    else "",
                    "path": [
                        {"title": titles.get(s.derived, ""), "weight": s.weight}
                        for s in (t.path if t is not None else [])
                    ],
                }
            )
        out.append(
            {
                "line": line,
                "amount": money(line.amount),
                "parts": parts,
                "rounding": money(found.rounding, signed=True) if found.rounding else "",
            }
        )
    return out


def split_settings(proposal: Proposal, revision: Revision) -> list[dict[str, str]]:
    """What the split was computed with, each setting saying whether it was left at its
    default and what it does to the money (the questions a surprised payee asks)."""
    adjustments = revision.adjustments
    start = proposals.defaults(proposal.pool)
    snap = snapshot.of(revision)
    root = str(snap["root"])
    editors = list(
        User.objects.filter(pk__in=[snap["records"].get(root), *snap["cocreators"].get(root, [])])
    )
    names = ", ".join(u.name for u in editors) or "nobody"
    pass_through, editor = adjustments["pass_through_bp"], adjustments["editor_share_bp"]
    inspired = [f"{d}-{s}" for d, s, kind in snap["edges"] if kind == Source.Kind.INSPIRED_BY]
    weighted = sum(1 for key in inspired if adjustments["weights"].get(key))
    reweighted = len(adjustments["weights"])
    items = [
        {
            "term": "Pass-through",
            "value": _percent(pass_through),
            "text": (
                "The project's setting, left as it is. "
                if pass_through == start["pass_through_bp"]
                else f"Changed from the project's {_percent(start['pass_through_bp'])}. "
            )
            + "Each record passes this part of what it receives on to the records it uses, by "
            "weight, and keeps the rest for its creators. A record that uses no other record "
            "keeps all it receives, so a piece made from scratch can earn more than one built "
            "on earlier work.",
        },
        {
            "term": "Editor share",
            "value": _percent(editor),
            "text": (
                f"Left at its default: the production's own creators ({names}) get nothing "
                "for assembling it, only what their other records in the lineage earn; the "
                "whole pool goes down the lineage. A leader can set an editor share in a "
                "revision."
                if not editor
                else f"The production keeps this part of the pool for its creators ({names}), "
                "before the rest goes down the lineage."
            ),
        },
        {
            "term": "“Inspired by”",
            "value": f"{len(inspired)} in this lineage",
            "text": "An inspiration is credited but weighs 0 by default, so it receives no money "
            "unless a leader gives the edge a weight"
            + (
                f"; {weighted} {'was' if weighted == 1 else 'were'} given one here."
                if weighted
                else "."
            ),
        },
        {
            "term": "Weights",
            "value": f"{reweighted} changed" if reweighted else "Defaults",
            "text": "Each source a record uses weighs 1 by default, so it passes the same to each."
            + (
                " Leaders changed some edges' weights; the revisions say why." if reweighted else ""
            ),
        },
    ]
    given = {k: len(adjustments[k]) for k in proposals.LIST_KEYS}
    if given["waivers"] or given["exclusions"]:
        items.append(
            {
                "term": "Waivers",
                "value": f"{given['waivers'] + given['exclusions']}",
                "text": "A waived or excluded share goes to everyone else in proportion to their "
                "lines; each line shows its part.",
            }
        )
    if given["manual"]:
        items.append(
            {
                "term": "Added by hand",
                "value": f"{given['manual']}",
                "text": "People whose work is not in the lineage, with their share of "
                "the pool taken off the top, each with the reason.",
            }
        )
    return items


LINES_PAGE = 100


def lines_html(proposal: Proposal, revision: Revision, page_number: int) -> str:
    """The proposal page's split: how it was set, the chart, and one page of lines with
    why. A function of the revision and the page alone, whoever reads it (the view
    keeps it for everyone: core.fragments)."""
    currency = proposal.pool.currency
    everyone = Line.objects.filter(revision=revision).order_by("-amount", "user_id")
    # What a line shows: no exact fraction, no record list, no whole member rows.
    listed = everyone.select_related("user").only(
        "revision_id", "user_id", "amount", "note", "user__username", "user__display_name"
    )
    page = Paginator(listed, LINES_PAGE).get_page(page_number)
    # The chart needs every amount but no explanation: names and amounts only.
    picture = chart.split_chart(
        [
            (display or username, amount)
            for display, username, amount in everyone.values_list(
                "user__display_name", "user__username", "amount"
            )
        ],
        currency,
        title=f"How {format_money(proposal.amount, currency)} is split",
    )
    shown = {
        "proposal": proposal,
        "revision": revision,
        "lines": line_rows(proposal, revision, list(page)),
        "page": page,
        "chart": mark_safe(picture),  # noqa: S308 - built with escape()
        "split_settings": split_settings(proposal, revision),
    }
    return render_to_string("payments/_proposal_lines.html", shown)
