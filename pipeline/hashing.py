"""Content hashes of the working tree, as the Makefile's `sha1sum` pipelines compute them.

Hashes are SHA-1 of the raw bytes of files on disk (not git blob ids). Only files git tracks
count, but their current contents do.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from pipeline.errors import PipelineError

_CHUNK = 1 << 20
_WHOLE = 16 << 20  # files up to this size are read in one call


def sha1_bytes(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def _sha1_of(path: str | bytes | Path) -> str:
    """SHA-1 of a file's bytes: one read for ordinary files, chunks for large ones (bounded memory)."""
    with open(path, "rb", buffering=0) as handle:
        if os.fstat(handle.fileno()).st_size <= _WHOLE:
            return hashlib.sha1(handle.read()).hexdigest()
        digest = hashlib.sha1()
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
        return digest.hexdigest()


def sha1_file(path: Path) -> str:
    """SHA-1 of a file's bytes; one clear error if it is missing."""
    try:
        return _sha1_of(path)
    except FileNotFoundError:
        raise PipelineError(f"{path}: file not found (it is needed for the image tags)") from None
    except IsADirectoryError:
        raise PipelineError(f"{path}: is a directory, expected a file") from None


def git(source: Path, *args: str) -> bytes:
    """Run git in `source`; raise a one-line error naming the problem."""
    try:
        result = subprocess.run(
            ["git", "-C", str(source), *args], capture_output=True, check=False
        )
    except FileNotFoundError:
        raise PipelineError("git is not installed: it is needed to list tracked files") from None
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        detail = message[-1] if message else f"exit code {result.returncode}"
        raise PipelineError(f"git {' '.join(args)} failed in {source}: {detail}")
    return result.stdout


def git_toplevel(start: Path) -> Path:
    """The work tree containing `start`, or an error saying there is none."""
    if not start.is_dir():
        raise PipelineError(f"--source {start}: no such directory")
    try:
        out = git(start, "rev-parse", "--show-toplevel")
    except PipelineError:
        raise PipelineError(
            f"{start} is not inside a git work tree: tags hash the files git tracks "
            "(run from a checkout or pass --source)"
        ) from None
    return Path(out.decode().strip())


def tracked_files(source: Path, pathspec: str) -> list[bytes]:
    """Paths under `pathspec` that git tracks, as raw bytes, sorted bytewise (C locale)."""
    if not (source / ".git").exists():
        git_toplevel(source)  # raises the clear error if there is no work tree at all
    out = git(source, "ls-files", "-z", "--", pathspec)
    return sorted(p for p in out.split(b"\0") if p)


def tree_sha(source: Path, pathspec: str) -> str:
    """`git ls-files P | LC_ALL=C sort | xargs sha1sum | cut -d ' ' -f 1 | sha1sum`, done right.

    Paths are taken as the bytes they are (the shell version mangles quoted and spaced names).
    """
    paths = tracked_files(source, pathspec)
    if not paths:
        raise PipelineError(f"{source}: git tracks no files under {pathspec!r}")
    base = os.fsencode(source)
    lines = []
    for raw in paths:  # the hot loop: plain bytes paths, no Path objects
        path = os.path.join(base, raw)
        try:
            lines.append(_sha1_of(path))
        except FileNotFoundError:
            raise PipelineError(
                f"{os.fsdecode(path)}: tracked by git but missing from the working tree "
                "(restore it or commit its removal)"
            ) from None
        except IsADirectoryError:
            raise PipelineError(f"{os.fsdecode(path)}: is a directory, expected a file") from None
    return sha1_bytes("".join(line + "\n" for line in lines).encode())
