"""Fixtures that talk to the real Postgres and Redis named in the config (CODECOV_YML)."""

import uuid

import psycopg2
import pytest
from shared import config as cfg
from shared.db import JobStore
from shared.queue import JobQueue
from shared.settings import load_settings


@pytest.fixture(scope="session")
def config():
    return cfg.load_config()


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture
def postgres_store(config, settings):
    store = JobStore.from_url(cfg.database_url(config), table=settings.JOBS_TABLE)
    store.create_schema()
    yield store
    store.close()


@pytest.fixture
def redis_queue(config, settings):
    # A queue name of its own per test, so parallel/leftover runs never interfere.
    queue = JobQueue.from_url(
        cfg.redis_url(config), name=f"{settings.JOBS_QUEUE}-{uuid.uuid4().hex[:12]}"
    )
    yield queue
    queue.clear()


@pytest.fixture
def timeseries_connection(config):
    conn = psycopg2.connect(cfg.timeseries_database_url(config), connect_timeout=10)
    yield conn
    conn.close()
