"""The content-hash tags of SPEC section 3: byte-identical to the Makefile's."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.hashing import git, sha1_bytes, sha1_file, tree_sha

SHARED_DIR = "libs/shared"
REQUIREMENTS_DOCKERFILE = "docker/Dockerfile.requirements"
TEST_REQUIREMENTS_DOCKERFILE = "docker/Dockerfile.test-requirements"
LOCKFILE = "uv.lock"
VERSION_FILE = "VERSION"

_VALID_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


@dataclass(frozen=True)
class Tags:
    shared_sha: str
    requirements_tag: str
    test_reqs_tag: str
    version: str
    release_version: str
    commit_sha: str

    @property
    def commit_sha7(self) -> str:
        return self.commit_sha[:7]

    def as_env(self) -> dict[str, str]:
        """The Makefile's variable names."""
        return {
            "SHARED_SHA": self.shared_sha,
            "REQUIREMENTS_TAG": self.requirements_tag,
            "TEST_REQS_TAG": self.test_reqs_tag,
            "VERSION": self.version,
            "release_version": self.release_version,
            "COMMIT_SHA": self.commit_sha,
        }

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def requirements_tag(source: Path, shared_sha: str) -> str:
    lock = source / LOCKFILE
    if not lock.is_file():
        raise PipelineError(f"{lock}: no uv.lock at the monorepo root (run `uv lock`)")
    return (
        f"reqs-{sha1_file(lock)}-{sha1_file(source / REQUIREMENTS_DOCKERFILE)}-{shared_sha}"
    )


def test_reqs_tag(source: Path, reqs_tag: str) -> str:
    # What `echo "$(sha1 Dockerfile.test-requirements) $REQUIREMENTS_TAG" | sha1sum` hashes.
    line = f"{sha1_file(source / TEST_REQUIREMENTS_DOCKERFILE)} {reqs_tag}\n"
    return "test-" + sha1_bytes(line.encode())


def head_commit(source: Path) -> str:
    try:
        return git(source, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    except PipelineError:
        raise PipelineError(
            f"{source}: the repository has no commit yet (VERSION is release-<first 7 of HEAD>)"
        ) from None


def read_release_version(source: Path) -> str:
    path = source / VERSION_FILE
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        raise PipelineError(f"{path}: missing (it holds the calendar release version)") from None
    if not value or "\n" in value:
        raise PipelineError(f"{path}: expected one line with a version like 26.7.6")
    return value


def compute_tags(source: Path, env: Mapping[str, str] | None = None) -> Tags:
    env = os.environ if env is None else env
    shared = tree_sha(source, SHARED_DIR)
    reqs = requirements_tag(source, shared)
    commit = head_commit(source)
    version = env.get("VERSION") or f"release-{commit[:7]}"
    if not _VALID_TAG.match(version):
        raise PipelineError(f"VERSION={version!r} is not a valid image tag")
    return Tags(
        shared_sha=shared,
        requirements_tag=reqs,
        test_reqs_tag=test_reqs_tag(source, reqs),
        version=version,
        release_version=read_release_version(source),
        commit_sha=commit,
    )
