"""Code shared by the umbrella apps (worker, codecov-api).

- :mod:`shared.config`   -- load the YAML config named by ``CODECOV_YML`` plus env overrides
- :mod:`shared.settings` -- load the settings module named by ``DJANGO_SETTINGS_MODULE``
- :mod:`shared.db`       -- Postgres job store (psycopg2)
- :mod:`shared.queue`    -- Redis job queue (JSON messages on a list)
- :mod:`shared.jobs`     -- the job model both apps agree on
"""

__version__ = "0.1.0"
