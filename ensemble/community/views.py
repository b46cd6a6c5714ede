"""Community pages and forms: heart, follow, comment, lists. Each form posts here and
comes back to the page it was on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ensemble.accounts import blocks
from ensemble.accounts.http import member
from ensemble.accounts.models import User
from ensemble.community.models import Comment, RecordList
from ensemble.community.services import comments, discover, feed, follows, hearts, lists, trending
from ensemble.community.templatetags import community_tags
from ensemble.core import fragments, memberpages
from ensemble.core.params import whole
from ensemble.core.ratelimit import RateLimited, limited, too_many
from ensemble.core.refusals import Refused, show_refusal
from ensemble.projects.models import Call, Project
from ensemble.projects.services import matching
from ensemble.records import access
from ensemble.records.models import Record
from ensemble.records.present import card_media


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _refused(request: HttpRequest, error: Refused) -> None:
    if error.status == 404:  # what the button acted on is gone (deleted, or made private)
        raise Http404
    show_refusal(request, error)


def _record(request: HttpRequest, record_id: int) -> Record:
    record = get_object_or_404(Record.objects.select_related("owner"), pk=record_id)
    if record.is_deleted or not access.can_view(request.user, record):
        raise Http404
    return record


@login_required
@require_POST
@limited("heart")
def heart(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _record(request, record_id)
    try:
        if request.POST.get("action") == "unheart":
            hearts.unheart(member(request), record)
        else:
            hearts.heart(member(request), record)
    except Refused as error:
        _refused(request, error)
    return _back(request, record.get_absolute_url())


@login_required
@require_POST
@limited("follow")
def follow(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow a person (`person`) or a project (`project`)."""
    me = member(request)
    stop = request.POST.get("action") == "unfollow"
    try:
        if "person" in request.POST:
            person = get_object_or_404(User, username=request.POST["person"], is_active=True)
            fallback = person.get_absolute_url()
            if stop:
                follows.unfollow(me, person=person)
            else:
                follows.follow_person(me, person)
        else:
            project = get_object_or_404(Project, slug=request.POST.get("project", ""))
            fallback = project.get_absolute_url()
            if stop:
                follows.unfollow(me, project=project)
            else:
                follows.follow_project(me, project)
    except Refused as error:
        _refused(request, error)
        fallback = "/"
    return _back(request, fallback)


def _target(kind: str, target_id: str) -> Any:
    model = {"record": Record, "project": Project, "call": Call}.get(kind)
    pk = whole(target_id)
    if model is None or pk is None:
        raise Http404
    return get_object_or_404(model, pk=pk)


@login_required
@require_POST
@limited("comment")
def comment(request: HttpRequest) -> HttpResponse:
    target = _target(request.POST.get("target", ""), request.POST.get("target_id", ""))
    raw = request.POST.get("reply_to", "")
    reply_to = Comment.objects.filter(pk=whole(raw, 0)).first()
    try:
        made = comments.add(
            member(request), target, request.POST.get("body", ""), reply_to=reply_to
        )
    except RateLimited as error:  # too many people named (the mention limit)
        return too_many(request, error)
    except Refused as error:
        _refused(request, error)
        return redirect(target.get_absolute_url() + "#comments")
    return redirect(made.get_absolute_url())


@require_safe
def older_comments(request: HttpRequest, kind: str, target_id: str) -> HttpResponse:
    """The page of comments before `?before=`: htmx puts it in place of the "older
    comments" link (without JavaScript that link reloads the page a page further back)."""
    target = _target(kind, target_id)
    if not comments.can_see(request.user, target):
        raise Http404
    return HttpResponse(
        community_tags.thread_html(request, target, whole(request.GET.get("before")))
    )


def _own_comment(request: HttpRequest, comment_id: int) -> Comment:
    found = get_object_or_404(Comment, pk=comment_id)
    if not comments.can_see(request.user, found.subject):
        raise Http404
    return found


@login_required
@require_POST
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    found = _own_comment(request, comment_id)
    try:
        comments.edit(found, by=member(request), body=request.POST.get("body", ""))
    except Refused as error:
        _refused(request, error)
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    found = _own_comment(request, comment_id)
    try:
        comments.delete(found, by=member(request))
    except Refused as error:
        _refused(request, error)
    return redirect(found.get_absolute_url())


def record_list(request: HttpRequest, list_id: int) -> HttpResponse:
    found = get_object_or_404(RecordList.objects.select_related("owner"), pk=list_id)
    items = lists.visible_items(found)
    cards = [(i, card_media(i.record.current_version, i.record, request.user)) for i in items]
    return render(
        request,
        "community/list.html",
        {
            "list": found,
            "cards": cards,
            "is_owner": request.user.pk == found.owner_id,
        },
    )


@login_required
@never_cache
@limited("list")
def new_list(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            made = lists.create(
                member(request),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
            )
        except Refused as refusal:
            error = refusal.message
        else:
            return redirect(made)
    return render(
        request, "community/new_list.html", {"error": error}, status=400 if error else 200
    )


@login_required
@require_POST
@limited("list")
def add_to_list(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("list", "")
    found = get_object_or_404(RecordList, pk=whole(raw, 0))
    record = _record(request, whole(request.POST.get("record"), 0) or 0)
    try:
        lists.add(found, by=member(request), record=record, note=request.POST.get("note", ""))
    except Refused as error:
        _refused(request, error)
    else:
        messages.success(request, f"Added to “{found.title}”.")
    return redirect(record)


@login_required
@require_POST
@limited("list")
def remove_from_list(request: HttpRequest, list_id: int, record_id: int) -> HttpResponse:
    found = get_object_or_404(RecordList, pk=list_id)
    try:
        lists.remove(found, by=member(request), record=get_object_or_404(Record, pk=record_id))
    except Refused as error:
        _refused(request, error)
    return redirect(found)


@login_required
@never_cache
@memberpages.kept_page
def home_feed(request: HttpRequest) -> HttpResponse:
    try:
        items, next_cursor = feed.kept_page(request, request.GET.get("cursor") or None)
    except feed.BadCursor:
        return redirect("community:feed")
    return render(request, "community/feed.html", {"items": items, "next_cursor": next_cursor})


@memberpages.kept_page
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what was released, what is trending, which calls are open. Kept
    for everyone alike (core.fragments): the calls for all who list the same skills,
    which put the calls asking for them first (and for a member with a block between
    them and someone calling, without that call)."""
    skills = matching.member_skills(request.user)

    def calls(viewer: Any) -> fragments.Shared:
        found = discover.open_calls(skills=skills, apart=blocks.either_way(viewer))
        shown = {**fragments.context_for(viewer), "calls": found}
        # Kept for all, but made afresh for a member with a block between them and the
        # people calling, whose calls they are not offered.
        callers = {c.project.owner_id for c in found if c.project} | {
            c.created_by_id for c in found
        }
        return fragments.Shared(
            render_to_string("community/_home_calls.html", shown), not_for=frozenset(callers)
        )

    def showcase(viewer: Any) -> fragments.Shared:
        found = trending.trending(12)
        shown = {
            **fragments.context_for(viewer),
            "releases": discover.releases(),
            "trending": [(r, card_media(r.current_version, r, viewer)) for r in found],
        }
        return fragments.Shared(render_to_string("community/_showcase.html", shown))

    return render(
        request,
        "community/home.html",
        {
            "showcase": fragments.shared(request, "home-showcase", render=showcase),
            "calls": fragments.shared(
                request,
                "home-calls",
                *sorted(skills),
                render=calls,
                hidden=blocks.either_way(request.user),
            ),
        },
    )
