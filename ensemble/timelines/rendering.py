"""Rendering a timeline in the worker: claim the render, check its records again, fetch
their files, render, and keep the result; recover renders whose worker died.

Steps of `run`:
1. Claim the render (`Render.claim`): this worker's attempt, or nothing to do.
2. Check every record the revision names again, as its starter: a source removed, made
   private or blocked since it was placed fails the render, by name.
3. Resolve the revision into a `Plan`: each record's original on this machine (read in
   place from local folders, fetched from a bucket into a folder under WORK_DIR that
   the worker holds), the end credits drawn from the cut's lineage.
4. Render it (`render.render`), sending heartbeats with the progress.
5. Keep it. A draft goes to the media area, for the leaders to play. A final one
   becomes the production's next version (its first makes the record and the
   production) and, in the same transaction, the production's sources follow the cut
   (`cut.set_sources`) and the render is marked ready; if the render is no longer this
   attempt's, that transaction is undone and nothing is kept.

A worker killed at any step leaves the render `rendering` with a stale heartbeat; the
sweeper (`requeue_stalled`) queues it again and the next attempt starts from nothing.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from ensemble.accounts.models import User
from ensemble.core import filestore, sweepers
from ensemble.core.refusals import Refused
from ensemble.projects.models import Production
from ensemble.records import processing, storage, workspace
from ensemble.records import services as records
from ensemble.records.models import Record, Version
from ensemble.timelines import cut, plan, services
from ensemble.timelines.checks import placed
from ensemble.timelines.models import Render, Timeline
from ensemble.timelines.render import Rendered, RenderError, render
from ensemble.timelines.render.encode import Quality

logger = logging.getLogger(__name__)

INTERNAL_FAILURE = (
    "Something went wrong on our side while rendering. It has been logged; try again later."
)


def enqueue(made: Render) -> None:
    render_id = made.pk
    transaction.on_commit(lambda: render_timeline.enqueue(render_id))


@task(queue_name="media")
def render_timeline(render_id: int) -> str:
    """The worker's entry point: takes an id, never a model instance."""
    return run(render_id)


def run(render_id: int) -> str:
    attempt = Render.claim(render_id, stale_after=processing.stall_after())
    if attempt is None:
        return "not claimed: finished, or another worker has it"
    job = Render.objects.select_related(
        "timeline__project", "timeline__production__record__owner", "revision", "started_by"
    ).get(pk=render_id)
    if attempt > Render.MAX_ATTEMPTS:
        _fail(job, attempt, f"Rendering stopped before finishing {Render.MAX_ATTEMPTS} times.")
        return "failed: too many attempts"
    starter = job.started_by
    try:
        if starter is None or not starter.is_active:
            raise Refused("The leader who started this render has left.")
        services.require_editor(starter, job.timeline)
        document = job.revision.document
        services.check_records(job.timeline, document, by=starter)
        with _workspace(job) as work:
            made = _plan(job, document, work, starter)
            out = work / ("render.m4a" if made.is_audio_only else "render.mp4")
            quality: Quality = "final" if job.quality == Render.Quality.FINAL else "draft"
            result = render(made, out, quality=quality, progress=processing.beater(job.beat))
            _keep(job, attempt, out, result, starter)
    except (RenderError, Refused) as error:
        _fail(job, attempt, error.message)
        return f"failed: {error.message}"
    except filestore.StoreUnavailable:
        logger.warning("Render %s waits: the file store did not answer", render_id)
        return "waiting: the file store did not answer"
    except Exception:
        logger.exception("Render %s failed", render_id)
        _fail(job, attempt, INTERNAL_FAILURE)
        return "failed: internal error"
    return "ready"


@contextmanager
def _workspace(job: Render) -> Iterator[Path]:
    """A folder of this attempt's own under WORK_DIR, held (flock) while it works, so the
    records' sweeper (`workspace.remove_abandoned`) removes it only once it is dead."""
    root = Path(settings.WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(dir=root, prefix=f"render-{job.pk}-") as temp,
        (Path(temp) / workspace.HELD).open("wb") as held,
    ):
        sweepers.hold_while_open(held)
        yield Path(temp)


def _plan(job: Render, document: dict[str, Any], work: Path, starter: User) -> plan.Plan:
    ids = {place.item["record"] for place in placed(document)}
    found = (
        Record.objects.filter(pk__in=ids)
        .select_related("current_version")
        .prefetch_related("current_version__renditions")
    )
    sources = {r.pk: r for r in found}
    draft = job.quality == Render.Quality.DRAFT
    files = {pk: source_file(r, work, draft=draft) for pk, r in sources.items()}
    paths = {pk: path for pk, (path, _) in files.items()}

    def fmt(pk: int) -> str:
        return files[pk][1]

    def named(where: str, pk: int) -> str:
        return f"{where}: “{sources[pk].title}”"

    shots: list[plan.Shot] = []
    for n, item in enumerate(document["video"], 1):
        where = f"video {n}"
        if item["type"] == "clip":
            pk = item["record"]
            shots.append(
                plan.VideoClip(
                    named(where, pk), paths[pk], fmt(pk), item["in"], item["out"], item["fit"]
                )
            )
        elif item["type"] == "still":
            pk = item["record"]
            shots.append(plan.Still(named(where, pk), paths[pk], item["seconds"], item["fit"]))
        elif item["type"] == "title":
            shots.append(plan.TitleCard(where, item["title"], item["subtitle"], item["seconds"]))
        else:
            owner = _owner(job, starter)
            roll = cut.credit_sections(list(cut.uses(document)), owner)
            shots.append(plan.CreditCard(where, roll, item["seconds"], item["style"]))
    tracks = tuple(
        tuple(
            plan.Sound(
                named(f"audio {t}.{n}", s["record"]),
                paths[s["record"]],
                fmt(s["record"]),
                s["in"],
                s["out"],
                s["at"],
                s["gain_db"],
                s["fade_in"],
                s["fade_out"],
            )
            for n, s in enumerate(track, 1)
        )
        for t, track in enumerate(document["audio"], 1)
    )
    whole = plan.Plan(plan.Output(**document["output"]), tuple(shots), tracks)
    if job.window_start is not None and job.window_end is not None:
        return plan.window(whole, job.window_start, job.window_end)
    return whole


