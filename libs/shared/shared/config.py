"""Configuration loading.

The config is a YAML file whose path is given by the env var ``CODECOV_YML``
(default ``/config/codecov.yml``).  Any env var of the form ``SECTION__KEY[__SUBKEY...]``
overrides the value at that (lower-cased) path, e.g. ``SERVICES__REDIS_URL=redis://x:6379``
sets ``config["services"]["redis_url"]``.  Override values are parsed as YAML scalars,
so ``SERVICES__MINIO__PORT=9000`` becomes the integer 9000.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import yaml

DEFAULT_CONFIG_PATH = "/config/codecov.yml"
CONFIG_PATH_ENV = "CODECOV_YML"

_OVERRIDE_RE = re.compile(r"^[A-Z][A-Z0-9_]*?[A-Z0-9](__[A-Z0-9][A-Z0-9_]*)+$")


class ConfigError(RuntimeError):
    """The config file is missing, unreadable or malformed, or a key is missing."""


def config_path(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(CONFIG_PATH_ENV) or DEFAULT_CONFIG_PATH


def _parse_scalar(raw: str) -> Any:
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    """Nested dict built from ``A__B__C=value`` env vars."""
    result: dict[str, Any] = {}
    for name in sorted(environ):
        if "__" not in name or not _OVERRIDE_RE.match(name):
            continue
        parts = [p.lower() for p in name.split("__")]
        node = result
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = _parse_scalar(environ[name])
    return result


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def load_config(
    path: str | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Read the YAML config file and apply env overrides."""
    env = os.environ if environ is None else environ
    path = path or config_path(env)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file {path!r} not found (set {CONFIG_PATH_ENV} to its path)"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path!r} is not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path!r} must hold a mapping at the top level")
    return deep_merge(data, env_overrides(env))


def get(config: Mapping[str, Any], *keys: str, default: Any = ConfigError) -> Any:
    """``get(cfg, "services", "redis_url")``; raises ConfigError unless a default is given."""
    node: Any = config
    for i, key in enumerate(keys):
        if not isinstance(node, Mapping) or key not in node:
            if default is ConfigError:
                raise ConfigError(f"missing config key {'.'.join(keys[: i + 1])!r}")
            return default
        node = node[key]
    return node


def database_url(config: Mapping[str, Any]) -> str:
    return str(get(config, "services", "database_url"))


def timeseries_database_url(config: Mapping[str, Any]) -> str:
    return str(get(config, "services", "timeseries_database_url"))


def redis_url(config: Mapping[str, Any]) -> str:
    return str(get(config, "services", "redis_url"))
