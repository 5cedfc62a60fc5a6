"""The job kinds the worker knows: each takes the payload and returns a JSON-able result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

Task = Callable[[dict[str, Any]], dict[str, Any]]


class TaskError(ValueError):
    """The payload is not valid for the task."""


def sum_numbers(payload: dict[str, Any]) -> dict[str, Any]:
    numbers = payload.get("numbers")
    if not isinstance(numbers, list) or not all(
        isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers
    ):
        raise TaskError("payload.numbers must be a list of numbers")
    return {"sum": sum(numbers), "count": len(numbers)}


def word_count(payload: dict[str, Any]) -> dict[str, Any]:
    text = payload.get("text")
    if not isinstance(text, str):
        raise TaskError("payload.text must be a string")
    words = text.lower().split()
    top = Counter(words).most_common(int(payload.get("top", 3)))
    return {"words": len(words), "top": [[w, n] for w, n in top]}


TASKS: dict[str, Task] = {
    "sum": sum_numbers,
    "wordcount": word_count,
}
