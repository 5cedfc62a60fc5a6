"""The command line: `python -m pipeline COMMAND`. Thin: parse, call, print."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from pipeline.config import Config, load_config
from pipeline.errors import PipelineError
from pipeline.hashing import git_toplevel
from pipeline.plan import ImageSpec, build_plan, default_targets, promotions, select
from pipeline.refs import ImageRef
from pipeline.registry import Registry
from pipeline.tags import Tags, compute_tags

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build, test and publish the umbrella monorepo's images with Dagger.",
)

_state: dict[str, Path | None] = {"source": None}

T = TypeVar("T")

SourceOption = Annotated[
    Path | None,
    typer.Option("--source", help="The monorepo checkout (default: git top level of the current directory)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TargetsArg = Annotated[list[str] | None, typer.Argument(help="Targets, app names or kinds.")]


@app.callback()
def _root(source: SourceOption = None) -> None:
    _state["source"] = source


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def guarded(fn: Callable[[], T]) -> T:
    """Run `fn`; turn a PipelineError into one line on stderr and its exit code."""
    try:
        return fn()
    except PipelineError as exc:
        fail(str(exc), exc.exit_code)
        raise AssertionError("unreachable") from None


def resolve_source() -> Path:
    given = _state["source"]
    return git_toplevel((given or Path.cwd()).resolve())


def check_pytest_args(args: str) -> None:
    try:
        shlex.split(args)
    except ValueError as exc:
        raise PipelineError(f"--pytest-args {args!r}: {exc}") from None


def load() -> tuple[Config, Tags]:
    source = resolve_source()
    return load_config(source), compute_tags(source)


@app.command()
def tags(as_json: JsonOption = False) -> None:
    """Print the content-hash tags as NAME=value lines a shell can eval."""
    _, computed = guarded(load)
    values = computed.as_env()
    if as_json:
        typer.echo(json.dumps(values, indent=2))
        return
    for name, value in values.items():
        typer.echo(f"{name}={shlex.quote(value)}")


def _plan_text(images: list[ImageSpec]) -> str:
    lines: list[str] = []
    for image in images:
        flavor = f"  flavor={image.flavor}" if image.flavor else ""
        lines.append(f"{image.target}  ({image.dockerfile}{flavor})")
        lines.append(f"  base      {image.base}")
        for key, value in image.build_args.items():
            lines.append(f"  arg       {key}={value}")
        for key, value in image.labels.items():
            lines.append(f"  label     {key}={value}")
        for ref in image.refs:
            lines.append(f"  tag       {ref}")
        lines.append("")
    return "\n".join(lines).rstrip()


@app.command()
def plan(targets: TargetsArg = None, as_json: JsonOption = False) -> None:
    """Print every image the pipeline would produce, with its base, build args, labels and tags."""

    def run() -> tuple[Tags, list[ImageSpec]]:
        config, computed = load()
        images = build_plan(config, computed)
        return computed, select(images, targets) if targets else images

    computed, images = guarded(run)
    if as_json:
        payload: dict[str, Any] = {"tags": computed.as_env(), "images": [i.as_dict() for i in images]}
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(_plan_text(images))


PublishOption = Annotated[bool, typer.Option("--publish", help="Push every tag of every built image.")]


@app.command()
def build(targets: TargetsArg = None, publish: PublishOption = False, as_json: JsonOption = False) -> None:
    """Build (or reuse) images through Dagger; by default what CI builds."""
    from pipeline.builder import Builder
    from pipeline.engine import registry_credentials, run_with_engine

    def run() -> list[dict[str, Any]]:
        config, computed = load()
        images = select(build_plan(config, computed), targets or default_targets(config))
        credentials = registry_credentials(config)
        builder = Builder(config, Registry(credentials), publish, credentials)
        return [r.as_dict() for r in run_with_engine(lambda: builder.build(images))]

    results = guarded(run)
    if as_json:
        typer.echo(json.dumps({"images": results}, indent=2))
        return
    for r in results:
        typer.echo(f"{r['status']:<7} {r['seconds']:>6.1f}s  {r['target']:<28} {r['digest'] or '(not published)'}")
        for ref in r["refs"]:
            typer.echo(f"{'':17}{ref}")


SuiteOption = Annotated[str | None, typer.Option("--suite", help="unit or integration (default: both).")]
PytestArgsOption = Annotated[str, typer.Option("--pytest-args", help="Extra pytest arguments, shell-quoted.")]
ServiceTimeoutOption = Annotated[
    float, typer.Option("--service-timeout", help="Seconds each service gets to answer a real request.")]


@app.command()
def test(
    apps: Annotated[list[str] | None, typer.Argument(help="Apps (default: all).")] = None,
    suite: SuiteOption = None,
    pytest_args: PytestArgsOption = "",
    service_timeout: ServiceTimeoutOption = 60.0,
    as_json: JsonOption = False,
) -> None:
    """Run each app's unit and integration suites in its test image next to real services."""
    from pipeline.builder import Builder
    from pipeline.engine import registry_credentials, run_with_engine
    from pipeline.reports import SUITES, summary_line
    from pipeline.testing import TestRunner

    def run() -> TestRunner:
        if suite is not None and suite not in SUITES:
            raise PipelineError(f"--suite {suite!r}: expected unit or integration")
        check_pytest_args(pytest_args)
        config, computed = load()
        chosen = [config.app(a) for a in apps] if apps else list(config.apps)
        credentials = registry_credentials(config)
        builder = Builder(config, Registry(credentials), False, credentials)
        runner = TestRunner(config, builder, (suite,) if suite else None, pytest_args, service_timeout)
        run_with_engine(lambda: runner.run(chosen, build_plan(config, computed)))
        return runner

    runner = guarded(run)
    ok = not runner.failures and all(r.ok for r in runner.results)
    if as_json:
        typer.echo(json.dumps({"ok": ok, "suites": [r.as_dict() for r in runner.results],
                               "failures": runner.failures}, indent=2))
    else:
        for result in runner.results:
            typer.echo(summary_line(result))
        for failure in runner.failures:
            typer.echo(f"error: {failure}", err=True)
    if not ok:
        raise typer.Exit(1)


