"""Where CI runs and what changed: which apps to build and test, and what to publish. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import App, Config
from pipeline.errors import PipelineError
from pipeline.hashing import git

# A change here can change every app's image or behaviour.
SHARED_PATHS = ("libs/shared/", "docker/", "uv.lock", "pyproject.toml", "VERSION")
MODES = ("pull_request", "main", "staging", "branch")


@dataclass(frozen=True)
class CiContext:
    mode: str  # one of MODES
    branch: str | None
    since: str | None

    @property
    def publishes_apps(self) -> bool:
        return self.mode in ("main", "staging")

    def published_kinds(self) -> tuple[str, ...]:
        """The app images a run publishes (for apps whose tests passed)."""
        if self.mode == "main":
            return ("app", "test-app", "self-hosted", "self-hosted-runtime")
        if self.mode == "staging":
            return ("app", "test-app")
        return ()

    def moves_latest(self) -> bool:
        return self.mode == "main"

    def promotion_stages(self) -> tuple[str, ...]:
        """Retags that follow once every fixed tag of the run is pushed (see plan.promotions)."""
        if self.mode == "main":
            return ("production", "rolling")
        if self.mode == "staging":
            return ("staging",)
        return ()


def detect_context(env: Mapping[str, str], event: str | None = None, branch: str | None = None,
                   since: str | None = None) -> CiContext:
    """From flags first, then the usual CI variables (GitHub Actions names, with generic fallbacks)."""
    event = event or env.get("GITHUB_EVENT_NAME") or env.get("CI_EVENT") or "push"
    ref = env.get("GITHUB_REF", "")
    branch = branch or env.get("GITHUB_REF_NAME") or env.get("CI_BRANCH") or (
        ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None)
    if event in ("pull_request", "pull_request_target", "merge_request"):
        base = env.get("GITHUB_BASE_REF")
        return CiContext("pull_request", branch, since or (f"origin/{base}" if base else None))
    if event not in ("push", "workflow_dispatch", "schedule", "manual"):
        raise PipelineError(f"--event {event!r}: expected push or pull_request")
    mode = branch if branch in ("main", "staging") else "branch"
    return CiContext(mode, branch, since)


def changed_files(source: Path, since: str) -> list[str]:
    try:
        out = git(source, "diff", "--name-only", f"{since}...HEAD")
    except PipelineError:
        raise PipelineError(f"--since {since!r}: not a commit git knows here (fetch it, or pass another)") from None
    return [line for line in out.decode().splitlines() if line]


def changed_apps(config: Config, files: Iterable[str] | None) -> list[App]:
    """Apps whose paths changed, like the old path filters; all apps when `files` is None."""
    if files is None:
        return list(config.apps)
    files = list(files)
    if any(f.startswith(SHARED_PATHS) or f in SHARED_PATHS for f in files):
        return list(config.apps)
    return [app for app in config.apps
            if any(f == p or f.startswith(p.rstrip("/") + "/") for f in files for p in app.paths)]
