"""Configuration: SPEC section 1 defaults < `[tool.pipeline]` in pyproject.toml < environment."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

DEFAULT_PYTHON_IMAGE = "ghcr.io/astral-sh/uv:python3.13-bookworm-slim"
DEFAULT_REPO_URL = "https://github.com/codecov/umbrella"


@dataclass(frozen=True)
class Service:
    """A service container started next to an app's tests."""

    name: str
    image: str
    port: int
    env: dict[str, str] = field(default_factory=dict)
    init_sql: str | None = None  # repo-relative file mounted into /docker-entrypoint-initdb.d
    ready: str = "tcp"  # "postgres", "redis" or "tcp": how readiness is proven
    command: tuple[str, ...] = ()  # when set: the whole command line, entrypoint not used


@dataclass(frozen=True)
class App:
    name: str
    app_dir: str
    ar_repo: str
    dockerhub_repo: str
    entrypoint: str
    settings_parent: str
    cov_source: str
    integration: bool
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    source: Path
    ar_repo_prefix: str
    ar_reqs_repo: str
    ci_reqs_repo: str
    python_image: str
    repo_url: str
    apps: tuple[App, ...]
    services: tuple[Service, ...]
    test_config: str

    def app(self, name: str) -> App:
        for app in self.apps:
            if app.name == name:
                return app
        known = ", ".join(a.name for a in self.apps)
        raise PipelineError(f"unknown app {name!r} (known: {known})")


# name -> (APP_DIR, repo suffix, dockerhub repo, entrypoint, settings parent, cov source,
#          has integration suite)
_DEFAULT_APPS: dict[str, tuple[str, str, str, str, str, str, bool]] = {
    "api": ("apps/codecov-api", "api", "codecov/self-hosted-api", "./api.sh", "codecov", "./", False),
    "worker": (
        "apps/worker", "worker", "codecov/self-hosted-worker", "./worker.sh",
        "django_scaffold", "./", True,
    ),
    "shared": (
        "libs/shared", "dev-shared", "codecov/dev-hosted-shared", "/bin/sh", "shared",
        "./shared", True,
    ),
}

_DEFAULT_SERVICES = (
    Service("postgres", "postgres:14", 5432, {"POSTGRES_HOST_AUTH_METHOD": "trust"}, ready="postgres"),
    Service(
        "timescale", "timescale/timescaledb:latest-pg14", 5432,
        {"POSTGRES_HOST_AUTH_METHOD": "trust"}, "docker/init_test_analytics.sql", "postgres",
    ),
    Service("redis", "redis:6", 6379, ready="redis"),
    Service(
        "minio", "minio/minio:latest", 9002,
        {"MINIO_ACCESS_KEY": "codecov-default-key", "MINIO_SECRET_KEY": "codecov-default-secret"},
        command=("minio", "server", "/export", "--address", ":9002"),
    ),
    Service("mailhog", "mailhog/mailhog:latest", 1025),
)

_TOP_KEYS = {"ar_repo_prefix", "ar_reqs_repo", "ci_reqs_repo", "python_image", "repo_url",
             "apps", "services", "test_config"}
_APP_KEYS = {"app_dir", "ar_repo", "dockerhub_repo", "entrypoint", "settings_parent",
             "cov_source", "integration", "paths"}
_SERVICE_KEYS = {"image", "port", "env", "init_sql", "ready", "command"}


