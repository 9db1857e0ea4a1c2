"""What the deployment files promise, read as a user of them would: the rendered Kubernetes overlays,
docker-compose.yml, the Dockerfile, the proxy config, .env.example and the CI/CD workflows."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptforge.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "infrastructure" / "k8s"
OVERLAYS = ("staging", "production")
SECRET_NAMES = (
    "PF_SECRET_KEY",
    "PF_ENCRYPTION_KEY",
    "PF_DATABASE_URL",
    "PF_REDIS_URL",
    "AWS_SECRET_ACCESS_KEY",
)

Manifest = dict[str, Any]


@cache
def rendered(overlay: str) -> tuple[Manifest, ...]:
    """The overlay as `kubectl kustomize` renders it (what `kubectl apply -k` would send)."""
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is needed to render the overlays (see infrastructure/validate.py)"
    out = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True, check=True
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def one(overlay: str, kind: str, name: str) -> Manifest:
    """The single object of that kind and name in the overlay."""
    found = [m for m in rendered(overlay) if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{overlay}: expected one {kind}/{name}, found {len(found)}"
    return found[0]


def workloads(overlay: str) -> list[Manifest]:
    """Every object with a pod template (Deployments and the migration Job)."""
    return [m for m in rendered(overlay) if m["kind"] in ("Deployment", "Job")]


def container(workload: Manifest) -> Manifest:
    """The workload's only container."""
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return dict(containers[0])


def env_of(workload: Manifest) -> dict[str, Any]:
    """name -> value or valueFrom of the container's explicit env."""
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container(workload).get("env", [])}


