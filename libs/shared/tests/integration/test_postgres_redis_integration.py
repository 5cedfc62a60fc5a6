import time

import pytest
import redis
from shared import services
from shared.jobs import DONE, FAILED, RUNNING, Job

pytestmark = pytest.mark.integration


def test_postgres_job_store_insert_update_fetch(postgres_store):
    job = postgres_store.insert(Job(kind="sum", payload={"numbers": [1, 2, 3]}))
    assert job.status == "queued" and job.created_at is not None

    running = postgres_store.update(job.id, RUNNING)
    assert running.status == RUNNING

    done = postgres_store.update(job.id, DONE, result={"sum": 6})
    fetched = postgres_store.get(job.id)
    assert fetched is not None
    assert fetched.status == DONE == done.status
    assert fetched.result == {"sum": 6}
    assert fetched.payload == {"numbers": [1, 2, 3]}
    assert fetched.updated_at >= fetched.created_at


def test_postgres_create_schema_is_idempotent(postgres_store):
    postgres_store.create_schema()
    postgres_store.create_schema()
    assert postgres_store.ping()


def test_postgres_duplicate_insert_is_rejected_and_upsert_overwrites(postgres_store):
    job = postgres_store.insert(Job(kind="sum"))
    with pytest.raises(ValueError):
        postgres_store.insert(Job(kind="sum", id=job.id))
    job.status, job.error = FAILED, "boom"
    postgres_store.upsert(job)
    fetched = postgres_store.get(job.id)
    assert (fetched.status, fetched.error) == (FAILED, "boom")


def test_redis_queue_push_pop_json_roundtrip(redis_queue):
    assert redis_queue.ping()
    redis_queue.push({"id": "a", "payload": {"x": [1, "two"]}})
    redis_queue.push({"id": "b"})
    assert len(redis_queue) == 2
    assert redis_queue.pop(timeout=2) == {"id": "a", "payload": {"x": [1, "two"]}}
    assert redis_queue.pop() == {"id": "b"}
    assert redis_queue.pop(timeout=1) is None


def test_enqueue_writes_postgres_row_and_redis_message(postgres_store, redis_queue):
    job = services.enqueue(postgres_store, redis_queue, "sum", {"numbers": [4]})
    assert redis_queue.pop(timeout=2) == job.message()
    assert postgres_store.get(job.id).status == "queued"


def test_timeseries_postgres_has_test_analytics_database(timeseries_connection):
    with timeseries_connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = 'test_analytics'")
        assert cur.fetchall() == [(1,)]


def test_redis_blocking_pop_longer_than_socket_timeout_returns_none(
    config, redis_queue
):
    # redis-py clients default to a 5 s socket timeout; a longer BRPOP used to raise
    # TimeoutError instead of returning None.
    from shared import config as cfg
    from shared.queue import JobQueue

    client = redis.Redis.from_url(cfg.redis_url(config), socket_timeout=2)
    queue = JobQueue(client, redis_queue.name)
    started = time.monotonic()
    assert queue.pop(timeout=10) is None
    assert time.monotonic() - started < 5
    queue.push({"id": "late"})
    assert queue.pop(timeout=10) == {"id": "late"}
