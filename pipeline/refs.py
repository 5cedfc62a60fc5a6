"""Image references: `[host[:port]/]repo[:tag][@digest]`, parsed the way Docker does."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import PipelineError

DOCKER_HUB = "docker.io"


@dataclass(frozen=True)
class ImageRef:
    host: str
    repository: str
    tag: str | None
    digest: str | None = None

    @classmethod
    def parse(cls, ref: str) -> ImageRef:
        rest, _, digest = ref.partition("@")
        first, slash, remainder = rest.partition("/")
        if slash and ("." in first or ":" in first or first == "localhost"):
            host, path = first, remainder
        else:
            host, path = DOCKER_HUB, rest
        name, colon, tag = path.rpartition(":")
        if not colon or "/" in tag:
            name, tag = path, ""
        if not name or name != name.lower():
            raise PipelineError(f"{ref!r}: not a valid image reference (repository must be lowercase)")
        if host == DOCKER_HUB and "/" not in name:
            name = f"library/{name}"
        return cls(host, name, tag or None, digest or None)

    @property
    def api_host(self) -> str:
        return "registry-1.docker.io" if self.host == DOCKER_HUB else self.host

    @property
    def plain_http(self) -> bool:
        hostname = self.host.rsplit(":", 1)[0]
        return hostname in ("localhost", "127.0.0.1", "[::1]")

    def with_tag(self, tag: str) -> ImageRef:
        return ImageRef(self.host, self.repository, tag, None)

    def pinned(self, digest: str) -> str:
        return f"{self.host}/{self.repository}:{self.tag}@{digest}"

    def __str__(self) -> str:
        text = f"{self.host}/{self.repository}"
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text
