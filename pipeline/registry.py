"""Registry calls over the OCI distribution API: does a tag exist, and retag without rebuilding.

Uses httpx; handles the Bearer token flow (WWW-Authenticate challenge) and Basic auth.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

import httpx

from pipeline.errors import PipelineError, Unreachable
from pipeline.refs import ImageRef

# Without these, some registries convert the manifest and answer with a different digest.
MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
ACCEPT = ", ".join(MANIFEST_TYPES)
_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)


@dataclass
class Registry:
    """One client for every registry a run talks to; `credentials` maps host -> login."""

    credentials: dict[str, Credentials] = field(default_factory=dict)
    timeout: float = 30.0
    transport: httpx.BaseTransport | None = None  # tests inject a MockTransport here
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def _base(self, ref: ImageRef) -> str:
        scheme = "http" if ref.plain_http else "https"
        return f"{scheme}://{ref.api_host}/v2/{ref.repository}"

    def _token(self, client: httpx.Client, ref: ImageRef, challenge: str, scope: str) -> dict[str, str]:
        creds = self.credentials.get(ref.host)
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() == "basic":
            if creds is None:
                raise Unreachable(
                    f"registry {ref.host} asks for a login: set REGISTRY_USER and REGISTRY_PASSWORD")
            token = base64.b64encode(f"{creds.user}:{creds.password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        values = dict(_CHALLENGE.findall(params))
        key = (ref.host, scope)
        if key not in self._tokens:
            query = {"service": values.get("service", ""), "scope": scope}
            auth = (creds.user, creds.password) if creds else None
            if "realm" not in values:
                raise Unreachable(f"registry {ref.host}: WWW-Authenticate challenge without a realm: {challenge!r}")
            response = client.get(values["realm"], params=query, auth=auth)
            if response.status_code in (401, 403):
                who = f"user {creds.user!r}" if creds else "anonymous access"
                raise Unreachable(
                    f"registry {ref.host} refused the login ({who}): check REGISTRY_USER/REGISTRY_PASSWORD")
            try:
                response.raise_for_status()
                body = response.json()
                self._tokens[key] = body.get("token") or body["access_token"]
            except (httpx.HTTPStatusError, ValueError, KeyError, AttributeError):
                raise Unreachable(
                    f"registry {ref.host}: its token service answered HTTP {response.status_code} "
                    "without a usable token") from None
        return {"Authorization": f"Bearer {self._tokens[key]}"}

    def _request(
        self, method: str, ref: ImageRef, path: str, scope_action: str,
        headers: dict[str, str], content: bytes | None = None,
    ) -> httpx.Response:
        url = f"{self._base(ref)}/{path}"
        scope = f"repository:{ref.repository}:{scope_action}"
        headers = dict(headers)
        if (ref.host, scope) in self._tokens:
            headers["Authorization"] = f"Bearer {self._tokens[(ref.host, scope)]}"
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=True, transport=self.transport) as client:
                response = client.request(method, url, headers=headers, content=content)
                if response.status_code == 401 and "WWW-Authenticate" in response.headers:
                    self._tokens.pop((ref.host, scope), None)
                    headers.update(self._token(client, ref, response.headers["WWW-Authenticate"], scope))
                    response = client.request(method, url, headers=headers, content=content)
        except httpx.TransportError as exc:
            raise Unreachable(f"registry {ref.host} is unreachable: {exc.__class__.__name__}: {exc}") from None
        except (httpx.InvalidURL, httpx.HTTPError) as exc:
            raise PipelineError(
                f"registry {ref.host}: {exc.__class__.__name__}: {exc} (check the repository names)") from None
        if response.status_code in (401, 403):
            creds = self.credentials.get(ref.host)
            if response.status_code == 401 and creds is not None:
                raise Unreachable(f"registry {ref.host} refused the login (user {creds.user!r}): "
                                  "check REGISTRY_USER/REGISTRY_PASSWORD")
            raise Unreachable(f"registry {ref.host} refused access to {ref.repository} (HTTP {response.status_code})")
        return response

    def digest(self, ref: ImageRef) -> str | None:
        """The manifest digest of `ref`, or None if the tag does not exist."""
        response = self._request("HEAD", ref, f"manifests/{ref.tag}", "pull", headers={"Accept": ACCEPT})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise PipelineError(f"registry {ref.host}: HEAD {ref} answered HTTP {response.status_code}")
        digest = response.headers.get("Docker-Content-Digest")
        if not digest:
            raise PipelineError(f"registry {ref.host}: HEAD {ref} gave no Docker-Content-Digest header")
        return str(digest)

    def retag(self, source: ImageRef, tag: str) -> str:
        """Point `tag` at the manifest of `source` in the same repository; returns the digest."""
        response = self._request("GET", source, f"manifests/{source.tag}", "pull", headers={"Accept": ACCEPT})
        if response.status_code == 404:
            raise PipelineError(f"{source}: no such image to promote (build and publish it first)")
        if response.status_code != 200:
            raise PipelineError(f"registry {source.host}: GET {source} answered HTTP {response.status_code}")
        media_type = response.headers.get("Content-Type", MANIFEST_TYPES[1]).split(";")[0]
        put = self._request(
            "PUT", source, f"manifests/{tag}", "pull,push",
            headers={"Content-Type": media_type}, content=response.content,
        )
        if put.status_code not in (200, 201):
            raise PipelineError(f"registry {source.host}: PUT {source.with_tag(tag)} answered HTTP {put.status_code}")
        return str(put.headers.get("Docker-Content-Digest") or response.headers.get("Docker-Content-Digest", ""))
