"""The worker loop."""

from __future__ import annotations

import logging
import signal
from collections.abc import Mapping
from typing import Any

from shared.db import JobStore
from shared.jobs import DONE, FAILED, RUNNING, Job
from shared.queue import JobQueue

from worker.tasks import TASKS, Task

log = logging.getLogger("worker")


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        store: JobStore,
        tasks: Mapping[str, Task] = TASKS,
        pop_timeout: float = 5,
    ) -> None:
        self.queue = queue
        self.store = store
        self.tasks = tasks
        self.pop_timeout = pop_timeout
        self._stopping = False

    def run_once(self, timeout: float | None = None) -> Job | None:
        """Take one job from Redis (waiting up to ``timeout`` s), run it, store the outcome.

        Returns the stored job, or None when the queue stayed empty.
        """
        message = self.queue.pop(self.pop_timeout if timeout is None else timeout)
        if message is None:
            return None
        try:
            job = Job.from_message(message)
        except ValueError:
            log.error("dropping malformed message %r", message)
            return None
        job.status = RUNNING
        self.store.upsert(job)
        task = self.tasks.get(job.kind)
        try:
            if task is None:
                raise LookupError(f"unknown job kind {job.kind!r}")
            job.result, job.status, job.error = task(job.payload), DONE, None
        except Exception as exc:  # noqa: BLE001 -- a failing job must not kill the worker
            job.result, job.status, job.error = (
                None,
                FAILED,
                f"{type(exc).__name__}: {exc}",
            )
            log.warning("job %s failed: %s", job.id, job.error)
        stored = self.store.upsert(job)
        log.info("job %s (%s) -> %s", job.id, job.kind, job.status)
        return stored

    def run(self, max_jobs: int | None = None) -> int:
        """Process jobs until stopped (SIGTERM/SIGINT) or ``max_jobs`` were handled."""
        handled = 0
        while not self._stopping and (max_jobs is None or handled < max_jobs):
            if self.run_once() is not None:
                handled += 1
        return handled

    def stop(self, *_: Any) -> None:
        self._stopping = True

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