def source_file(record: Record, work: Path, *, draft: bool) -> tuple[Path, str]:
    """The file to render from, on this machine, and its demuxer: the original, or for a
    draft of a video the preview processing made where it made one (H.264 at 720p at
    most: a 4K HEVC phone video decodes many times faster so, and a draft is 360p). The
    original is read where it lies, or fetched into `work` from a bucket."""
    version = record.current_version
    assert version is not None  # checked: every record placed has a ready version
    preview = version.rendition("preview") if draft and record.kind == "video" else None
    name, fmt = (
        (preview.file, "mov") if preview is not None else (version.original_file, version.fmt)
    )
    stored = storage.file_name(version.folder, name)
    area = filestore.records
    if area.is_local:
        return area.local_path(stored), fmt
    local = work / f"source-{version.pk}-{name}"
    if not local.exists():
        area.fetch(stored, local)
    return local, fmt


def _owner(job: Render, starter: User) -> User:
    production = job.timeline.production
    return production.record.owner if production is not None else starter


class _RenderedFile(File):
    """The render's output as an upload that already lies on disk (no copy made)."""

    def temporary_file_path(self) -> str:
        return str(self.name_on_disk)

    def __init__(self, path: Path, name: str) -> None:
        super().__init__(path.open("rb"), name=name)
        self.name_on_disk = path
        self.size = path.stat().st_size


def _keep(job: Render, attempt: int, out: Path, result: Rendered, starter: User) -> None:
    if job.quality == Render.Quality.DRAFT:
        _keep_draft(job, attempt, out, result)
    else:
        _keep_final(job, attempt, out, result, starter)


def _keep_draft(job: Render, attempt: int, out: Path, result: Rendered) -> None:
    name = f"timelines/{job.timeline_id}/render-{job.pk}-{attempt}{out.suffix}"
    size = filestore.media.keep(out, name)
    with transaction.atomic():
        kept = Render.move(
            job.pk,
            Render.State.READY,
            only=Render.mine(attempt),
            progress=100,
            finished_at=timezone.now(),
            file=name,
            size=size,
            seconds=result.seconds,
        )
    if not kept:
        filestore.media.remove(name)


def _keep_final(job: Render, attempt: int, out: Path, result: Rendered, starter: User) -> None:
    timeline = job.timeline
    document = job.revision.document
    upload = _RenderedFile(out, f"{timeline.title[:150]}{out.suffix}")
    note = f"Rendered from revision {job.revision.number} of the edit, by {starter.username}."

    def done(version: Version, record: Record, owner: User) -> None:
        cut.set_sources(timeline, record, document, owner=owner)
        if not Render.move(
            job.pk,
            Render.State.READY,
            only=Render.mine(attempt),
            progress=100,
            finished_at=timezone.now(),
            version=version,
            size=version.size,
            seconds=result.seconds,
        ):
            raise Refused("This render was taken over by another worker.", status=409)

    with upload:
        production = timeline.production
        if production is None:

            def first(record: Record) -> None:
                made = Production.objects.create(
                    project=timeline.project, record=record, created_by=starter
                )
                Timeline.objects.filter(pk=timeline.pk).update(production=made)
                timeline.production = made
                done(record.versions.get(), record, starter)

            records.create_record(
                starter,
                title=timeline.title,
                description=f"Edited in Ensemble, in the project “{timeline.project.title}”.",
                licence=timeline.licence,
                kind=result.kind,
                upload=upload,
                attach=first,
            )
        else:
            record = production.record
            records.add_version(
                record,
                by=record.owner,
                upload=upload,
                change_note=note,
                attach=lambda version: done(version, record, record.owner),
            )


def _fail(job: Render, attempt: int, reason: str) -> None:
    Render.move(
        job.pk,
        Render.State.FAILED,
        only=Render.mine(attempt),
        failure_reason=reason,
        progress=0,
        finished_at=timezone.now(),
    )


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue again the renders whose worker stopped (see `records.processing`'s twin)."""
    now = now or timezone.now()
    stale = now - processing.stall_after()
    lost = now - processing.stall_after() * 30
    ids = list(
        Render.objects.filter(
            Q(state=Render.State.RENDERING, heartbeat_at__lt=stale)
            | Q(state=Render.State.QUEUED, created_at__lt=lost)
        ).values_list("pk", flat=True)[:100]
    )
    for render_id in ids:
        render_timeline.enqueue(render_id)
    if ids:
        logger.warning("Requeued %d stalled render(s): %s", len(ids), ids)
    return len(ids)
