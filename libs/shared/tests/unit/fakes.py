"""In-memory stand-ins for redis.Redis and a psycopg2 connection (unit tests only)."""

from __future__ import annotations

from typing import Any, Self


class FakeRedis:
    def __init__(self) -> None:
        self.lists: dict[str, list[bytes]] = {}

    def lpush(self, name: str, *values: str) -> int:
        lst = self.lists.setdefault(name, [])
        for v in values:
            lst.insert(0, v.encode() if isinstance(v, str) else v)
        return len(lst)

    def rpop(self, name: str) -> bytes | None:
        lst = self.lists.get(name) or []
        return lst.pop() if lst else None

    def brpop(self, names: list[str], timeout: float = 0) -> tuple[bytes, bytes] | None:
        for name in names:
            item = self.rpop(name)
            if item is not None:
                return (name.encode(), item)
        return None

    def llen(self, name: str) -> int:
        return len(self.lists.get(name) or [])

    def delete(self, name: str) -> None:
        self.lists.pop(name, None)

    def ping(self) -> bool:
        return True


class FakeCursor:
    def __init__(self, conn: FakeConnection) -> None:
        self.conn = conn
        self.description: Any = None
        self._rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute(self, sql: str, params: Any = None) -> None:
        self.conn.executed.append((sql, params))
        if self.conn.fail_with is not None:
            raise self.conn.fail_with
        self._rows = self.conn.results.pop(0) if self.conn.results else []
        upper = sql.upper()
        returns_rows = "RETURNING" in upper or upper.lstrip().startswith("SELECT")
        self.description = (
            [("col",)] if returns_rows and "CREATE TABLE" not in upper else None
        )

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows


class FakeConnection:
    def __init__(self, results: list[list[tuple[Any, ...]]] | None = None) -> None:
        self.results = list(results or [])
        self.executed: list[tuple[str, Any]] = []
        self.commits = 0
        self.rollbacks = 0
        self.closed = 0
        self.fail_with: Exception | None = None

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    def commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        self.rollbacks += 1

    def close(self) -> None:
        self.closed = 1
