"""The Dagger layer for tests: each app's test image next to its own real services."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import anyio
import dagger
from dagger import dag

from pipeline.builder import Builder, source_directory
from pipeline.config import App, Config, Service
from pipeline.errors import BuildFailed, PipelineError, leaf_errors
from pipeline.plan import ImageSpec, select
from pipeline.reports import SuiteResult, pytest_command, read_junit, report_names, suites_of

READY_SCRIPT = (Path(__file__).parent / "ready.py").read_text()
CONFIG_PATH = "/config/codecov.yml"


class ServiceNotReady(PipelineError):
    exit_code = 1


@dataclass
class TestRunner:
    config: Config
    builder: Builder
    suites: tuple[str, ...] | None = None
    pytest_args: str = ""
    service_timeout: float = 60.0
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    results: list[SuiteResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # apps that could not run their suites

    def _service(self, app: App, svc: Service, src: dagger.Directory) -> dagger.Service:
        ctr = dag.container().from_(svc.image)
        for key, value in svc.env.items():
            ctr = ctr.with_env_variable(key, value)
        if svc.init_sql:
            name = PurePosixPath(svc.init_sql).name
            ctr = ctr.with_file(f"/docker-entrypoint-initdb.d/{name}", src.file(svc.init_sql))
        # Identical service definitions are shared by the engine: scope them to this app and run.
        ctr = ctr.with_env_variable("PIPELINE_SERVICE_SCOPE", f"{app.name}-{self.run_id}")
        ctr = ctr.with_exposed_port(svc.port)
        if svc.command:
            return ctr.as_service(args=list(svc.command))
        return ctr.as_service(use_entrypoint=True)

    async def _start(self, app: App, svc: Service, service: dagger.Service) -> None:
        try:
            with anyio.fail_after(self.service_timeout):
                await service.start()
        except TimeoutError:
            raise ServiceNotReady(
                f"{app.name}: service {svc.name!r} ({svc.image}) did not open port {svc.port} "
                f"within {self.service_timeout:.0f} s") from None
        except dagger.QueryError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "start failed"
            raise ServiceNotReady(f"{app.name}: service {svc.name!r} ({svc.image}) failed to start: {first}") from None

    async def _app(self, app: App, test_image: dagger.Container) -> None:
        src = source_directory(self.config)
        services = {svc.name: (svc, self._service(app, svc, src)) for svc in self.config.services}
        async with anyio.create_task_group() as tg:
            for svc, service in services.values():
                tg.start_soon(self._start, app, svc, service)
        ctr = (test_image.with_user("root")
               .with_mounted_directory("/app", src, owner="1001:1001")
               .with_file(CONFIG_PATH, src.file(self.config.test_config))
               .with_env_variable("CODECOV_YML", CONFIG_PATH)
               .with_env_variable("RUN_ENV", "DEV")
               .with_mounted_directory("/opt/pipeline", dag.directory().with_new_file("ready.py", READY_SCRIPT)))
        for name, (_, service) in services.items():
            ctr = ctr.with_service_binding(name, service)
        ctr = (ctr.with_env_variable("UV_NATIVE_TLS", "1")
               .with_exec(["uv", "pip", "install", "--system", "--no-deps", "-e", "/app/libs/shared"])
               .without_env_variable("UV_NATIVE_TLS")
               # Tests and the readiness probe run every time: their outcome depends on services.
               .with_env_variable("PIPELINE_TEST_RUN", self.run_id))
        specs = [f"{svc.name}:{svc.ready}:{svc.port}" for svc, _ in services.values()]
        probe = ctr.with_exec(["python", "/opt/pipeline/ready.py", str(int(self.service_timeout)), *specs],
                              expect=dagger.ReturnType.ANY)
        if await probe.exit_code() != 0:
            lines = [ln for ln in (await probe.stdout()).splitlines() if ln.startswith("service ")]
            raise ServiceNotReady(f"{app.name}: " + ("; ".join(lines) or "services not ready"))
        workdir = f"/app/{app.app_dir}"
        ctr = (ctr.with_user("1001").with_workdir(workdir)
               .with_env_variable("RUN_ENV", "TESTING")
               .with_env_variable("DJANGO_SETTINGS_MODULE", f"{app.settings_parent}.settings_test"))
        for suite in self._suites(app):
            started = time.monotonic()
            ctr = ctr.with_exec(pytest_command(app, suite, self.pytest_args), expect=dagger.ReturnType.ANY)
            result = SuiteResult(app.name, suite, await ctr.exit_code())
            await self._export(ctr, app, suite, result)
            if result.seconds == 0.0:
                result.seconds = time.monotonic() - started
            self.results.append(result)

    async def _guarded(self, app: App, test_image: dagger.Container | None) -> None:
        """One app's failure to start is reported without cancelling the other apps' runs."""
        try:
            if test_image is None:
                raise BuildFailed(f"{app.name}: no test image was built")
            await self._app(app, test_image)
        except PipelineError as exc:
            self.failures.append(str(exc))
        except dagger.ExecError as exc:
            self.failures.append(f"{app.name}: `{' '.join(exc.command)}` exited {exc.exit_code}: "
                                 f"{(exc.stderr or exc.stdout).strip()[-2000:]}")
        except dagger.QueryError as exc:
            self.failures.append(f"{app.name}: {exc}")
        except BaseExceptionGroup as group:  # from the concurrent service starts
            leaves = leaf_errors(group)
            if not all(isinstance(e, PipelineError | dagger.Error) for e in leaves):
                raise
            self.failures.extend(f"{app.name}: {e}" if isinstance(e, dagger.Error) else str(e) for e in leaves)

    def _suites(self, app: App) -> Sequence[str]:
        return [s for s in suites_of(app) if self.suites is None or s in self.suites]

    async def _export(self, ctr: dagger.Container, app: App, suite: str, result: SuiteResult) -> None:
        junit, coverage = report_names(suite)
        host_dir = self.config.source / app.app_dir
        for name in (junit, coverage):
            target = host_dir / name
            try:
                await ctr.file(f"/app/{app.app_dir}/{name}").export(str(target))
            except dagger.QueryError:
                continue  # pytest died before writing it; the summary says so
            if name == junit:
                read_junit(target, result)
            else:
                result.coverage = str(target)

    def clear_reports(self, apps: Sequence[App]) -> None:
        """Remove old reports first, so a stale file is never taken for this run's."""
        for app in apps:
            for suite in self._suites(app):
                for name in report_names(suite):
                    (self.config.source / app.app_dir / name).unlink(missing_ok=True)

    async def run(self, apps: Sequence[App], plan: list[ImageSpec]) -> list[SuiteResult]:
        """Build (or reuse) each app's test image, then run its suites."""
        images = select(plan, [f"{app.name}.test-app" for app in apps])
        built = {r.target: r.container for r in await self.builder.build(images)}
        return await self.run_on(apps, {app.name: built.get(f"{app.name}.test-app") for app in apps})

    async def run_on(self, apps: Sequence[App], images: dict[str, dagger.Container | None]) -> list[SuiteResult]:
        """Run the suites of every app concurrently, each in its own test image with its own services."""
        self.clear_reports(apps)
        async with anyio.create_task_group() as tg:
            for app in apps:
                tg.start_soon(self._guarded, app, images.get(app.name))
        order = {app.name: i for i, app in enumerate(apps)}
        self.results.sort(key=lambda r: (order[r.app], r.suite != "unit"))
        return self.results

    def app_passed(self, app: App) -> bool:
        mine = [r for r in self.results if r.app == app.name]
        return bool(mine) and all(r.ok for r in mine) and not any(f.startswith(f"{app.name}:") for f in self.failures)
