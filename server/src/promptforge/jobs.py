"""The registry of every background job: each domain adds its JobSpecs here (e.g. datasets' imports).

A worker can run only the jobs listed here, and enqueue refuses names not listed.
"""

from __future__ import annotations

from promptforge.core.queue import JobSpec
from promptforge.datasets.exports import EXPORT_JOB, export_failed, run_export, unfinished_exports
from promptforge.datasets.import_job import import_failed, run_import, unfinished_imports
from promptforge.datasets.imports import IMPORT_JOB
from promptforge.evaluations.job import (
    evaluation_failed,
    run_evaluation,
    run_evaluation_shard,
    unfinished_evaluations,
)
from promptforge.evaluations.service import EVALUATION_JOB
from promptforge.evaluations.shards import SHARD_JOB

# A 200 MB file parses in well under a minute; the timeout only bounds a stuck attempt. A killed
# worker's import is picked up again once its heartbeat (touched per batch) is 10 s old.
DATASET_IMPORT = JobSpec(
    IMPORT_JOB,
    run_import,
    timeout_seconds=1800,
    heartbeat_seconds=10,
    retries=3,
    on_final_failure=import_failed,
    resume=unfinished_imports,
)
DATASET_EXPORT = JobSpec(
    EXPORT_JOB,
    run_export,
    timeout_seconds=1800,
    heartbeat_seconds=10,
    retries=3,
    on_final_failure=export_failed,
    resume=unfinished_exports,
)

# The launcher of an evaluation run: starts it in shards and enqueues one shard job each (quick).
EVALUATION_RUN = JobSpec(
    EVALUATION_JOB,
    run_evaluation,
    timeout_seconds=300,
    heartbeat_seconds=10,
    retries=5,
    on_final_failure=evaluation_failed,
    resume=unfinished_evaluations,
)
# A shard may run for hours (100k cells on a slow model); an attempt that times out or dies is
# simply taken over by the next, which skips every cell already written (evaluations/job.py). A
# killed worker's shard is picked up again once its heartbeat (touched every 0.25 s) is 10 s old.
EVALUATION_SHARD = JobSpec(
    SHARD_JOB,
    run_evaluation_shard,
    timeout_seconds=6 * 3600,
    heartbeat_seconds=10,
    retries=5,
    on_final_failure=evaluation_failed,
)

ALL_JOBS: list[JobSpec] = [DATASET_IMPORT, DATASET_EXPORT, EVALUATION_RUN, EVALUATION_SHARD]
