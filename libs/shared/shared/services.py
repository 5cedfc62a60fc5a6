"""Build the job store and queue from config + settings (what the apps call)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared import config as cfg
from shared.db import JobStore
from shared.jobs import Job
from shared.queue import JobQueue
from shared.settings import Settings, load_settings


def job_store(config: Mapping[str, Any], settings: Settings | None = None) -> JobStore:
    settings = settings or load_settings()
    return JobStore.from_url(cfg.database_url(config), table=settings.JOBS_TABLE)


def job_queue(config: Mapping[str, Any], settings: Settings | None = None) -> JobQueue:
    settings = settings or load_settings()
    return JobQueue.from_url(cfg.redis_url(config), name=settings.JOBS_QUEUE)


def enqueue(
    store: JobStore, queue: JobQueue, kind: str, payload: dict[str, Any]
) -> Job:
    """Record a queued job in Postgres, then put it on the Redis queue."""
    job = store.insert(Job(kind=kind, payload=payload))
    queue.push(job.message())
    return job