@app.command()
def ci(
    event: Annotated[str | None, typer.Option("--event", help="push or pull_request (default: from the CI).")] = None,
    branch: Annotated[str | None, typer.Option("--branch", help="Branch (default: from $GITHUB_REF).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only apps whose paths changed since REF.")] = None,
    pytest_args: PytestArgsOption = "",
    service_timeout: ServiceTimeoutOption = 60.0,
    as_json: JsonOption = False,
) -> None:
    """The one CI entry point: tags, images, tests, and publishing by branch (main, staging, PR)."""
    from pipeline.builder import Builder
    from pipeline.changes import changed_apps, changed_files, detect_context
    from pipeline.ci import CiRun
    from pipeline.engine import registry_credentials, run_with_engine
    from pipeline.reports import summary_line
    from pipeline.testing import TestRunner

    def run() -> tuple[CiRun, list[str]]:
        check_pytest_args(pytest_args)
        config, computed = load()
        context = detect_context(os.environ, event, branch, since)
        files = changed_files(config.source, context.since) if context.since else None
        apps = changed_apps(config, files)
        skipped = [a.name for a in config.apps if a not in apps]
        credentials = registry_credentials(config)
        builder = Builder(config, Registry(credentials), False, credentials)
        runner = TestRunner(config, builder, None, pytest_args, service_timeout)
        job = CiRun(config, computed, context, builder, runner)
        run_with_engine(lambda: job.run(apps))
        return job, skipped

    job, skipped = guarded(run)
    if as_json:
        typer.echo(json.dumps(job.as_dict(skipped), indent=2))
    else:
        typer.echo(f"ci: {job.context.mode} ({job.context.branch or 'no branch'}), "
                   f"skipped apps: {', '.join(skipped) or 'none'}")
        for image in job.builder.results.values():
            typer.echo(f"{image.status:<7} {image.seconds:>6.1f}s  {image.target}")
        for result in job.runner.results:
            typer.echo(summary_line(result))
        for ref in job.published:
            typer.echo(f"published {ref}")
        for name in job.held_back:
            typer.echo(f"not published: {name} (tests failed)")
        for failure in job.runner.failures:
            typer.echo(f"error: {failure}", err=True)
    if not job.ok:
        raise typer.Exit(1)


@app.command()
def promote(
    stage: Annotated[str, typer.Argument(help="staging, production, latest (cloud images) or rolling, release "
                                              "(self-hosted images).")],
    apps: Annotated[list[str] | None, typer.Argument(help="Apps (default: all).")] = None,
) -> None:
    """Retag this commit's published images in the registry, without rebuilding."""
    from pipeline.engine import registry_credentials

    def run() -> list[str]:
        config, computed = load()
        chosen = [config.app(a) for a in apps] if apps else list(config.apps)
        pairs = [(ImageRef.parse(ref), tag) for ref, tag in promotions(computed, stage, chosen)]
        registry = Registry(registry_credentials(config))
        for ref, _ in pairs:  # every source must exist before any tag moves
            if registry.digest(ref) is None:
                raise PipelineError(f"{ref}: not in the registry; run `build --publish` first")
        return [f"{ref.with_tag(tag)} -> {registry.retag(ref, tag)}" for ref, tag in pairs]

    for line in guarded(run):
        typer.echo(line)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
