"""`python -m pipeline ci`: the one CI job. Build, test, and publish what the branch allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from pipeline.builder import Builder
from pipeline.changes import CiContext
from pipeline.config import App, Config
from pipeline.plan import CI_KINDS, build_plan, select
from pipeline.refs import ImageRef
from pipeline.tags import Tags
from pipeline.testing import TestRunner


@dataclass
class CiRun:
    config: Config
    tags: Tags
    context: CiContext
    builder: Builder
    runner: TestRunner
    published: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # apps not published because tests failed

    async def run(self, apps: Sequence[App]) -> None:
        plan = build_plan(self.config, self.tags)
        targets = ["requirements", "test-requirements"] + [f"{a.name}.{k}" for a in apps for k in CI_KINDS]
        await self.builder.build(select(plan, targets))  # content-tagged requirements are pushed here
        tests = {a.name: self.builder.results[f"{a.name}.test-app"].container for a in apps}
        await self.runner.run_on(apps, tests)
        if not self.context.publishes_apps:
            return
        passed = [a for a in apps if self.runner.app_passed(a)]
        self.held_back = [a.name for a in apps if a not in passed]
        specs = {spec.target: spec for spec in plan}
        for app in passed:  # every fixed tag first ...
            for kind in CI_KINDS:
                spec, result = specs[f"{app.name}.{kind}"], self.builder.results[f"{app.name}.{kind}"]
                if result.container is not None:
                    result.digest = await self.builder.push(result.container, spec.fixed_refs())
                    self.published += spec.fixed_refs()
        registry = self.builder.registry
        for app in passed:  # ... then the tags that move
            release = ImageRef.parse(f"{app.ar_repo}:{self.tags.version}")
            for tag in self.context.promotions(self.tags.version):
                await anyio.to_thread.run_sync(registry.retag, release, tag)
                self.published.append(str(release.with_tag(tag)))
            if self.context.mode == "main":
                test_release = ImageRef.parse(f"{app.ar_repo}:test-{self.tags.version}")
                await anyio.to_thread.run_sync(registry.retag, test_release, "test-latest")
                self.published.append(str(test_release.with_tag("test-latest")))

    @property
    def ok(self) -> bool:
        return not self.runner.failures and all(r.ok for r in self.runner.results)

    def as_dict(self, skipped: Sequence[str]) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mode": self.context.mode,
            "branch": self.context.branch,
            "since": self.context.since,
            "tags": self.tags.as_env(),
            "skipped_apps": list(skipped),
            "images": [r.as_dict() for r in self.builder.results.values()],
            "suites": [r.as_dict() for r in self.runner.results],
            "failures": self.runner.failures,
            "published": self.published,
            "held_back": self.held_back,
        }
