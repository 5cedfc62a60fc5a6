"""Redis helper: JSON job messages on a Redis list (LPUSH to enqueue, BRPOP to take)."""

from __future__ import annotations

import json
from typing import Any

import redis

# Socket read timeout of our clients.  A blocking pop must return before it (redis-py
# raises TimeoutError otherwise; its own default is only 5 s), see JobQueue.max_block.
SOCKET_TIMEOUT = 30.0


def connect(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(
        redis_url,
        socket_connect_timeout=10,
        socket_timeout=SOCKET_TIMEOUT,
        socket_keepalive=True,
        health_check_interval=30,
    )


class JobQueue:
    """FIFO queue of JSON objects on the Redis list ``name``."""

    def __init__(self, client: Any, name: str = "jobs") -> None:
        if not name:
            raise ValueError("queue name must not be empty")
        self.client = client
        self.name = name

    @classmethod
    def from_url(cls, redis_url: str, name: str = "jobs") -> JobQueue:
        return cls(connect(redis_url), name)

    def push(self, message: dict[str, Any]) -> int:
        """Enqueue a JSON-serialisable dict; returns the new queue length."""
        return int(self.client.lpush(self.name, json.dumps(message, sort_keys=True)))

    @property
    def max_block(self) -> float | None:
        """Longest BRPOP wait that still ends before the client's socket read timeout."""
        pool = getattr(self.client, "connection_pool", None)
        socket_timeout = getattr(pool, "connection_kwargs", {}).get("socket_timeout")
        if socket_timeout is None:
            return None
        return max(0.5, float(socket_timeout) - 1)

    def pop(self, timeout: float = 0) -> dict[str, Any] | None:
        """Take the oldest message; wait up to ``timeout`` seconds (0 = do not wait).

        The wait is capped at :attr:`max_block`; callers loop anyway.
        """
        if timeout and timeout > 0:
            limit = self.max_block
            if limit is not None:
                timeout = min(timeout, limit)
            item = self.client.brpop([self.name], timeout=timeout)
            raw = item[1] if item else None
        else:
            raw = self.client.rpop(self.name)
        if raw is None:
            return None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        message = json.loads(raw)
        if not isinstance(message, dict):
            raise TypeError(f"queue {self.name!r} held a non-object message: {raw!r}")
        return message

    def __len__(self) -> int:
        return int(self.client.llen(self.name))

    def clear(self) -> None:
        self.client.delete(self.name)

    def ping(self) -> bool:
        return bool(self.client.ping())
