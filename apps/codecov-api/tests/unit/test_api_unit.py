import json
from wsgiref.util import setup_testing_defaults

import pytest
from api.app import JobsApp
from shared.jobs import Job
from shared.settings import load_settings


class FakeStore:
    def __init__(self, jobs=(), healthy=True):
        self.jobs = {job.id: job for job in jobs}
        self.healthy = healthy

    def get(self, job_id):
        return self.jobs.get(job_id)

    def ping(self):
        if self.healthy is None:
            raise ConnectionError("db down")
        return self.healthy


def call(app, path, method="GET"):
    environ = {}
    setup_testing_defaults(environ)
    environ["PATH_INFO"] = path
    environ["REQUEST_METHOD"] = method
    captured = {}

    def start_response(status, headers):
        captured["status"] = status
        captured["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    assert captured["headers"]["Content-Type"] == "application/json"
    assert int(captured["headers"]["Content-Length"]) == len(body)
    return int(captured["status"].split()[0]), json.loads(body)


@pytest.fixture
def app():
    job = Job(
        kind="sum",
        payload={"numbers": [1, 2]},
        id="job-1",
        status="done",
        result={"sum": 3},
    )
    return JobsApp(lambda: FakeStore([job]), run_env="TESTING")


def test_health_ok(app):
    assert call(app, "/health") == (200, {"status": "ok", "run_env": "TESTING"})


@pytest.mark.parametrize("healthy", [False, None])
def test_health_unavailable_when_store_does_not_answer(healthy):
    app = JobsApp(lambda: FakeStore(healthy=healthy))
    assert call(app, "/health") == (503, {"status": "unavailable"})


def test_get_job_returns_stored_job(app):
    status, body = call(app, "/jobs/job-1")
    assert status == 200
    assert body["id"] == "job-1"
    assert body["status"] == "done"
    assert body["result"] == {"sum": 3}
    assert body["payload"] == {"numbers": [1, 2]}


def test_unknown_job_is_404(app):
    assert call(app, "/jobs/nope")[0] == 404


@pytest.mark.parametrize("path", ["/", "/jobs/", "/jobs/a/b", "/jobs/bad%20id"])
def test_unknown_routes_are_404(app, path):
    assert call(app, path)[0] == 404


def test_writes_are_not_allowed(app):
    assert call(app, "/jobs/job-1", method="POST")[0] == 405


def test_store_is_created_lazily_once():
    created = []

    def factory():
        created.append(1)
        return FakeStore()

    app = JobsApp(factory)
    assert created == []
    call(app, "/jobs/x")
    call(app, "/health")
    assert created == [1]


def test_api_settings_test_module_is_selected():
    settings = load_settings()
    assert settings.module == "codecov.settings_test"
    assert settings.SETTINGS_OWNER == "codecov-api"
    assert settings.TESTING is True
    assert settings.RUN_ENV == "TESTING"


def test_api_sh_is_an_executable_posix_entrypoint():
    import os
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[2] / "api.sh"
    text = script.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert os.access(script, os.X_OK)
    assert "codecov.wsgi:application" in text
