"""Our tags against the Makefile's own shell pipelines, run here on real git repos."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.hashing import tree_sha
from pipeline.tags import compute_tags
from tests.conftest import ROOT, git

MakeRepo = Callable[..., Path]


def sh(repo: Path, script: str) -> str:
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {script}"], cwd=repo, check=True,
        capture_output=True, text=True,
    ).stdout.strip()


def makefile_shared_sha(repo: Path) -> str:
    return sh(repo, "git ls-files libs/shared | LC_ALL=C sort | xargs sha1sum | cut -d ' ' -f 1 | sha1sum | cut -c1-40")


def makefile_tags(repo: Path) -> dict[str, str]:
    shared = makefile_shared_sha(repo)
    reqs = sh(
        repo,
        "echo reqs-$(sha1sum uv.lock | cut -c1-40)-$(sha1sum docker/Dockerfile.requirements | cut -c1-40)"
        f"-{shared}",
    )
    test = sh(
        repo,
        f"echo test-$(echo $(sha1sum docker/Dockerfile.test-requirements | cut -c1-40) {reqs} | sha1sum | cut -c1-40)",
    )
    version = sh(repo, "echo release-$(git rev-parse HEAD | cut -c1-7)")
    return {"SHARED_SHA": shared, "REQUIREMENTS_TAG": reqs, "TEST_REQS_TAG": test, "VERSION": version}


def ours(repo: Path) -> dict[str, str]:
    env = compute_tags(repo, env={}).as_env()
    return {k: env[k] for k in ("SHARED_SHA", "REQUIREMENTS_TAG", "TEST_REQS_TAG", "VERSION")}


def test_sample_monorepo_matches_makefile() -> None:
    if not git(ROOT, "ls-files", "libs/shared").strip():
        pytest.fail("the sample's libs/shared is not tracked by git")
    assert ours(ROOT) == makefile_tags(ROOT)
    assert len(compute_tags(ROOT, env={}).requirements_tag) == 127


def test_generated_repo_matches_makefile(monorepo: MakeRepo) -> None:
    repo = monorepo({
        "libs/shared/pyproject.toml": b"[project]\nname='shared'\n",
        "libs/shared/shared/a/b/c/deep.py": b"deep = True\n",
        "libs/shared/shared/Z.py": b"upper\n",
        "libs/shared/shared/a.py": b"lower\n",
        "libs/shared/shared/_under.py": b"",
    })
    assert ours(repo) == makefile_tags(repo)


def test_modified_tracked_file_changes_tags_like_makefile(monorepo: MakeRepo) -> None:
    repo = monorepo()
    before = ours(repo)
    (repo / "libs/shared/shared/__init__.py").write_text("x = 2\n")
    after = ours(repo)
    assert after["SHARED_SHA"] != before["SHARED_SHA"]
    assert after["REQUIREMENTS_TAG"] != before["REQUIREMENTS_TAG"]
    assert after["TEST_REQS_TAG"] != before["TEST_REQS_TAG"]
    assert after == makefile_tags(repo)


def test_untracked_file_does_not_count(monorepo: MakeRepo) -> None:
    repo = monorepo()
    before = ours(repo)
    (repo / "libs/shared/shared/new_untracked.py").write_text("nope\n")
    assert ours(repo) == before == makefile_tags(repo)


def test_lockfile_and_dockerfile_changes(monorepo: MakeRepo) -> None:
    repo = monorepo()
    before = ours(repo)
    (repo / "docker/Dockerfile.test-requirements").write_text("FROM x\n")
    changed = ours(repo)
    assert changed["REQUIREMENTS_TAG"] == before["REQUIREMENTS_TAG"]
    assert changed["TEST_REQS_TAG"] != before["TEST_REQS_TAG"]
    (repo / "uv.lock").write_text("version = 2\n")
    assert ours(repo)["REQUIREMENTS_TAG"] != changed["REQUIREMENTS_TAG"]
    assert ours(repo) == makefile_tags(repo)


def test_large_file_hashed_in_chunks(monorepo: MakeRepo) -> None:
    repo = monorepo({
        "libs/shared/blob.bin": bytes(range(256)) * 12_289,
        "libs/shared/exact.bin": b"x" * (1 << 20),
        "libs/shared/big.bin": bytes(range(256)) * (17 << 12),  # 17 MiB: read in chunks
    })
    assert ours(repo) == makefile_tags(repo)


def test_several_thousand_files(monorepo: MakeRepo) -> None:
    files = {f"libs/shared/pkg{i % 37}/mod_{i}.py": f"v = {i}\n".encode() for i in range(3000)}
    repo = monorepo(files)
    assert ours(repo) == makefile_tags(repo)


def test_space_and_non_ascii_paths_are_hashed_as_the_files_they_are(monorepo: MakeRepo) -> None:
    odd = "libs/shared/shared/données été.py"
    spaced = "libs/shared/shared/with space.txt"
    repo = monorepo({"libs/shared/shared/a.py": b"a\n", odd: b"one\n", spaced: b"two\n"})
    paths = sorted(p.encode() for p in ("libs/shared/shared/a.py", odd, spaced))
    expected = hashlib.sha1(
        "".join(hashlib.sha1((repo / p.decode()).read_bytes()).hexdigest() + "\n" for p in paths).encode()
    ).hexdigest()
    assert tree_sha(repo, "libs/shared") == expected
    before = expected
    (repo / odd).write_bytes(b"changed\n")
    assert tree_sha(repo, "libs/shared") != before
    (repo / odd).write_bytes(b"one\n")
    (repo / spaced).write_bytes(b"changed too\n")
    assert tree_sha(repo, "libs/shared") != before


def test_version_env_override(monorepo: MakeRepo) -> None:
    repo = monorepo()
    assert compute_tags(repo, env={"VERSION": "release-custom"}).version == "release-custom"
    assert compute_tags(repo, env={}).release_version == "26.7.6"
    with pytest.raises(PipelineError, match="VERSION"):
        compute_tags(repo, env={"VERSION": "bad tag!"})


def test_refuses_without_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "libs/shared").mkdir(parents=True)
    (tmp_path / "uv.lock").write_text("x")
    with pytest.raises(PipelineError, match="not inside a git work tree"):
        compute_tags(tmp_path, env={})


def test_refuses_tracked_file_missing_from_disk(monorepo: MakeRepo) -> None:
    repo = monorepo()
    (repo / "libs/shared/shared/__init__.py").unlink()
    with pytest.raises(PipelineError, match="tracked by git but missing"):
        compute_tags(repo, env={})


def test_refuses_without_uv_lock(monorepo: MakeRepo) -> None:
    repo = monorepo()
    (repo / "uv.lock").unlink()
    with pytest.raises(PipelineError, match=r"no uv\.lock"):
        compute_tags(repo, env={})


def test_refuses_without_commit(tmp_path: Path) -> None:
    (tmp_path / "libs/shared").mkdir(parents=True)
    (tmp_path / "libs/shared/x.py").write_text("x")
    (tmp_path / "uv.lock").write_text("x")
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker/Dockerfile.requirements").write_text("x")
    (tmp_path / "docker/Dockerfile.test-requirements").write_text("x")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    with pytest.raises(PipelineError, match="no commit yet"):
        compute_tags(tmp_path, env={})


def test_refuses_empty_shared(monorepo: MakeRepo) -> None:
    repo = monorepo()
    git(repo, "rm", "-q", "-r", "libs/shared")
    with pytest.raises(PipelineError, match="tracks no files"):
        compute_tags(repo, env={})
