"""Small HTTP API that reads jobs back from Postgres through ``shared``."""
