"""CLD extract runs: asked for on the CLD Extract page (or by `manage.py cld_extract`), done by a worker off the
queue (cld/tasks.py) or at once where there is none, and kept: who, when, what it found, and the exact files.

`queue_run` records a run and queues it; `perform` does it: the extract and its data-quality report written to a
temporary directory, each hashed as it is written, and saved to Django's storage only when whole, so a run that
stopped part way offers no file. One run of a period and release at a time: the database refuses a second
(ExtractRun's constraint), whatever the number of web servers and workers.
"""

import hashlib
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from cases import access
from cld.events import RELEASES, ExtractError, Period, in_period, la_code
from cld.extract import run_extract
from cld.models import ExtractRun

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # a run whose worker stopped is taken again, up to this many times in all
PROGRESS_EVERY = 5000  # rows between progress reports
EXTRACT_TASK = "cld.extract_run"
# One run at a time, whatever the period and release, across every worker: a run rewrites the forms' quality flags
# (My Forms), which two runs at once would fight over; others wait their turn, queued.
RUNS_LOCK = "cld-extract-runs"


class RunRefused(Exception):
    """The run cannot be queued: one of the same period and release is queued or running, or the extract refuses."""

    def __init__(self, message, run=None):
        super().__init__(message)
        self.run = run


def queue_run(*, period, release, by=None, source="page"):
    """Record a run of the period and release and queue it (or do it now, where there is no queue)."""
    try:
        if release not in RELEASES:
            raise ExtractError(f"unknown release {release!r}: choose 1 or 2")
        la = la_code()
    except ExtractError as error:
        raise RunRefused(f"The extract cannot run: {error}.") from error
    try:
        with transaction.atomic():
            run = ExtractRun.objects.create(
                requested_by=by,
                source=source,
                period_start=period.start,
                period_end=period.end,
                release=release,
                la_code=la,
            )
            if settings.JOBS_QUEUED:
                # In the same transaction (procrastinate writes its job through Django's connection): a run is
                # recorded with its job or not at all.
                app.configure_task(name=EXTRACT_TASK, allow_unknown=False, lock=RUNS_LOCK).defer(run_id=run.pk)
    except IntegrityError as error:
        active = ExtractRun.objects.filter(
            period_start=period.start, period_end=period.end, release=release, state__in=ExtractRun.ACTIVE
        ).first()
        state = active.get_state_display().lower() if active else "queued or running"
        raise RunRefused(
            f"A run of this period and release is already {state}: wait for it to finish, then run it again.",
            run=active,
        ) from error
    if not settings.JOBS_QUEUED:
        perform(run.pk)
        run.refresh_from_db()
    return run


def _active(run_id):
    return ExtractRun.objects.filter(pk=run_id, state__in=ExtractRun.ACTIVE)


def perform(run_id):
    """Do the run: the extract and its report, checked row by row, then saved to storage with their hashes."""
    run = _active(run_id).first()
    if run is None:
        return  # done or failed already: a job taken again after its run ended
    if run.attempts >= MAX_ATTEMPTS:
        fail(run_id, f"The run stopped {run.attempts} times before it finished (its worker was stopped or lost).")
        return
    # The attempt number fences the run: a worker that was thought lost (its job handed to another) and carries on
    # cannot end the run, for its attempt is no longer the run's.
    attempt = run.attempts + 1
    taken = (
        _active(run_id)
        .filter(attempts=run.attempts)
        .update(state=ExtractRun.State.RUNNING, started_at=timezone.now(), attempts=attempt, rows_done=0)
    )
    if not taken:
        return  # another worker took the run meanwhile
    try:
        with tempfile.TemporaryDirectory(prefix="cld-run-") as directory:
            names = _names(run)
            paths = {kind: Path(directory) / name for kind, name in names.items()}
            with (
                HashingFile(paths["extract"]) as csv_file,
                HashingFile(paths["report"]) as dq_file,
            ):
                summary = run_extract(
                    Period(run.period_start, run.period_end),
                    run.release,
                    csv_file=csv_file,
                    dq_file=dq_file,
                    progress=_Progress(run_id),
                )
            for kind, hashing in (("extract", csv_file), ("report", dq_file)):
                with paths[kind].open("rb") as whole:
                    getattr(run, f"{kind}_file").save(names[kind], File(whole), save=False)
                setattr(run, f"{kind}_sha256", hashing.sha256)
                setattr(run, f"{kind}_size", hashing.size)
        _log_people(run)
    except ExtractError as error:
        fail(run_id, f"The extract refused: {error}.", attempt=attempt)
        return
    except Exception as error:
        log.exception("CLD extract run %s failed", run_id)
        fail(run_id, f"The run failed: {type(error).__name__}: {error}", attempt=attempt)
        return
    run.state = ExtractRun.State.DONE
    run.finished_at = timezone.now()
    _record_summary(run, summary)
    if not finish(run, attempt):
        for kind in ("extract", "report"):
            getattr(run, f"{kind}_file").delete(save=False)  # the files of an attempt that lost the run


