"""deploy/compose.yml gives each service the settings the code reads, and no more: the
action server gets the app's address and token, never the database or the secret."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yml").read_text(encoding="utf-8"))
SETTINGS_NAMES = {
    name
    for module in ("bot/shared/settings.py", "bot/shared/number_sealing.py")
    for name in re.findall(r'"([A-Z][A-Z0-9_]+)"', (ROOT / module).read_text())
}
ENDPOINT_NAMES = set(re.findall(r"\$\{([A-Z0-9_]+)\}", (ROOT / "endpoints.yml").read_text()))
# Read by the programs themselves, not by our settings.
OTHERS = {
    "RASA_TELEMETRY_ENABLED", "SANIC_HOST", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB",
}  # fmt: skip


def environment(service: str) -> dict[str, str]:
    return dict(COMPOSE["services"][service].get("environment") or {})


def test_every_service_gets_a_built_image() -> None:
    images = {s.get("image") for s in COMPOSE["services"].values()}
    assert {"wegwijs-rasa", "wegwijs-app"} <= images


def test_every_name_given_to_a_service_is_read_by_the_code() -> None:
    for name, service in COMPOSE["services"].items():
        for variable in environment(name):
            assert variable in SETTINGS_NAMES | ENDPOINT_NAMES | OTHERS, (name, variable)
        del service


def test_rasa_gets_every_name_endpoints_yml_reads() -> None:
    # and the key its REST channel seals the handoff's phone numbers with
    assert set(environment("rasa")) >= ENDPOINT_NAMES | {"WEGWIJS_NUMBER_SEAL_KEY"}


def test_the_action_server_reaches_only_the_app() -> None:
    actions = environment("actions")
    assert {"WEGWIJS_APP_URL", "WEGWIJS_INTERNAL_TOKEN"} <= set(actions)
    assert not {"DATABASE_URL", "WEGWIJS_SECRET_KEY"} & set(actions)
    assert actions["WEGWIJS_APP_URL"].startswith("http://app:")


# --- the Kubernetes manifests and the Dockerfile -------------------------------------
K8S = ROOT / "deploy" / "k8s"
K8S_VERSION = "1.30.0"


def manifests() -> list[dict[str, Any]]:
    resources = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    return [
        document
        for name in [*resources, "secret.example.yaml"]
        for document in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8"))
        if document
    ]


def test_every_manifest_is_valid_kubernetes() -> None:
    for document in manifests():
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)


def k8s_environment(component: str) -> set[str]:
    """The variable names a component's pods get (env, and the ConfigMap with envFrom)."""
    config = next(d for d in manifests() if d["kind"] == "ConfigMap")["data"]
    for document in manifests():
        spec = document.get("spec", {}).get("template", {}).get("spec", {})
        labels = document.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
        if labels.get("app.kubernetes.io/component") != component:
            continue
        names: set[str] = set()
        for container in spec["containers"]:
            names |= {item["name"] for item in container.get("env", [])}
            if container.get("envFrom"):
                names |= set(config)
        return names
    raise AssertionError(f"no pods for {component}")


def test_each_component_gets_what_the_code_reads_and_the_actions_no_secrets() -> None:
    assert k8s_environment("rasa") >= ENDPOINT_NAMES | {"WEGWIJS_NUMBER_SEAL_KEY"}
    assert {"WEGWIJS_SECRET_KEY", "DATABASE_URL", "WEGWIJS_TRACKER_STORE_URL"} <= k8s_environment(
        "app"
    )
    actions = k8s_environment("actions")
    assert {"WEGWIJS_APP_URL", "WEGWIJS_INTERNAL_TOKEN"} <= actions
    assert not {"DATABASE_URL", "WEGWIJS_SECRET_KEY"} & actions
    for component in ("rasa", "actions", "app", "migrate"):
        for name in k8s_environment(component):
            assert name in SETTINGS_NAMES | ENDPOINT_NAMES | OTHERS | {"RASA_API_TOKEN"}, name


def test_only_the_app_is_public_and_rasa_and_the_actions_are_private() -> None:
    kinds = [d["kind"] for d in manifests()]
    assert kinds.count("Ingress") == 1
    ingress = next(d for d in manifests() if d["kind"] == "Ingress")
    backends = {
        path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"wegwijs-app"}
    private = {
        d["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        for d in manifests()
        if d["kind"] == "NetworkPolicy"
    }
    assert {"rasa", "actions"} <= private


def test_the_dockerfile_builds_both_images_from_the_lock_files_as_a_plain_user() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+) AS (\S+)$", text, re.M)
    assert [name for _, name in stages] == ["rasa-build", "rasa", "app-build", "app"]
    assert all(":" in image and not image.endswith(":latest") for image, _ in stages)
    assert "uv pip sync --python .venv-rasa/bin/python requirements/rasa.lock" in text
    assert "uv pip sync --python .venv/bin/python requirements/app.lock" in text
    assert "rasa train" in text  # the model is baked in
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for path in source.split():
            assert (ROOT / path).exists(), f"Dockerfile copies {path}, which does not exist"
    finals = text.split("AS rasa\n")[1], text.split("AS app\n")[1]
    assert all("USER 10001" in final for final in finals)


def test_compose_waits_for_healthy_services_and_makes_both_databases() -> None:
    services = COMPOSE["services"]
    for name in ("postgres", "redis", "rasa", "actions", "app"):
        assert "healthcheck" in services[name], name
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["rasa"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    init = (ROOT / "deploy" / "postgres-init.sql").read_text()
    assert "CREATE DATABASE rasa" in init
