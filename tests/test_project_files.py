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
REQUIRED_CONDA = ["jupyterlab", "boto3", "pandas", "phonenumbers", "matplotlib", "nbval", "moto"]


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
            packages[normalise(match[1])] = match[2]
    return packages


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


@pytest.mark.parametrize("name", REQUIRED_CONDA)
def test_environment_has_required_package(name: str) -> None:
    assert name in conda_packages()


@pytest.mark.parametrize("name,version", sorted(conda_packages().items()))
def test_environment_version_matches_constraints(name: str, version: str) -> None:
    assert read_pins().get(name) == version


def test_environment_pip_section_installs_project_with_constraints() -> None:
    deps = load_yaml("environment.yml")["dependencies"]
    pip_sections = [dep["pip"] for dep in deps if isinstance(dep, dict) and "pip" in dep]
    assert pip_sections == [["-c constraints.txt", "-e .[dev]"]]


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


@pytest.mark.parametrize("target", ["test", "lab"])
def test_makefile_has_target(target: str) -> None:
    assert re.search(rf"^{target}:", (ROOT / "Makefile").read_text(), re.MULTILINE)


def test_ci_script_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in script.read_text()
    assert re.search(r"^make test$", script.read_text(), re.MULTILINE)
