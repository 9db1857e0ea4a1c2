"""The registry of every background job: each domain adds its JobSpecs here (e.g. datasets' imports).

A worker can run only the jobs listed here, and enqueue refuses names not listed.
"""

from __future__ import annotations

from promptforge.core.queue import JobSpec

ALL_JOBS: list[JobSpec] = []
