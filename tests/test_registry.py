"""Registry client error paths and request shapes, on httpx's MockTransport (no network)."""

from __future__ import annotations

import httpx
import pytest

from pipeline.errors import PipelineError, Unreachable
from pipeline.refs import ImageRef
from pipeline.registry import ACCEPT, Credentials, Registry

DIGEST = "sha256:" + "ab" * 32


def test_parse_refs_like_docker() -> None:
    assert ImageRef.parse("postgres:14") == ImageRef("docker.io", "library/postgres", "14")
    assert ImageRef.parse("codecov/api:latest").repository == "codecov/api"
    ref = ImageRef.parse("localhost:5000/a/b:t@sha256:00")
    assert (ref.host, ref.repository, ref.tag, ref.digest) == ("localhost:5000", "a/b", "t", "sha256:00")
    assert ref.plain_http
    assert ImageRef.parse("ghcr.io/astral-sh/uv:python3.13").api_host == "ghcr.io"
    assert ImageRef.parse("codecov/api:x").api_host == "registry-1.docker.io"
    assert ImageRef.parse("localhost:5000/repo").tag is None
    with pytest.raises(PipelineError, match="lowercase"):
        ImageRef.parse("Codecov/API:x")


def test_head_sends_accept_headers_and_reads_digest() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Docker-Content-Digest": DIGEST})

    registry = Registry(transport=httpx.MockTransport(handler))
    assert registry.digest(ImageRef.parse("localhost:5000/codecov/umbrella-reqs:reqs-x")) == DIGEST
    (request,) = seen
    assert request.method == "HEAD"
    assert str(request.url) == "http://localhost:5000/v2/codecov/umbrella-reqs/manifests/reqs-x"
    assert request.headers["Accept"] == ACCEPT
    assert "application/vnd.oci.image.index.v1+json" in ACCEPT


def test_missing_tag_is_none() -> None:
    registry = Registry(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    assert registry.digest(ImageRef.parse("registry.example/x:y")) is None


def test_bearer_token_flow_with_credentials() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.host}{request.url.path}")
        if request.url.host == "auth.example":
            assert request.url.params["scope"] == "repository:team/api:pull"
            assert request.url.params["service"] == "registry.example"
            assert request.headers["Authorization"].startswith("Basic ")
            return httpx.Response(200, json={"token": "tok-123"})
        if request.headers.get("Authorization") == "Bearer tok-123":
            return httpx.Response(200, headers={"Docker-Content-Digest": DIGEST})
        return httpx.Response(401, headers={"WWW-Authenticate":
            'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/api:pull"'})

    registry = Registry({"registry.example": Credentials("bot", "pw")}, transport=httpx.MockTransport(handler))
    ref = ImageRef.parse("registry.example/team/api:v1")
    assert registry.digest(ref) == DIGEST
    assert registry.digest(ref) == DIGEST  # the token is reused
    assert calls.count("GET auth.example/token") == 1
    assert "pw" not in repr(registry)


def test_refused_login_is_one_clear_line_without_the_password() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example":
            return httpx.Response(401)
        return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer realm="https://auth.example/t",service="s"'})

    registry = Registry({"registry.example": Credentials("bot", "hunter2")}, transport=httpx.MockTransport(handler))
    with pytest.raises(Unreachable) as info:
        registry.digest(ImageRef.parse("registry.example/team/api:v1"))
    message = str(info.value)
    assert "refused the login (user 'bot')" in message and "hunter2" not in message and "\n" not in message


def test_unreachable_registry() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(Unreachable, match=r"registry registry\.example is unreachable"):
        Registry(transport=httpx.MockTransport(handler)).digest(ImageRef.parse("registry.example/a:b"))


def test_retag_puts_the_same_manifest_under_the_new_tag() -> None:
    body = b'{"schemaVersion":2}'
    puts: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, content=body, headers={
                "Content-Type": "application/vnd.oci.image.manifest.v1+json", "Docker-Content-Digest": DIGEST})
        puts.append(request)
        return httpx.Response(201, headers={"Docker-Content-Digest": DIGEST})

    registry = Registry(transport=httpx.MockTransport(handler))
    assert registry.retag(ImageRef.parse("localhost:5000/codecov/api:release-abc1234"), "latest") == DIGEST
    (put,) = puts
    assert put.url.path == "/v2/codecov/api/manifests/latest"
    assert put.content == body and put.headers["Content-Type"] == "application/vnd.oci.image.manifest.v1+json"


def test_retag_of_a_missing_image_names_it() -> None:
    registry = Registry(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    with pytest.raises(PipelineError, match="no such image to promote"):
        registry.retag(ImageRef.parse("localhost:5000/codecov/api:release-abc1234"), "latest")


def test_bad_repository_host_is_a_clear_error() -> None:
    with pytest.raises(PipelineError, match="check the repository names"):
        Registry().digest(ImageRef.parse("localhost:abc/x/y:z"))


def test_token_service_without_a_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example":
            return httpx.Response(500, text="oops")
        return httpx.Response(401, headers={"WWW-Authenticate": 'Bearer realm="https://auth.example/t"'})

    with pytest.raises(Unreachable, match="token service answered HTTP 500"):
        Registry(transport=httpx.MockTransport(handler)).digest(ImageRef.parse("registry.example/a:b"))
