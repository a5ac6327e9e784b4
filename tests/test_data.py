"""The sample data set: reproducible, documented, and as realistic as the lessons need."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
GENERATED = [
    "org-northwind.csv",
    "org-contoso.csv",
    "org-fabrikam.json",
    "interactions.csv",
    "near-duplicates.csv",
]


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate", DATA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contacts() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for name in ("org-northwind.csv", "org-contoso.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            found[name.removesuffix(".csv")] = list(csv.DictReader(handle))
    found["org-fabrikam"] = json.loads((DATA / "org-fabrikam.json").read_text(encoding="utf-8"))
    return found


def test_the_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    load_generator().main(tmp_path)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.parametrize("path", sorted(p for p in DATA.iterdir() if p.is_file()))
def test_every_file_is_small_and_documented(path: Path) -> None:
    assert path.stat().st_size < 2 * 1024 * 1024
    if path.name != "README.md":
        assert f"`{path.name}`" in (DATA / "README.md").read_text(encoding="utf-8")


def test_three_orgs_and_five_thousand_contacts_with_unique_emails() -> None:
    orgs = contacts()
    assert len(orgs) >= 3
    assert sum(len(rows) for rows in orgs.values()) == 5000
    for rows in orgs.values():
        emails = [r["email"].lower() for r in rows]
        assert len(emails) == len(set(emails))


def test_distributions_are_realistic() -> None:
    rows = [r for org in contacts().values() for r in org]
    tags = Counter(
        t
        for r in rows
        for t in (r["tags"].split(";") if isinstance(r.get("tags"), str) else r.get("tags", []))
        if t
    )
    assert len(tags) >= 20
    assert tags.most_common(1)[0][1] > 5 * tags.most_common()[-1][1]  # skewed popularity
    phones = [r.get("phone") for r in rows]
    without = sum(1 for p in phones if not p) / len(rows)
    assert 0.07 < without < 0.13
    regions = Counter(
        phonenumbers.region_code_for_number(phonenumbers.parse(p, "US")) for p in phones if p
    )
    assert len(regions) >= 8
    companies = Counter(r.get("company") for r in rows if r.get("company"))
    sizes = sorted(companies.values(), reverse=True)
    assert sizes[0] >= 10 * sizes[len(sizes) // 2]  # a few big customers, a long tail
    created = sorted(r["created_at"] for r in rows)
    assert created[0] < "2024-02-01" and created[-1] > "2025-12-01"
    assert any(r.get("favorite") in ("true", True) for r in rows)
    assert sum(1 for r in rows if r.get("street") or r.get("address")) > len(rows) / 2
    assert any(r.get("custom.linkedin") or r.get("custom_fields") for r in rows)


def test_interactions_and_near_duplicates_point_at_real_contacts() -> None:
    emails = {(org, r["email"]) for org, rows in contacts().items() for r in rows}
    with (DATA / "interactions.csv").open(encoding="utf-8", newline="") as handle:
        interactions = list(csv.DictReader(handle))
    assert len(interactions) > 5000
    assert all((i["org_id"], i["email"]) in emails for i in interactions)
    with (DATA / "near-duplicates.csv").open(encoding="utf-8", newline="") as handle:
        planted = list(csv.DictReader(handle))
    assert len(planted) >= 30
    for pair in planted:
        assert (pair["org_id"], pair["email"]) in emails
        assert (pair["org_id"], pair["duplicate_email"]) in emails


def test_the_messy_file_is_what_its_script_spells_out(tmp_path: Path) -> None:
    import runpy
    import shutil

    shutil.copy(DATA / "make_messy.py", tmp_path / "make_messy.py")
    runpy.run_path(str(tmp_path / "make_messy.py"))
    assert (tmp_path / "messy.csv").read_bytes() == (DATA / "messy.csv").read_bytes()