DONE_FIELDS = [
    "state",
    "finished_at",
    "rows_done",
    "rows_expected",
    "forms_failing",
    "rows_by_event_type",
    "failures_by_field",
    "warnings",
    "worst_forms",
    "extract_file",
    "extract_sha256",
    "extract_size",
    "report_file",
    "report_sha256",
    "report_size",
]


def finish(run, attempt):
    """End the run as done, if `attempt` is still its attempt; return whether it was."""
    values = {name: getattr(run, name) for name in DONE_FIELDS}
    values["extract_file"], values["report_file"] = run.extract_file.name, run.report_file.name
    return bool(_active(run.pk).filter(attempts=attempt).update(**values))


def record_command_run(period, release, output, started, files, *, rows=None, summary=None):
    """Record a run of manage.py cld_extract: the file it wrote (and its report, unless --extract-only), hashed."""
    extract, report = (*files, None)[:2]
    run = ExtractRun(
        source="command",
        output=str(output.resolve()),
        period_start=period.start,
        period_end=period.end,
        release=release,
        la_code=la_code(),
        state=ExtractRun.State.DONE,
        attempts=1,
        started_at=started,
        finished_at=timezone.now(),
        extract_sha256=extract.sha256,
        extract_size=extract.size,
    )
    if report is not None:
        run.report_sha256, run.report_size = report.sha256, report.size
    _record_summary(run, summary, rows)
    run.save()
    _log_people(run)
    return run


def _log_people(run):
    """The access log's row for each person the run's file holds a row of (cases/access.extracted): before the run
    is done, so that no file is offered without it (an attempt that then loses the run has logged its people too)."""
    people = in_period(Period(run.period_start, run.period_end)).order_by().values_list("case__person_id", flat=True)
    access.extracted(
        people.distinct().iterator(chunk_size=access.EXTRACTED_CHUNK), run_id=run.pk, user_id=run.requested_by_id
    )


def _record_summary(run, summary, rows=None):
    if summary is None:
        run.rows_done = run.rows_expected = rows
        return
    run.rows_done = run.rows_expected = summary.rows
    run.forms_failing = summary.forms_failing
    run.rows_by_event_type = dict(summary.event_type_rows())
    run.failures_by_field = dict(summary.field_failure_rows())
    run.warnings = dict(summary.warning_rows())
    run.worst_forms = [list(entry) for entry in summary.top_forms()]


def fail(run_id, reason, attempt=None):
    """End an unfinished run as failed, with the reason (if `attempt`, only while that attempt is the run's)."""
    unfinished = _active(run_id) if attempt is None else _active(run_id).filter(attempts=attempt)
    unfinished.update(state=ExtractRun.State.FAILED, failure=reason, finished_at=timezone.now())


def _names(run):
    stem = f"cld-extract-{run.la_code}-{run.period_start}-{run.period_end}-r{run.release}-run{run.pk}"
    return {"extract": f"{stem}.csv", "report": f"{stem}.dq.csv"}


class HashingFile:
    """A UTF-8 text file for csv.writer that keeps the SHA-256 and size of the bytes written to it."""

    def __init__(self, path):
        self.path, self._hash, self.size = path, hashlib.sha256(), 0

    def __enter__(self):
        self._file = self.path.open("wb")
        return self

    def __exit__(self, *exc):
        self._file.close()

    def write(self, text):
        data = text.encode()
        self._hash.update(data)
        self.size += len(data)
        self._file.write(data)

    @property
    def sha256(self):
        return self._hash.hexdigest()


class _Progress:
    """Report rows done of rows expected on the run, on a connection of its own where there is one: the run reads
    its rows inside one long transaction, whose writes nobody sees until it ends."""

    def __init__(self, run_id):
        self.run_id, self.reported = run_id, 0
        # a run done in the request (no queue) has nobody watching its progress till it ends
        self.alias = "progress" if settings.JOBS_QUEUED and "progress" in settings.DATABASES else "default"

    def __call__(self, done, expected):
        if done - self.reported < PROGRESS_EVERY and done not in (0, expected):
            return
        self.reported = done
        ExtractRun.objects.using(self.alias).filter(pk=self.run_id).update(rows_done=done, rows_expected=expected)


def compare(run):
    """The previous finished run of the same period and release, and per field the change in failures (and in rows
    per event type): [(name, before, now, change)], or (None, [], []) when there is none."""
    previous = (
        ExtractRun.objects.filter(
            period_start=run.period_start,
            period_end=run.period_end,
            release=run.release,
            state=ExtractRun.State.DONE,
            requested_at__lt=run.requested_at,
        )
        .exclude(pk=run.pk)
        .first()
    )
    if previous is None:
        return None, [], []

    def changes(before, now):
        names = sorted(set(before) | set(now), key=lambda name: (-now.get(name, 0), name))
        return [(name, before.get(name, 0), now.get(name, 0), now.get(name, 0) - before.get(name, 0)) for name in names]

    return (
        previous,
        changes(previous.rows_by_event_type, run.rows_by_event_type),
        changes(previous.failures_by_field, run.failures_by_field),
    )
