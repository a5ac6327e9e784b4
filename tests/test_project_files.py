"""Static checks of the scaffolding files that Docker and conda would use (neither runs here)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s=;]+)$")
CONDA_SPEC = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*={1,2}\s*([^\s=<>]+)$")
# conda-forge names that differ from the PyPI package they install.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# The Python versions README.md and pyproject.toml's classifiers say are supported.
SUPPORTED_PYTHONS = ["3.11", "3.12", "3.13"]


def normalise(name: str) -> str:
    """PEP 503 name: `Email_Validator` and `email-validator` are the same package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            match = PIN.match(line)
            assert match, f"constraints.txt line is not name==version: {line!r}"
            pins[normalise(match[1])] = match[2]
    return pins


def load_yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text())


def conda_packages() -> dict[str, str]:
    """Conda specs of environment.yml other than python and pip, as name -> version."""
    packages: dict[str, str] = {}
    for dep in load_yaml("environment.yml")["dependencies"]:
        if isinstance(dep, str) and dep != "pip" and not dep.startswith("python="):
            match = CONDA_SPEC.match(dep)
            assert match, f"environment.yml dependency has no exact version: {dep!r}"
            name = normalise(match[1])
            packages[CONDA_TO_PYPI.get(name, name)] = match[2]
    return packages


def conda_names() -> list[str]:
    deps = load_yaml("environment.yml")["dependencies"]
    return [re.split(r"[=<> ]", dep)[0] for dep in deps if isinstance(dep, str)]


def lab_requirements() -> list[str]:
    """What `make lab` installs: the runtime dependencies and the extras the lab extra names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    (lab,) = extras["lab"]
    lines = list(project["dependencies"])
    for extra in Requirement(lab).extras:
        lines.extend(extras[extra])
    return sorted(normalise(Requirement(line).name) for line in lines)


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines.extend(extra)
    return [req for req in map(Requirement, lines) if req.name != project["name"]]


def test_constraints_pin_moto_exactly() -> None:
    assert read_pins()["moto"] == "5.2.5"


@pytest.mark.parametrize("req", pyproject_requirements(), ids=str)
def test_pyproject_dependency_is_pinned_within_its_range(req: Requirement) -> None:
    pinned = read_pins().get(normalise(req.name))
    assert pinned, f"{req.name} is in pyproject.toml but not in constraints.txt"
    assert req.specifier.contains(pinned), f"{req.name}=={pinned} is outside {req.specifier}"


def test_environment_uses_only_conda_forge_and_python_311() -> None:
    env = load_yaml("environment.yml")
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]


@pytest.mark.parametrize("name", lab_requirements())
def test_environment_has_what_make_lab_installs(name: str) -> None:
    assert name in conda_packages()


def test_environment_uses_matplotlib_without_qt() -> None:
    assert "matplotlib-base" in conda_names()
    assert "matplotlib" not in conda_names(), "conda's matplotlib pulls in Qt"


@pytest.mark.parametrize("name,version", sorted(conda_packages().items()))
def test_environment_version_matches_constraints(name: str, version: str) -> None:
    assert read_pins().get(name) == version


def test_environment_pip_section_installs_project_with_constraints() -> None:
    deps = load_yaml("environment.yml")["dependencies"]
    pip_sections = [dep["pip"] for dep in deps if isinstance(dep, dict) and "pip" in dep]
    assert pip_sections == [["-c constraints.txt", "-e .[lab]"]]


def test_lab_extra_has_no_test_tools() -> None:
    assert not {"pytest", "nbval", "hypothesis", "playwright", "ruff", "mypy"} & set(
        lab_requirements()
    )


def test_playwright_is_pinned_for_the_browser_test() -> None:
    test_extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["test"]
    assert "playwright" in {Requirement(line).name for line in test_extra}
    assert "playwright" in read_pins()


def test_supported_pythons_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    stated = [
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert stated == SUPPORTED_PYTHONS
    assert project["requires-python"] == f">={SUPPORTED_PYTHONS[0]}"
    readme = (ROOT / "README.md").read_text()
    assert "Python " + ", ".join(SUPPORTED_PYTHONS[:-1]) + f" or {SUPPORTED_PYTHONS[-1]}" in readme


def test_compose_runs_pinned_dynamodb_local_without_bind_mounts() -> None:
    service = load_yaml("docker-compose.yml")["services"]["dynamodb-local"]
    image, _, tag = service["image"].partition(":")
    assert image == "amazon/dynamodb-local"
    assert re.fullmatch(r"\d+\.\d+\.\d+", tag), f"image tag must be a version, not {tag!r}"
    assert any(str(port).endswith(":8000") for port in service["ports"])
    command = service["command"].split()
    volumes = service.get("volumes", [])
    assert "-sharedDb" in command
    assert "-inMemory" in command or volumes, "data must live in memory or a named volume"
    for volume in volumes:
        source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
        assert not source.startswith((".", "/", "~")), f"bind mount: {volume!r}"


def test_compose_tag_is_a_release_the_cited_history_lists() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    tag = load_yaml("docker-compose.yml")["services"]["dynamodb-local"]["image"].split(":")[1]
    assert "developerguide/DynamoDBLocalHistory.html" in text, "cite the release history"
    listed = re.findall(r"\b(\d+\.\d+\.\d+) \(\d{4}-\d{2}-\d{2}\)", text)
    assert tag in listed, f"{tag} is not among the releases noted from the history: {listed}"


def test_compose_healthcheck_needs_no_curl() -> None:
    check = load_yaml("docker-compose.yml")["services"]["dynamodb-local"]["healthcheck"]
    command = " ".join(check["test"])
    assert check["test"][0] == "CMD"
    assert "/dev/tcp/127.0.0.1/8000" in command
    assert not re.search(r"\b(curl|wget)\b", command)


def test_readme_and_compose_agree_on_the_endpoint() -> None:
    (port,) = load_yaml("docker-compose.yml")["services"]["dynamodb-local"]["ports"]
    host, published, _ = str(port).split(":")
    endpoint = f"http://{host}:{published}"
    for doc in ["README.md", "notebooks/README.md", "docker-compose.yml"]:
        text = (ROOT / doc).read_text()
        assert f"AWS_ENDPOINT_URL_DYNAMODB={endpoint}" in text, doc
        assert "localhost:8000" not in text, f"{doc}: the port is published on {host} only"
    assert "docker compose up -d --wait" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("target", ["test", "lab", "app", "lint"])
def test_makefile_has_target(target: str) -> None:
    assert re.search(rf"^{target}:", (ROOT / "Makefile").read_text(), re.MULTILINE)


def test_ci_script_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in script.read_text()
    assert re.search(r"^make test$", script.read_text(), re.MULTILINE)


def test_ci_script_requires_the_browser_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    before_tests = script.split("\nmake test\n")[0]
    assert "export CONTACTKIT_REQUIRE_BROWSER=1" in before_tests
    assert re.search(r"apt-get install -y\b.* chromium\b", before_tests)
    assert "command -v chromium" in before_tests, "install Chromium only when it is missing"


@pytest.mark.parametrize("doc", ["README.md", "notebooks/README.md"])
def test_docs_speak_only_of_the_repository(doc: str) -> None:
    """A reader has the repository, not the project's issue tracker or its notes."""
    text = (ROOT / doc).read_text()
    for phrase in re.findall(r"(?i)\b(?:the issue|closing note|issue \d+|#\d+)\b", text):
        pytest.fail(f"{doc} refers to something outside the repository: {phrase!r}")
