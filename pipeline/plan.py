"""The build plan: every image the pipeline can produce, with its inputs and tags. Pure data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from pipeline.config import App, Config
from pipeline.errors import PipelineError
from pipeline.tags import REQUIREMENTS_DOCKERFILE, TEST_REQUIREMENTS_DOCKERFILE, Tags

APP_DOCKERFILE = "docker/Dockerfile"
APP_KINDS = ("app", "test-app", "local", "self-hosted", "self-hosted-runtime")
CI_KINDS = ("app", "test-app")
# Tags that move from release to release: pushed only after every image of a run is pushed.
MOVING_TAGS = frozenset({
    "latest", "test-latest", "latest-no-dependencies", "rolling", "rolling_no_dependencies",
    "latest-stable", "latest-calver", "latest-stable_no_dependencies", "latest-calver_no_dependencies",
})


@dataclass(frozen=True)
class ImageSpec:
    target: str
    dockerfile: str
    flavor: str | None  # the BUILD_ENV stage of the app Dockerfile
    base: str  # the image its FROM resolves to
    depends_on: str | None  # the target that produces `base`, if any
    build_args: dict[str, str]
    labels: dict[str, str]
    refs: tuple[str, ...]  # repo:tag, content tags first, moving tags last
    reusable: bool  # content-addressed: skip the build if the first ref exists
    publishable: bool = True  # `local` shares the app image's tags: developers' machines only

    @property
    def app(self) -> str | None:
        return self.target.split(".", 1)[0] if "." in self.target else None

    def fixed_refs(self) -> tuple[str, ...]:
        return tuple(r for r in self.refs if r.rsplit(":", 1)[1] not in MOVING_TAGS)

    def moving_refs(self) -> tuple[str, ...]:
        return tuple(r for r in self.refs if r.rsplit(":", 1)[1] in MOVING_TAGS)

    def moving_retags(self) -> list[tuple[str, str]]:
        """(first fixed ref, moving tag): moving tags live in the same repository, so a retag suffices."""
        return [(self.fixed_refs()[0], ref.rsplit(":", 1)[1]) for ref in self.moving_refs()]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["refs"] = list(self.refs)
        return data


def _unique(refs: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(refs))


def _app_image(config: Config, tags: Tags, app: App, kind: str, reqs: str, test_reqs: str) -> ImageSpec:
    on_test_reqs = kind in ("test-app", "local")
    flavor = {"app": "cloud", "test-app": "cloud"}.get(kind, kind)
    base = test_reqs if on_test_reqs else reqs
    v = tags.version
    refs: list[str]
    if kind == "app" or kind == "local":
        refs = [f"{app.ar_repo}:{v}", f"{app.ar_repo}:latest"]
    elif kind == "test-app":
        refs = [f"{app.ar_repo}:test-{v}", f"{app.ar_repo}:test-latest"]
    elif kind == "self-hosted":
        refs = [f"{app.dockerhub_repo}:{v}-no-dependencies", f"{app.dockerhub_repo}:latest-no-dependencies"]
    else:
        refs = [f"{app.dockerhub_repo}:{v}", f"{app.dockerhub_repo}:latest"]
    labels = {
        "org.label-schema.vendor": "Codecov",
        "org.label-schema.version": f"{tags.release_version}-{tags.commit_sha7}",
        "org.opencontainers.image.revision": tags.commit_sha,
        "org.opencontainers.image.source": config.repo_url,
    }
    return ImageSpec(
        target=f"{app.name}.{kind}",
        dockerfile=APP_DOCKERFILE,
        flavor=flavor,
        base=base,
        depends_on="test-requirements" if on_test_reqs else "requirements",
        build_args={
            "REQUIREMENTS_IMAGE": base,
            "BUILD_ENV": flavor,
            "APP_DIR": app.app_dir,
            "RELEASE_VERSION": tags.release_version,
            "ENTRYPOINT": app.entrypoint,
            "COMMIT_SHA": tags.commit_sha,
            "COMMIT_SHA7": tags.commit_sha7,
            "REPO_URL": config.repo_url,
        },
        labels=labels,
        refs=_unique(refs),
        reusable=False,
        publishable=kind != "local",
    )


def build_plan(config: Config, tags: Tags) -> list[ImageSpec]:
    """Every image, dependencies before dependents."""
    reqs_ref = f"{config.ar_reqs_repo}:{tags.requirements_tag}"
    test_ref = f"{config.ar_reqs_repo}:{tags.test_reqs_tag}"
    images = [
        ImageSpec(
            target="requirements",
            dockerfile=REQUIREMENTS_DOCKERFILE,
            flavor=None,
            base=config.python_image,
            depends_on=None,
            build_args={"PYTHON_IMAGE": config.python_image},
            labels={},
            refs=_unique([reqs_ref, f"{config.ci_reqs_repo}:{tags.requirements_tag}"]),
            reusable=True,
        ),
        ImageSpec(
            target="test-requirements",
            dockerfile=TEST_REQUIREMENTS_DOCKERFILE,
            flavor=None,
            base=reqs_ref,
            depends_on="requirements",
            build_args={"REQUIREMENTS_IMAGE": reqs_ref},
            labels={},
            refs=_unique([test_ref, f"{config.ci_reqs_repo}:{tags.test_reqs_tag}"]),
            reusable=True,
        ),
    ]
    for app in config.apps:
        for kind in APP_KINDS:
            images.append(_app_image(config, tags, app, kind, reqs_ref, test_ref))
    return images


def default_targets(config: Config) -> list[str]:
    """What CI builds: the requirements images and each app's image and test image."""
    return ["requirements", "test-requirements"] + [
        f"{app.name}.{kind}" for app in config.apps for kind in CI_KINDS
    ]


