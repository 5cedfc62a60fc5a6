"""A plain WSGI application (no framework).

Routes:
  GET /health       -> 200 {"status": "ok", ...} (503 when the store does not answer)
  GET /jobs/<id>    -> 200 job JSON, 404 when unknown
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from shared.jobs import Job

log = logging.getLogger("api")

JOB_PATH = re.compile(r"^/jobs/(?P<job_id>[A-Za-z0-9_-]{1,128})/?$")

StartResponse = Callable[..., Any]


class Store(Protocol):
    def get(self, job_id: str) -> Job | None: ...

    def ping(self) -> bool: ...


def _json(
    start_response: StartResponse, status: str, body: dict[str, Any]
) -> list[bytes]:
    data = json.dumps(body, sort_keys=True).encode("utf-8")
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


class JobsApp:
    def __init__(
        self, store_factory: Callable[[], Store], run_env: str | None = None
    ) -> None:
        self._store_factory = store_factory
        self._store: Store | None = None
        self.run_env = run_env or os.environ.get("RUN_ENV", "DEV")

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._store_factory()
        return self._store

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        if method not in ("GET", "HEAD"):
            return _json(
                start_response,
                "405 Method Not Allowed",
                {"error": "method not allowed"},
            )
        if path == "/health":
            return self.health(start_response)
        match = JOB_PATH.match(path)
        if match:
            return self.job(start_response, match.group("job_id"))
        return _json(start_response, "404 Not Found", {"error": "not found"})

    def health(self, start_response: StartResponse) -> list[bytes]:
        try:
            ok = self.store.ping()
        except Exception as exc:  # noqa: BLE001 -- any failure means unhealthy
            log.warning("health check failed: %s", exc)
            ok = False
        if ok:
            return _json(
                start_response, "200 OK", {"status": "ok", "run_env": self.run_env}
            )
        return _json(
            start_response, "503 Service Unavailable", {"status": "unavailable"}
        )

    def job(self, start_response: StartResponse, job_id: str) -> list[bytes]:
        job = self.store.get(job_id)
        if job is None:
            return _json(start_response, "404 Not Found", {"error": f"no job {job_id}"})
        return _json(start_response, "200 OK", job.to_dict())


def make_default_app() -> JobsApp:
    """The app wired to the Postgres job store named in the config (connects lazily)."""
    from shared import config as cfg
    from shared import services
    from shared.settings import load_settings

    def store_factory() -> Store:
        store = services.job_store(cfg.load_config(), load_settings())
        store.create_schema()
        return store

    return JobsApp(store_factory)
