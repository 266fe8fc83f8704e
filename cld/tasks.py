"""The jobs of the CLD app on procrastinate's queue (PostgreSQL only; see settings.JOBS_QUEUED).

`extract_run` does a queued run (cld/runs.perform). A worker that is killed leaves its job "doing" and stops beating
its heart; `retry_stalled_runs`, every minute, hands such jobs back to the queue, and the run starts again from the
beginning (no file was saved), up to runs.MAX_ATTEMPTS times, then ends failed with the reason.
"""

import logging

from django.db import close_old_connections
from procrastinate.contrib.django import app

from cld import runs

log = logging.getLogger(__name__)
QUEUE = "extracts"
STALLED_AFTER = 60  # seconds without a heartbeat from the worker that took a job (it beats every 10 s)


@app.task(queue=QUEUE, name=runs.EXTRACT_TASK)
def extract_run(run_id):
    close_old_connections()
    try:
        runs.perform(run_id)
    finally:
        close_old_connections()


@app.periodic(cron="* * * * *")
@app.task(queue=QUEUE, name="cld.retry_stalled_runs", queueing_lock="cld.retry_stalled_runs")
async def retry_stalled_runs(timestamp):
    await retry_stalled(seconds_since_heartbeat=STALLED_AFTER)


async def retry_stalled(seconds_since_heartbeat):
    """Hand back to the queue every extract job whose worker has stopped; return how many."""
    stalled = list(
        await app.job_manager.get_stalled_jobs(
            task_name=runs.EXTRACT_TASK, seconds_since_heartbeat=seconds_since_heartbeat
        )
    )
    for job in stalled:
        log.warning("CLD extract job %s (run %s): its worker stopped; queued again", job.id, job.task_kwargs)
        await app.job_manager.retry_job(job)
    return len(stalled)
