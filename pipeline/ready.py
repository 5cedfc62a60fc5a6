"""Wait until services answer a real request, not just an open port.

Runs inside the app's test container with only the standard library:
    python ready.py TIMEOUT NAME:KIND:PORT ...    (KIND: postgres, redis or tcp)
Exits 0 when all answer; otherwise prints one line per service that did not and exits 1.
"""

from __future__ import annotations

import socket
import struct
import sys
import time


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        data += chunk
    return data


def _pg_messages(sock: socket.socket) -> tuple[bytes, bytes]:
    kind = _recv_exact(sock, 1)
    (length,) = struct.unpack("!i", _recv_exact(sock, 4))
    return kind, _recv_exact(sock, length - 4)


def check_postgres(host: str, port: int) -> None:
    """Startup as user postgres (trust auth), then run `SELECT 1`."""
    with socket.create_connection((host, port), timeout=3) as sock:
        params = b"user\0postgres\0database\0postgres\0\0"
        sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        while True:
            kind, body = _pg_messages(sock)
            if kind == b"E":
                raise ConnectionError(body.replace(b"\0", b" ").decode(errors="replace").strip())
            if kind == b"R" and struct.unpack("!i", body[:4])[0] != 0:
                raise ConnectionError("server asks for a password (expected trust auth)")
            if kind == b"Z":
                break
        query = b"SELECT 1\0"
        sock.sendall(b"Q" + struct.pack("!i", 4 + len(query)) + query)
        rows = 0
        while True:
            kind, body = _pg_messages(sock)
            if kind == b"E":
                raise ConnectionError(body.replace(b"\0", b" ").decode(errors="replace").strip())
            rows += kind == b"D"
            if kind == b"Z":
                break
        if rows != 1:
            raise ConnectionError("SELECT 1 returned no row")


def check_redis(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=3) as sock:
        sock.sendall(b"PING\r\n")
        answer = sock.recv(64)
        if not answer.startswith(b"+PONG"):
            raise ConnectionError(f"PING answered {answer[:40]!r}")


def check_tcp(host: str, port: int) -> None:
    socket.create_connection((host, port), timeout=3).close()


CHECKS = {"postgres": check_postgres, "redis": check_redis, "tcp": check_tcp}


def main(argv: list[str]) -> int:
    deadline = time.monotonic() + float(argv[0])
    pending = {spec: "not tried" for spec in argv[1:]}
    while pending and time.monotonic() < deadline:
        for spec in list(pending):
            name, kind, port = spec.split(":")
            try:
                CHECKS[kind](name, int(port))
                print(f"ready: {name} ({kind} on port {port})", flush=True)
                del pending[spec]
            except (OSError, ConnectionError, struct.error) as exc:
                pending[spec] = f"{type(exc).__name__}: {exc}"
        if pending:
            time.sleep(0.5)
    for spec, error in pending.items():
        name, kind, port = spec.split(":")
        print(f"service {name!r} not ready after {argv[0]} s ({kind} on port {port}): {error}", flush=True)
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