def config_map(overlay: str) -> dict[str, str]:
    """The data of the generated promptforge-config ConfigMap."""
    maps = [m for m in rendered(overlay) if m["kind"] == "ConfigMap"]
    assert [m["metadata"]["name"].rsplit("-", 1)[0] for m in maps] == ["promptforge-config"]
    return dict(maps[0]["data"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_and_worker_are_separate_roles(overlay: str) -> None:
    api, worker = (
        one(overlay, "Deployment", "promptforge-api"),
        one(overlay, "Deployment", "promptforge-worker"),
    )
    assert env_of(api)["PF_RUN_WORKER"] == "false"
    assert container(api)["args"] == ["serve"]
    assert container(worker)["args"][0] == "worker"
    assert "PF_RUN_WORKER" not in env_of(worker)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_use_healthz_and_readyz(overlay: str) -> None:
    api = container(one(overlay, "Deployment", "promptforge-api"))
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    worker = container(one(overlay, "Deployment", "promptforge-worker"))
    assert worker["livenessProbe"]["httpGet"]["port"] == "metrics"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_locked_down(overlay: str) -> None:
    assert len(workloads(overlay)) == 3
    for workload in workloads(overlay):
        name = workload["metadata"]["name"]
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == 10001, name  # the image's user
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod["automountServiceAccountToken"] is False, name
        ctx = container(workload)["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True, name
        assert ctx["allowPrivilegeEscalation"] is False, name
        assert ctx["capabilities"]["drop"] == ["ALL"], name
        # Read-only root: /tmp is a writable emptyDir, and the data dir is under it.
        mounts = {m["mountPath"]: m["name"] for m in container(workload)["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], name
        resources = container(workload)["resources"]
        assert set(resources) == {"requests", "limits"}, name
        assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"]), name
    assert config_map(overlay)["PF_DATA_DIR"].startswith("/tmp/")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_values_are_committed(overlay: str) -> None:
    assert [m for m in rendered(overlay) if m["kind"] == "Secret"] == []
    settings = config_map(overlay)
    for name in SECRET_NAMES:
        assert name not in settings
    for workload in workloads(overlay):
        env = env_of(workload)
        for name in ("PF_SECRET_KEY", "PF_ENCRYPTION_KEY", "PF_DATABASE_URL", "PF_REDIS_URL"):
            ref = env[name]["secretKeyRef"]
            assert ref == {"name": "promptforge-secrets", "key": name}, (workload["metadata"]["name"], ref)
    # Nothing committed under the k8s tree carries secret data either (the base is never rendered alone).
    for path in K8S.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            assert not (doc and doc.get("kind") == "Secret"), path


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migration_job_runs_the_same_image_before_rollout(overlay: str) -> None:
    job = one(overlay, "Job", "promptforge-migrate")
    assert container(job)["args"] == ["migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
    images = {container(w)["image"] for w in workloads(overlay)}
    assert len(images) == 1
    # deploy.sh applies exactly these first, waits for the Job, then the rest.
    first = {
        (m["kind"]) for m in rendered(overlay) if m["metadata"]["labels"].get("promptforge.io/before-rollout")
    }
    assert first == {"Namespace", "ServiceAccount", "ConfigMap", "Job"}
    script = (K8S / "deploy.sh").read_text()
    assert script.index("-l promptforge.io/before-rollout=true") < script.index(
        "wait --for=condition=complete"
    )
    assert script.index("wait --for=condition=complete") < script.index('kubectl apply -f "$rendered"\n')


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ingress_is_tls_1_3_only_with_cert_manager(overlay: str) -> None:
    ingress = one(overlay, "Ingress", "promptforge")
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/ssl-protocols"] == "TLSv1.3"
    assert notes["cert-manager.io/cluster-issuer"].startswith("letsencrypt")
    assert notes["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert ingress["spec"]["tls"][0]["hosts"] == hosts
    assert ingress["spec"]["tls"][0]["secretName"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscaling_disruption_budgets_and_network_policy(overlay: str) -> None:
    api_hpa = one(overlay, "HorizontalPodAutoscaler", "promptforge-api")
    assert api_hpa["apiVersion"] == "autoscaling/v2"
    assert api_hpa["spec"]["scaleTargetRef"]["name"] == "promptforge-api"
    assert api_hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    worker_hpa = one(overlay, "HorizontalPodAutoscaler", "promptforge-worker")
    assert worker_hpa["spec"]["scaleTargetRef"]["name"] == "promptforge-worker"
    for name in ("promptforge-api", "promptforge-worker"):
        one(overlay, "PodDisruptionBudget", name)
    deny = one(overlay, "NetworkPolicy", "promptforge-default-deny")
    assert deny["spec"]["podSelector"] == {} and set(deny["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    allowed = one(overlay, "NetworkPolicy", "promptforge-api-ingress")["spec"]["ingress"][0]["ports"]
    assert allowed == [{"protocol": "TCP", "port": 8000}]


def test_overlays_differ_where_environments_do() -> None:
    def facts(overlay: str) -> tuple[str, str, str, int]:
        api = one(overlay, "Deployment", "promptforge-api")
        host = one(overlay, "Ingress", "promptforge")["spec"]["rules"][0]["host"]
        return api["metadata"]["namespace"], host, container(api)["image"], api["spec"]["replicas"]

    staging, production = facts("staging"), facts("production")
    assert all(s != p for s, p in zip(staging, production, strict=True)), (staging, production)
    assert production[3] > staging[3]
    queue_metric = one("production", "HorizontalPodAutoscaler", "promptforge-worker")["spec"]["metrics"][-1]
    assert queue_metric["external"]["metric"]["name"] == "promptforge_queue_depth"
    assert config_map("production")["PF_S3_SSE"] == "aws:kms"
    assert config_map("staging")["PF_S3_SSE"] == "AES256"


def compose() -> Manifest:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


def test_compose_runs_the_whole_stack_with_health_checks() -> None:
    services = compose()["services"]
    assert set(services) == {"proxy", "api", "worker", "migrate", "postgres", "redis", "minio", "minio-init"}
    for name in ("proxy", "api", "worker", "postgres", "redis", "minio"):
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully"
        assert services[name]["read_only"] is True and services[name]["cap_drop"] == ["ALL"]
    assert services["api"]["environment"]["PF_RUN_WORKER"] == "false"
    assert services["worker"]["command"][0] == "worker"
    # Replicas need no fixed container name and no host port: only the proxy publishes ports.
    assert "ports" not in services["api"] and "container_name" not in services["api"]
    assert services["proxy"]["ports"][0].endswith(":443")
    assert "mc encrypt set sse-s3" in services["minio-init"]["command"][0]
    volumes = set(compose()["volumes"])
    assert {"postgres_data", "redis_data", "minio_data"} <= volumes
    assert "postgres_data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_proxy_accepts_tls_1_3_only() -> None:
    caddyfile = (ROOT / "infrastructure" / "docker" / "Caddyfile").read_text()
    directives = [line.strip() for line in caddyfile.splitlines() if not line.strip().startswith("#")]
    assert "protocols tls1.3" in directives
    assert not any("tls1.2" in line for line in directives)


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    settings = {f"PF_{name.upper()}" for name in Settings.model_fields}
    assert settings - documented == set()
    extra = {"PF_TLS_CERT", "PF_TLS_KEY", "PF_S3_SSE", "PF_S3_KMS_KEY_ID", "PF_WEBHOOK_RETRY_BASE_SECONDS"}
    extra |= {"PF_WEBHOOK_MAX_ATTEMPTS", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}
    extra |= {"PROMETHEUS_MULTIPROC_DIR", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
    assert extra - documented == set()
    # Every ${VAR} compose reads is documented too.
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    assert used - documented == set()


def test_image_is_multi_stage_non_root_with_healthcheck() -> None:
    dockerfile = (ROOT / "infrastructure" / "docker" / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\S+)", dockerfile, re.M)
    assert stages[0] == "client" and stages[-1] == "runtime" and len(stages) >= 3
    runtime = dockerfile.split(" AS runtime", 1)[1]
    assert re.search(r"^USER 10001", runtime, re.M)
    assert "/healthz" in runtime.split("HEALTHCHECK", 1)[1]
    assert 'ENTRYPOINT ["promptforge"]' in runtime and 'CMD ["serve"]' in runtime
    # The runtime stage installs nothing: no compiler, no package manager run, no uv, no node.
    assert "apt-get" not in runtime and "uv sync" not in runtime and "npm" not in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "client/node_modules/", ".venv/"} <= set(ignored)


def workflow(name: str) -> Manifest:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return dict(data)


def test_ci_runs_make_test_with_postgres_and_redis() -> None:
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"]
    job = ci["jobs"]["test"]
    assert set(job["services"]) == {"postgres", "redis"}
    runs = [step.get("run", "") for step in job["steps"]]
    assert "make test" in runs and any("lint" in run for run in runs)


def test_deploy_builds_by_commit_then_staging_smoke_then_approved_production() -> None:
    deploy = workflow("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    build = next(
        s for s in jobs["build"]["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action")
    )
    assert "${{ github.sha }}" in build["with"]["tags"] and build["with"]["push"] is True
    assert jobs["staging"]["needs"] == "build"
    staging_runs = " ".join(s.get("run", "") for s in jobs["staging"]["steps"])
    assert "deploy.sh staging" in staging_runs and "smoke.sh" in staging_runs
    assert jobs["production"]["needs"] == "staging"
    assert jobs["production"]["environment"]["name"] == "production"
    smoke = (K8S / "smoke.sh").read_text()
    assert "/readyz" in smoke and "/resolve" in smoke and "Authorization: Bearer" in smoke
    assert "kustomize edit set image" in (K8S / "deploy.sh").read_text()
