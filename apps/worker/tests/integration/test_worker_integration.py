"""The worker against real Redis (queue) and real Postgres (job rows)."""

import os
import pathlib
import subprocess
import sys
import uuid

import pytest
from shared import config as cfg
from shared import services
from shared.db import JobStore
from shared.settings import load_settings
from worker.main import Worker

pytestmark = pytest.mark.integration

APP_DIR = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def settings():
    settings = load_settings()
    # A queue of its own per test: parallel or leftover runs never interfere.
    settings["JOBS_QUEUE"] = f"{settings.JOBS_QUEUE}-{uuid.uuid4().hex[:12]}"
    return settings


@pytest.fixture
def postgres_store(settings):
    store = services.job_store(cfg.load_config(), settings)
    store.create_schema()
    yield store
    store.close()


@pytest.fixture
def redis_queue(settings):
    queue = services.job_queue(cfg.load_config(), settings)
    yield queue
    queue.clear()


def read_back_from_postgres(job_id, settings):
    """A fresh connection, so the row is really committed in Postgres."""
    store = JobStore.from_url(
        cfg.database_url(cfg.load_config()), table=settings.JOBS_TABLE
    )
    try:
        return store.get(job_id)
    finally:
        store.close()


def test_job_roundtrip_through_redis_and_postgres(
    postgres_store, redis_queue, settings
):
    job = services.enqueue(postgres_store, redis_queue, "sum", {"numbers": [2, 3, 5]})
    assert len(redis_queue) == 1

    handled = Worker(redis_queue, postgres_store).run_once(timeout=5)

    assert handled is not None and handled.id == job.id
    assert len(redis_queue) == 0
    row = read_back_from_postgres(job.id, settings)
    assert row.status == "done"
    assert row.result == {"sum": 10, "count": 3}
    assert row.payload == {"numbers": [2, 3, 5]}


def test_failed_job_from_redis_is_recorded_in_postgres(
    postgres_store, redis_queue, settings
):
    job = services.enqueue(
        postgres_store, redis_queue, "sum", {"numbers": "not a list"}
    )
    Worker(redis_queue, postgres_store).run_once(timeout=5)
    row = read_back_from_postgres(job.id, settings)
    assert row.status == "failed"
    assert "payload.numbers" in row.error
    assert row.result is None


def test_empty_redis_queue_leaves_postgres_untouched(postgres_store, redis_queue):
    assert Worker(redis_queue, postgres_store).run_once(timeout=1) is None


def test_worker_sh_once_consumes_redis_job_and_writes_postgres_row(
    postgres_store, redis_queue, settings
):
    job = services.enqueue(
        postgres_store, redis_queue, "wordcount", {"text": "to be or not to be"}
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(APP_DIR), os.environ.get("PYTHONPATH")])
        ),
    )
    env["PATH"] = os.pathsep.join(
        [os.path.dirname(sys.executable), env.get("PATH", "")]
    )
    proc = subprocess.run(
        ["./worker.sh", "--once", "--queue", redis_queue.name],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"handled job {job.id}: done" in proc.stdout
    row = read_back_from_postgres(job.id, settings)
    assert row.status == "done"
    assert row.result == {"words": 6, "top": [["to", 2], ["be", 2], ["or", 1]]}