def select(plan: list[ImageSpec], targets: Iterable[str]) -> list[ImageSpec]:
    """The named targets plus what they depend on, in plan order.

    A bare app name (`worker`) means that app's CI images; a bare kind (`test-app`) means it for
    every app.
    """
    by_name = {image.target: image for image in plan}
    apps = {image.app for image in plan if image.app}
    wanted: set[str] = set()
    for target in targets:
        if target in by_name:
            wanted.add(target)
        elif target in apps:
            wanted.update(f"{target}.{kind}" for kind in CI_KINDS)
        elif target in APP_KINDS:
            wanted.update(f"{app}.{target}" for app in apps)
        else:
            raise PipelineError(
                f"unknown target {target!r} (targets: requirements, test-requirements, "
                f"<app>.<{'|'.join(APP_KINDS)}>, an app name or a kind)"
            )
    closure = set(wanted)
    for name in wanted:
        dep = by_name[name].depends_on
        while dep is not None:
            closure.add(dep)
            dep = by_name[dep].depends_on
    return [image for image in plan if image.target in closure]


PROMOTION_STAGES = ("staging", "production", "latest", "rolling", "release")


def promotions(tags: Tags, stage: str, apps: Iterable[App]) -> list[tuple[str, str]]:
    """(existing ref, new tag in the same repository) for a promotion: a retag, never a rebuild.

    staging/production/latest move the cloud image's `release-<sha7>`; rolling and release move the
    self-hosted images (runtime and `-no-dependencies` base) as SPEC section 3 lists.
    """
    if stage not in PROMOTION_STAGES:
        raise PipelineError(f"stage {stage!r}: expected one of {', '.join(PROMOTION_STAGES)}")
    v = tags.version
    pairs: list[tuple[str, str]] = []
    for app in apps:
        runtime, base = f"{app.dockerhub_repo}:{v}", f"{app.dockerhub_repo}:{v}-no-dependencies"
        if stage in ("staging", "production"):
            pairs.append((f"{app.ar_repo}:{v}", f"{stage}-{v}"))
        elif stage == "latest":
            pairs.append((f"{app.ar_repo}:{v}", "latest"))
        elif stage == "rolling":
            pairs += [(runtime, "rolling"), (base, "rolling_no_dependencies")]
        else:
            for tag in (tags.release_version, "latest-stable", "latest-calver"):
                pairs += [(runtime, tag), (base, f"{tag}_no_dependencies")]
    return pairs