def _str(table: Mapping[str, Any], key: str, where: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise PipelineError(f"{where}.{key}: expected a non-empty string, got {value!r}")
    return value


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise PipelineError(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PipelineError(f"{where}: expected a table")
    return value


def read_tool_table(source: Path) -> Mapping[str, Any]:
    path = source / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{path}: invalid TOML: {exc}") from None
    return _table(data.get("tool", {}).get("pipeline", {}), "[tool.pipeline]")


def _env_name(app: str) -> str:
    return app.upper().replace("-", "_")


def _load_apps(
    table: Mapping[str, Any], env: Mapping[str, str], prefix: str, hub_prefix: str | None
) -> tuple[App, ...]:
    where = "[tool.pipeline.apps]"
    overrides = _table(table.get("apps", {}), where)
    names = list(_DEFAULT_APPS) + [n for n in overrides if n not in _DEFAULT_APPS]
    apps = []
    for name in names:
        t = _table(overrides.get(name, {}), f"{where}.{name}")
        _check_keys(t, _APP_KEYS, f"{where}.{name}")
        d = _DEFAULT_APPS.get(name)
        if d is None and "app_dir" not in t:
            raise PipelineError(f"{where}.{name}.app_dir: required for an app not in the defaults")
        app_dir, suffix, hub, entry, settings, cov, integ = d or (
            t["app_dir"], name, f"codecov/self-hosted-{name}", "/bin/sh", name, "./", False,
        )
        if hub_prefix:
            hub = f"{hub_prefix}/{hub.split('/', 1)[1]}"
        w = f"{where}.{name}"
        integration = t.get("integration", integ)
        if not isinstance(integration, bool):
            raise PipelineError(f"{w}.integration: expected true or false")
        paths = t.get("paths", [app_dir])
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise PipelineError(f"{w}.paths: expected a list of strings")
        e = _env_name(name)
        apps.append(App(
            name=name,
            app_dir=_str(t, "app_dir", w, app_dir).rstrip("/"),
            ar_repo=env.get(f"{e}_AR_REPO") or _str(t, "ar_repo", w, f"{prefix}/{suffix}"),
            dockerhub_repo=env.get(f"{e}_DOCKERHUB_REPO") or _str(t, "dockerhub_repo", w, hub),
            entrypoint=_str(t, "entrypoint", w, entry),
            settings_parent=_str(t, "settings_parent", w, settings),
            cov_source=_str(t, "cov_source", w, cov),
            integration=integration,
            paths=tuple(paths),
        ))
    return tuple(apps)


def _load_services(table: Mapping[str, Any]) -> tuple[Service, ...]:
    where = "[tool.pipeline.services]"
    overrides = _table(table.get("services", {}), where)
    defaults = {s.name: s for s in _DEFAULT_SERVICES}
    chosen: dict[str, Service] = {}
    for name, raw in overrides.items():
        if raw is False:  # `minio = false` drops a default service
            defaults.pop(name, None)
            continue
        t = _table(raw, f"{where}.{name}")
        _check_keys(t, _SERVICE_KEYS, f"{where}.{name}")
        base = defaults.pop(name, Service(name, "", 0))
        port = t.get("port", base.port)
        if not isinstance(port, int) or not 0 < port < 65536:
            raise PipelineError(f"{where}.{name}.port: expected a TCP port number")
        env = t.get("env", base.env)
        if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
            raise PipelineError(f"{where}.{name}.env: expected a table of strings")
        ready = t.get("ready", base.ready)
        if ready not in ("tcp", "postgres", "redis"):
            raise PipelineError(f"{where}.{name}.ready: expected tcp, postgres or redis")
        init_sql = t.get("init_sql", base.init_sql)
        if init_sql is not None and not isinstance(init_sql, str):
            raise PipelineError(f"{where}.{name}.init_sql: expected a path")
        command = t.get("command", list(base.command))
        if not isinstance(command, list) or not all(isinstance(c, str) for c in command):
            raise PipelineError(f"{where}.{name}.command: expected a list of strings")
        chosen[name] = replace(
            base, image=_str(t, "image", f"{where}.{name}", base.image), port=port,
            env=dict(env), ready=ready, init_sql=init_sql, command=tuple(command),
        )
    return tuple(defaults.values()) + tuple(chosen.values())


def load_config(source: Path, env: Mapping[str, str] | None = None) -> Config:
    env = os.environ if env is None else env
    table = read_tool_table(source)
    _check_keys(table, _TOP_KEYS, "[tool.pipeline]")
    w = "[tool.pipeline]"
    prefix = env.get("AR_REPO_PREFIX") or _str(table, "ar_repo_prefix", w, "codecov")
    reqs = env.get("AR_REQS_REPO") or _str(table, "ar_reqs_repo", w, f"{prefix}/umbrella-reqs")
    return Config(
        source=source,
        ar_repo_prefix=prefix,
        ar_reqs_repo=reqs,
        ci_reqs_repo=env.get("CI_REQS_REPO") or _str(table, "ci_reqs_repo", w, "codecov/umbrella-reqs"),
        python_image=env.get("PYTHON_IMAGE") or _str(table, "python_image", w, DEFAULT_PYTHON_IMAGE),
        repo_url=env.get("REPO_URL") or _str(table, "repo_url", w, DEFAULT_REPO_URL),
        apps=_load_apps(table, env, prefix, env.get("DOCKERHUB_REPO_PREFIX")),
        services=_load_services(table),
        test_config=_str(table, "test_config", w, "docker/codecov_test.yml"),
    )
