import pytest
from shared.settings import load_settings
from worker import tasks
from worker.main import Worker
from worker_fakes import FakeQueue, FakeStore


def test_sum_job_is_run_and_stored_as_done():
    store = FakeStore()
    queue = FakeQueue(
        [{"id": "j1", "kind": "sum", "payload": {"numbers": [1, 2, 3.5]}}]
    )
    job = Worker(queue, store).run_once(timeout=0)
    assert job.status == "done"
    assert store.get("j1").result == {"sum": 6.5, "count": 3}
    assert store.history == [("j1", "running"), ("j1", "done")]


def test_failing_job_is_stored_as_failed_and_worker_goes_on():
    store = FakeStore()
    queue = FakeQueue(
        [
            {"id": "bad", "kind": "sum", "payload": {"numbers": "nope"}},
            {"id": "unknown", "kind": "teleport", "payload": {}},
            {"id": "ok", "kind": "wordcount", "payload": {"text": "a b a", "top": 1}},
        ]
    )
    worker = Worker(queue, store, pop_timeout=0)
    assert worker.run(max_jobs=3) == 3
    assert store.get("bad").status == "failed"
    assert "TaskError" in store.get("bad").error
    assert "unknown job kind" in store.get("unknown").error
    assert store.get("ok").result == {"words": 3, "top": [["a", 2]]}


def test_empty_queue_and_malformed_message_return_none():
    store = FakeStore()
    worker = Worker(FakeQueue([{"no": "kind"}]), store, pop_timeout=7)
    assert worker.run_once() is None
    assert worker.run_once() is None
    assert worker.queue.timeouts == [7, 7]
    assert store.rows == {}


def test_stop_ends_run_loop():
    worker = Worker(FakeQueue(), FakeStore(), pop_timeout=0)
    worker.stop()
    assert worker.run() == 0


@pytest.mark.parametrize(
    "payload", [{}, {"numbers": [1, "2"]}, {"numbers": [True]}, {"numbers": 3}]
)
def test_sum_rejects_bad_payloads(payload):
    with pytest.raises(tasks.TaskError):
        tasks.sum_numbers(payload)


def test_worker_settings_test_module_is_selected():
    settings = load_settings()
    assert settings.module == "django_scaffold.settings_test"
    assert settings.SETTINGS_OWNER == "worker"
    assert settings.TESTING is True
    assert settings.RUN_ENV == "TESTING"
    assert settings.JOBS_QUEUE == "worker-test-jobs"


def test_worker_sh_is_an_executable_posix_entrypoint():
    import os
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[2] / "worker.sh"
    assert script.read_text().startswith("#!/bin/sh\n")
    assert os.access(script, os.X_OK)
    assert "python -m worker" in script.read_text()
