"""Benchmark: our SHARED_SHA against the Makefile's shell pipeline on one generated 20,000-file tree.

    python3 bench/bench_tags.py [--files 20000]

Prints both times (one run each, after one warm-up of the page cache) and the ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.hashing import tree_sha

SHELL = "git ls-files libs/shared | LC_ALL=C sort | xargs sha1sum | cut -d ' ' -f 1 | sha1sum | cut -c1-40"


def make_tree(root: Path, files: int) -> None:
    for i in range(files):
        path = root / "libs/shared" / f"pkg{i % 97}" / f"sub{i % 13}" / f"mod_{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"VALUE = {i}\n" * (1 + i % 40))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        make_tree(root, args.files)
        print(f"generated {args.files} tracked files in {time.perf_counter() - started:.1f} s")
        subprocess.run(["bash", "-c", SHELL], cwd=root, check=True, capture_output=True)  # warm-up

        started = time.perf_counter()
        shell = subprocess.run(["bash", "-c", SHELL], cwd=root, check=True, capture_output=True,
                               text=True).stdout.strip()
        shell_s = time.perf_counter() - started

        started = time.perf_counter()
        ours = tree_sha(root, "libs/shared")
        ours_s = time.perf_counter() - started

    assert ours == shell, (ours, shell)
    print(f"shell pipeline  {shell_s * 1000:8.1f} ms  {shell}")
    print(f"pipeline        {ours_s * 1000:8.1f} ms  {ours}")
    print(f"ratio (pipeline / shell): {ours_s / shell_s:.2f}")


if __name__ == "__main__":
    main()
