"""``python -m api [--port N]``: serve the API with the stdlib WSGI server (development)."""

import argparse
import os
from wsgiref.simple_server import make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codecov.settings_prod")


def main() -> None:
    from api.app import make_default_app

    parser = argparse.ArgumentParser(prog="api")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("CODECOV_API_PORT", "8000"))
    )
    args = parser.parse_args()
    with make_server(args.host, args.port, make_default_app()) as server:
        print(f"serving on {args.host}:{args.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
