"""In-memory queue/store for the worker unit tests (no Redis, no Postgres)."""

from __future__ import annotations

import copy
import datetime

from shared.jobs import Job


class FakeQueue:
    def __init__(self, messages=()):
        self.messages = list(messages)
        self.timeouts = []

    def pop(self, timeout=0):
        self.timeouts.append(timeout)
        return self.messages.pop(0) if self.messages else None


class FakeStore:
    def __init__(self):
        self.rows: dict[str, Job] = {}
        self.history: list[tuple[str, str]] = []

    def upsert(self, job: Job) -> Job:
        stored = copy.deepcopy(job)
        now = datetime.datetime.now(datetime.UTC)
        stored.created_at = self.rows[job.id].created_at if job.id in self.rows else now
        stored.updated_at = now
        self.rows[job.id] = stored
        self.history.append((job.id, job.status))
        return copy.deepcopy(stored)

    def get(self, job_id):
        return copy.deepcopy(self.rows.get(job_id))
