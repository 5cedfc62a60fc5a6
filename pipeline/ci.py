"""`python -m pipeline ci`: the one CI job. Build, test, and publish what the branch allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from pipeline.builder import Builder
from pipeline.changes import CiContext
from pipeline.config import App, Config
from pipeline.plan import CI_KINDS, build_plan, promotions, select
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
        kinds = (*CI_KINDS, "self-hosted", "self-hosted-runtime")
        targets = ["requirements", "test-requirements"] + [f"{a.name}.{k}" for a in apps for k in kinds]
        await self.builder.build(select(plan, targets))  # content-tagged requirements are pushed here
        tests = {a.name: self.builder.results[f"{a.name}.test-app"].container for a in apps}
        await self.runner.run_on(apps, tests)
        if not self.context.publishes_apps:
            return
        passed = [a for a in apps if self.runner.app_passed(a)]
        self.held_back = [a.name for a in apps if a not in passed]
        specs = {spec.target: spec for spec in plan}
        pushed = [specs[f"{a.name}.{k}"] for a in passed for k in self.context.published_kinds()]
        for spec in pushed:  # every fixed tag first ...
            result = self.builder.results[spec.target]
            if result.container is not None:
                result.digest = await self.builder.push(result.container, spec.fixed_refs())
                self.published += spec.fixed_refs()
        retags: list[tuple[str, str]] = []  # ... then the tags that move
        if self.context.moves_latest():
            for spec in pushed:
                retags += spec.moving_retags()
        for stage in self.context.promotion_stages():
            retags += promotions(self.tags, stage, passed)
        for source, tag in retags:
            ref = ImageRef.parse(source)
            await anyio.to_thread.run_sync(self.builder.registry.retag, ref, tag)
            self.published.append(str(ref.with_tag(tag)))

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
