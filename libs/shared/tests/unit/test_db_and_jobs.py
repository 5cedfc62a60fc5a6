import datetime

import pytest
from fakes import FakeConnection, FakeRedis
from shared import services
from shared.db import JobStore
from shared.jobs import DONE, Job
from shared.queue import JobQueue

NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)


def row(job_id="abc", status="queued", result=None, error=None):
    return (job_id, "sum", {"numbers": [1]}, status, result, error, NOW, NOW)


def test_create_schema_creates_jobs_table_if_missing():
    conn = FakeConnection()
    JobStore(lambda: conn).create_schema()
    sql, params = conn.executed[0]
    assert "CREATE TABLE IF NOT EXISTS jobs" in sql
    assert "pg_advisory_xact_lock" in sql
    assert params is None
    assert conn.commits == 1


def test_insert_and_get_map_rows_to_jobs():
    conn = FakeConnection(results=[[row()], [row(status=DONE, result={"sum": 1})]])
    store = JobStore(lambda: conn)
    inserted = store.insert(Job(kind="sum", payload={"numbers": [1]}, id="abc"))
    assert inserted.id == "abc" and inserted.status == "queued"
    fetched = store.get("abc")
    assert fetched is not None and fetched.result == {"sum": 1}
    assert fetched.to_dict()["created_at"] == NOW.isoformat()
    assert "INSERT INTO jobs" in conn.executed[0][0]


def test_get_missing_returns_none_and_update_missing_raises():
    conn = FakeConnection(results=[[], []])
    store = JobStore(lambda: conn)
    assert store.get("nope") is None
    with pytest.raises(KeyError):
        store.update("nope", DONE)


def test_failed_statement_rolls_back():
    conn = FakeConnection()
    conn.fail_with = RuntimeError("boom")
    with pytest.raises(RuntimeError):
        JobStore(lambda: conn).get("x")
    assert conn.rollbacks == 1 and conn.commits == 0


def test_invalid_table_name_and_status_are_rejected():
    with pytest.raises(ValueError):
        JobStore(lambda: None, table="jobs; drop table x")
    with pytest.raises(ValueError):
        JobStore(lambda: FakeConnection()).update("x", "exploded")


def test_enqueue_records_row_then_pushes_message():
    conn = FakeConnection(results=[[row(job_id="j1")]])
    queue = JobQueue(FakeRedis(), "q")
    job = services.enqueue(JobStore(lambda: conn), queue, "sum", {"numbers": [1]})
    assert job.id == "j1"
    assert queue.pop() == {"id": "j1", "kind": "sum", "payload": {"numbers": [1]}}


def test_job_from_message_validates():
    job = Job.from_message({"id": "x", "kind": "sum", "payload": {"a": 1}})
    assert (job.id, job.kind, job.payload, job.status) == (
        "x",
        "sum",
        {"a": 1},
        "queued",
    )
    with pytest.raises(ValueError):
        Job.from_message({"id": "x"})
