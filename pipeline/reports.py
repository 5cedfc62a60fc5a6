"""Test reports: the pytest invocation of `Makefile.ci-tests` and JUnit summaries. Pure."""

from __future__ import annotations

import shlex
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.config import App

SUITES = ("unit", "integration")


def suites_of(app: App) -> tuple[str, ...]:
    return SUITES if app.integration else SUITES[:1]


def report_names(suite: str) -> tuple[str, str]:
    return f"{suite}.junit.xml", f"{suite}.coverage.xml"


def pytest_command(app: App, suite: str, extra_args: str = "") -> list[str]:
    """Exactly SPEC section 5's invocation, run in the app's WORKDIR."""
    junit, coverage = report_names(suite)
    marker = "not integration" if suite == "unit" else "integration"
    return [
        "pytest", f"--cov={app.cov_source}", "-m", marker, f"--cov-report=xml:{coverage}",
        f"--junitxml={junit}", "-o", "junit_family=legacy", "-c", "pytest.ini", "--rootdir=/app",
        *shlex.split(extra_args),
    ]


@dataclass
class SuiteResult:
    app: str
    suite: str
    exit_code: int
    tests: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    junit: str | None = None
    coverage: str | None = None
    cases: tuple[str, ...] = ()

    @property
    def passed(self) -> int:
        return self.tests - self.failed - self.errors - self.skipped

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.failed == 0 and self.errors == 0 and self.junit is not None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("cases")
        data["passed"] = self.passed
        data["ok"] = self.ok
        return data


def read_junit(path: Path, result: SuiteResult) -> SuiteResult:
    """Fill counts from a JUnit file (pytest's legacy family); a broken file counts as an error."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        result.errors += 1
        result.cases = (f"<unreadable {path.name}: {exc}>",)
        return result
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases: list[str] = []
    for suite in suites:
        result.tests += int(suite.get("tests", 0))
        result.failed += int(suite.get("failures", 0))
        result.errors += int(suite.get("errors", 0))
        result.skipped += int(suite.get("skipped", 0))
        result.seconds += float(suite.get("time", 0.0))
        cases += [f"{c.get('classname', '')}.{c.get('name', '')}" for c in suite.iter("testcase")]
    result.junit = str(path)
    result.cases = tuple(cases)
    return result


def summary_line(r: SuiteResult) -> str:
    state = "ok  " if r.ok else "FAIL"
    return (f"{state} {r.app:<8} {r.suite:<12} passed={r.passed} failed={r.failed} errors={r.errors} "
            f"skipped={r.skipped} {r.seconds:.1f}s  exit={r.exit_code}  {r.junit or '(no JUnit report)'}")
