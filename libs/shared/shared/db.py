"""Postgres data layer: a ``jobs`` table holding one row per job."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import psycopg2
import psycopg2.extensions
from psycopg2.extras import Json

from shared.jobs import QUEUED, STATUSES, Job

_IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_COLUMNS = "id, kind, payload, status, result, error, created_at, updated_at"


def connect(database_url: str) -> psycopg2.extensions.connection:
    return psycopg2.connect(database_url, connect_timeout=10)


class JobStore:
    """Insert, update and fetch job rows.

    ``connection_factory`` returns a DB-API connection (psycopg2 in production; tests may
    pass a fake).  Each operation runs in its own transaction.
    """

    def __init__(
        self,
        connection_factory: Callable[[], Any],
        table: str = "jobs",
    ) -> None:
        if not _IDENT_RE.match(table):
            raise ValueError(f"invalid table name {table!r}")
        self._connection_factory = connection_factory
        self._conn: Any = None
        self.table = table

    @classmethod
    def from_url(cls, database_url: str, table: str = "jobs") -> JobStore:
        return cls(lambda: connect(database_url), table=table)

    # -- connection handling -------------------------------------------------
    @property
    def conn(self) -> Any:
        if self._conn is None or getattr(self._conn, "closed", False):
            self._conn = self._connection_factory()
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.conn
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params if params else None)
                rows = cur.fetchall() if cur.description is not None else []
            conn.commit()
        except Exception:
            conn.rollback()
            raise
        return rows

    # -- schema ---------------------------------------------------------------
    def create_schema(self) -> None:
        """Create the jobs table if it is missing (safe to call concurrently)."""
        self._execute(
            # The advisory lock serialises concurrent CREATE TABLE IF NOT EXISTS, which
            # can otherwise fail with a unique violation on pg_type.
            f"""
            SELECT pg_advisory_xact_lock(hashtext('shared.jobs.schema'));
            CREATE TABLE IF NOT EXISTS {self.table} (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                payload JSONB NOT NULL DEFAULT '{{}}'::jsonb,
                status TEXT NOT NULL DEFAULT '{QUEUED}',
                result JSONB,
                error TEXT,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            """
        )

    def ping(self) -> bool:
        return self._execute("SELECT 1") == [(1,)]

    # -- rows -----------------------------------------------------------------
    def insert(self, job: Job) -> Job:
        rows = self._execute(
            f"INSERT INTO {self.table} (id, kind, payload, status) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT (id) DO NOTHING RETURNING {_COLUMNS}",
            (job.id, job.kind, Json(job.payload), job.status),
        )
        if not rows:
            raise ValueError(f"job {job.id!r} already exists")
        return _row_to_job(rows[0])

    def update(
        self,
        job_id: str,
        status: str,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> Job:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        rows = self._execute(
            f"UPDATE {self.table} SET status = %s, result = %s, error = %s, "
            f"updated_at = now() WHERE id = %s RETURNING {_COLUMNS}",
            (status, Json(result) if result is not None else None, error, job_id),
        )
        if not rows:
            raise KeyError(job_id)
        return _row_to_job(rows[0])

    def upsert(
        self,
        job: Job,
    ) -> Job:
        """Insert the job or overwrite status/result/error of an existing row."""
        rows = self._execute(
            f"INSERT INTO {self.table} (id, kind, payload, status, result, error) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, "
            "result = EXCLUDED.result, error = EXCLUDED.error, updated_at = now() "
            f"RETURNING {_COLUMNS}",
            (
                job.id,
                job.kind,
                Json(job.payload),
                job.status,
                Json(job.result) if job.result is not None else None,
                job.error,
            ),
        )
        return _row_to_job(rows[0])

    def get(self, job_id: str) -> Job | None:
        rows = self._execute(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE id = %s", (job_id,)
        )
        return _row_to_job(rows[0]) if rows else None


def _row_to_job(row: tuple[Any, ...]) -> Job:
    job_id, kind, payload, status, result, error, created_at, updated_at = row
    return Job(
        id=job_id,
        kind=kind,
        payload=payload or {},
        status=status,
        result=result,
        error=error,
        created_at=created_at,
        updated_at=updated_at,
    )
