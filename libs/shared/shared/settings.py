"""Django-style settings selection without Django.

``DJANGO_SETTINGS_MODULE`` names a plain Python module (e.g. ``shared.settings_test``,
``django_scaffold.settings_test``, ``codecov.settings_test``); its UPPER_CASE attributes
are the settings.  Without the env var only :data:`DEFAULTS` apply.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

SETTINGS_MODULE_ENV = "DJANGO_SETTINGS_MODULE"

DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "RUN_ENV": "DEV",
        "JOBS_QUEUE": "jobs",
        "JOBS_TABLE": "jobs",
        "QUEUE_POP_TIMEOUT": 5,
    }
)


class Settings(dict[str, Any]):
    """A dict that also allows attribute access (``settings.JOBS_QUEUE``)."""

    module: str | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    settings = Settings(DEFAULTS)
    module_name = env.get(SETTINGS_MODULE_ENV)
    if module_name:
        module = importlib.import_module(module_name)
        settings.update(
            {name: getattr(module, name) for name in dir(module) if name.isupper()}
        )
        settings.module = module_name
    # RUN_ENV from the environment (set by the images and by CI) wins over the module.
    if env.get("RUN_ENV"):
        settings["RUN_ENV"] = env["RUN_ENV"]
    return settings
