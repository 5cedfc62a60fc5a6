"""``python -m worker``: run the worker against the services named in the config."""

from __future__ import annotations

import logging
import os

import click
from shared import config as cfg
from shared import services
from shared.settings import load_settings

from worker.main import Worker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_scaffold.settings_prod")


@click.command()
@click.option("--once", is_flag=True, help="Handle at most one job, then exit.")
@click.option("--max-jobs", type=int, default=None, help="Exit after this many jobs.")
@click.option(
    "--queue",
    "queue_name",
    default=None,
    help="Redis list to read (default: settings).",
)
def main(once: bool, max_jobs: int | None, queue_name: str | None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    settings = load_settings()
    if queue_name:
        settings["JOBS_QUEUE"] = queue_name
    config = cfg.load_config()
    store = services.job_store(config, settings)
    store.create_schema()
    worker = Worker(
        services.job_queue(config, settings),
        store,
        pop_timeout=settings.QUEUE_POP_TIMEOUT,
    )
    try:
        if once:
            job = worker.run_once()
            click.echo(f"handled job {job.id}: {job.status}" if job else "queue empty")
        else:
            worker.install_signal_handlers()
            worker.run(max_jobs=max_jobs)
    finally:
        store.close()


if __name__ == "__main__":
    main()
