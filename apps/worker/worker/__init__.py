"""Background worker: takes jobs from Redis, writes results to Postgres (via ``shared``)."""
