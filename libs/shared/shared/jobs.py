"""The job model shared by the worker (producer of results) and the API (reader)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass
class Job:
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_job_id)
    status: str = QUEUED
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def message(self) -> dict[str, Any]:
        """What goes on the Redis queue."""
        return {"id": self.id, "kind": self.kind, "payload": self.payload}

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Job:
        if not isinstance(message, dict) or "kind" not in message:
            raise ValueError(f"not a job message: {message!r}")
        return cls(
            kind=str(message["kind"]),
            payload=dict(message.get("payload") or {}),
            id=str(message.get("id") or new_job_id()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "payload": self.payload,
            "status": self.status,
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }
