"""The Dagger layer for images: turn the plan into containers, reuse, publish."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
import dagger
from dagger import dag

from pipeline.config import Config
from pipeline.errors import BuildFailed, leaf_errors
from pipeline.plan import ImageSpec
from pipeline.refs import ImageRef
from pipeline.registry import Credentials, Registry

# Synced to the engine without these: they change on every run and would bust the cache.
SOURCE_EXCLUDES = [
    ".git", "**/.venv", "**/venv", "**/__pycache__", "**/*.pyc", "**/.pytest_cache",
    "**/.mypy_cache", "**/.ruff_cache", "**/node_modules", "**/*.coverage.xml", "**/*.junit.xml",
    "**/.coverage", "**/*.egg-info",
]


@dataclass
class ImageResult:
    target: str
    refs: list[str]
    digest: str | None
    status: Literal["built", "reused"]
    seconds: float
    container: dagger.Container | None = field(default=None, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "refs": self.refs, "digest": self.digest,
                "status": self.status, "seconds": round(self.seconds, 1)}


def source_directory(config: Config) -> dagger.Directory:
    return dag.host().directory(str(config.source), exclude=SOURCE_EXCLUDES)


@dataclass
class Builder:
    config: Config
    registry: Registry
    publish: bool
    credentials: dict[str, Credentials] = field(default_factory=dict)
    results: dict[str, ImageResult] = field(default_factory=dict)
    _ready: dict[str, anyio.Event] = field(default_factory=dict)
    _pinned: dict[str, str] = field(default_factory=dict)

    def _authed(self, ctr: dagger.Container, ref: str) -> dagger.Container:
        host = ImageRef.parse(ref).host
        creds = self.credentials.get(host)
        if creds is None:
            return ctr
        secret = dag.set_secret(f"registry-password-{host}", creds.password)
        return ctr.with_registry_auth(host, creds.user, secret)

    def _container(self, spec: ImageSpec, src: dagger.Directory) -> dagger.Container:
        args = dict(spec.build_args)
        if spec.depends_on is not None:
            args["REQUIREMENTS_IMAGE"] = self._pinned[spec.depends_on]
        return src.docker_build(
            dockerfile=spec.dockerfile,
            build_args=[dagger.BuildArg(name=k, value=v) for k, v in args.items()],
        )

    async def push(self, ctr: dagger.Container, refs: Sequence[str]) -> str:
        """Publish to every ref; the digest is the registry's, read back after the push.

        (The digest `publish` returns can name an equivalent manifest pushed elsewhere before.)
        """
        for ref in refs:
            try:
                await self._authed(ctr, ref).publish(ref)
            except dagger.QueryError as exc:
                text = str(exc).strip().splitlines()
                raise BuildFailed(f"push {ref} failed: {text[0] if text else 'engine error'}") from None
        digest = await anyio.to_thread.run_sync(self.registry.digest, ImageRef.parse(refs[0]))
        if digest is None:
            raise BuildFailed(f"{refs[0]}: published, but the registry does not have it")
        return digest

    async def _one(self, spec: ImageSpec, src: dagger.Directory) -> None:
        if spec.depends_on is not None:
            await self._ready[spec.depends_on].wait()
            if spec.depends_on not in self._pinned:
                return  # the dependency failed; its error is reported
        started = time.monotonic()
        fixed = list(spec.fixed_refs())
        status: Literal["built", "reused"] = "built"
        ctr: dagger.Container | None = None
        digest: str | None = None
        if spec.reusable:
            first = ImageRef.parse(fixed[0])
            digest = await anyio.to_thread.run_sync(self.registry.digest, first)
            if digest is not None:
                status = "reused"
                ctr = dag.container().from_(first.pinned(digest))
                missing = [r for r in fixed[1:] if await anyio.to_thread.run_sync(
                    self.registry.digest, ImageRef.parse(r)) is None]
                if missing:
                    await self.push(ctr, missing)
            else:
                ctr = self._container(spec, src)
                # Dependents resolve FROM through the registry, so content tags are always pushed
                # (safe: they name their content); the first one is what dependents pin.
                digest = await self.push(ctr, fixed)
            self._pinned[spec.target] = ImageRef.parse(fixed[0]).pinned(digest)
        else:
            ctr = self._container(spec, src)
            await ctr.sync()
            if self.publish and spec.publishable:
                digest = await self.push(ctr, fixed)
        pushed = spec.reusable or (self.publish and spec.publishable)
        self.results[spec.target] = ImageResult(
            spec.target, fixed if pushed else [], digest, status,
            time.monotonic() - started, ctr,
        )

    async def _guarded(self, spec: ImageSpec, src: dagger.Directory) -> None:
        try:
            await self._one(spec, src)
        except dagger.ExecError as exc:
            raise BuildFailed(f"{spec.target}: `{' '.join(exc.command)}` exited {exc.exit_code}\n"
                              f"{exc.stdout}{exc.stderr}".rstrip()) from None
        except dagger.QueryError as exc:
            raise BuildFailed(f"{spec.target}: {exc}") from None
        finally:
            self._ready[spec.target].set()

    async def build(self, images: Sequence[ImageSpec]) -> list[ImageResult]:
        src = source_directory(self.config)
        self._ready = {spec.target: anyio.Event() for spec in images}
        try:
            async with anyio.create_task_group() as tg:
                for spec in images:
                    tg.start_soon(self._guarded, spec, src)
        except BaseExceptionGroup as group:
            raise leaf_errors(group)[0] from None
        if self.publish:
            await self._publish_moving(images)
        return [self.results[spec.target] for spec in images if spec.target in self.results]

    async def _publish_moving(self, images: Sequence[ImageSpec]) -> None:
        """Moving tags last: a run that failed earlier never moves `latest`."""
        for spec in images:
            if not spec.publishable:
                continue
            for source, tag in spec.moving_retags():
                await anyio.to_thread.run_sync(self.registry.retag, ImageRef.parse(source), tag)
            self.results[spec.target].refs += spec.moving_refs()
