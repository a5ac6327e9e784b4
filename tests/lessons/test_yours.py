"""Lesson 11's own data: which export, the persistent store, and no private data committed."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from contactkit.clock import FixedClock
from contactkit.lessons import course, yours

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "11-your-contacts.ipynb"
PRIVATE = "First Name,Last Name,E-mail 1 - Value\nPat,Private,pat@private.example\n"
NOT_UNDER_TEST: dict[str, str] = {}  # an environment without CONTACTKIT_LESSONS_SAMPLE


def test_the_repository_conftest_makes_every_test_run_use_the_sample() -> None:
    """The nbval kernels inherit this process's environment: lesson 11 sees the variable."""
    assert os.environ[yours.SAMPLE_VARIABLE] == "1"
    assert yours.sample_only()


@pytest.mark.parametrize(
    ("files", "environ", "chosen"),
    [
        (None, NOT_UNDER_TEST, None),  # no folder
        ({}, NOT_UNDER_TEST, None),  # an empty folder
        ({"contacts.snapshot": "{}", ".hidden.csv": PRIVATE, "x.txt": ""}, {}, None),
        ({"google.csv": PRIVATE}, NOT_UNDER_TEST, "google.csv"),
        ({"google.csv": PRIVATE}, {yours.SAMPLE_VARIABLE: "0"}, "google.csv"),
        ({"google.csv": PRIVATE}, {yours.SAMPLE_VARIABLE: "1"}, None),  # under test
    ],
)
def test_find_export_takes_your_file_only_outside_tests(
    tmp_path: Path, files: dict[str, str] | None, environ: dict[str, str], chosen: str | None
) -> None:
    folder = tmp_path / "my-contacts"
    if files is not None:
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text)
    export = yours.find_export(folder, environ)
    if chosen is None:
        assert export.sample and export.path.name == yours.SAMPLE_FILE
        assert str(export) == f"the shipped sample {yours.SAMPLE_FILE}"
    else:
        assert not export.sample and export.path == folder / chosen
        assert str(export) == f"your export my-contacts/{chosen}"


def test_find_export_takes_the_newest_file(tmp_path: Path) -> None:
    (tmp_path / "old.vcf").write_text("BEGIN:VCARD\nEND:VCARD\n")
    (tmp_path / "new.CSV").write_text(PRIVATE)
    os.utime(tmp_path / "old.vcf", (1, 1))
    assert yours.find_export(tmp_path, NOT_UNDER_TEST).path.name == "new.CSV"


def test_your_export_goes_into_a_store_that_outlives_the_session(tmp_path: Path) -> None:
    (tmp_path / "google.csv").write_text(PRIVATE)
    mine = yours.start(tmp_path, environ=NOT_UNDER_TEST)
    assert not mine.export.sample and mine.store_path == tmp_path / yours.STORE_FILE
    assert not isinstance(mine.clock, FixedClock)  # your contacts get real times and ids
    assert mine.org.import_contacts(mine.export.path, progress=False).imported == 1
    assert mine.reopen() == "reopened: 1 contacts in the store"
    assert "your store stays in" in mine.cleanup()
    assert stat.S_IMODE(mine.store_path.stat().st_mode) == 0o600
    again = yours.start(tmp_path, environ=NOT_UNDER_TEST)  # tomorrow's session
    try:
        found = again.org.find_by_email("pat@private.example")
        assert found is not None and found.last_name == "Private"
    finally:
        again.cleanup()


def test_the_sample_store_is_temporary_and_deterministic() -> None:
    mine = yours.start("no-such-folder", environ=NOT_UNDER_TEST)
    assert mine.export.sample and mine.temporary is not None
    assert isinstance(mine.clock, FixedClock)
    report = mine.org.import_contacts(mine.export.path, progress=False)
    assert (report.imported, report.invalid_rows, report.warnings) == (30, [], [])
    first_id = report.contact_ids[min(report.contact_ids)]
    assert mine.cleanup() == "closed; the sample's temporary store is deleted"
    assert not mine.temporary.exists()
    rerun = yours.start("no-such-folder", environ=NOT_UNDER_TEST)
    try:
        rerun_report = rerun.org.import_contacts(rerun.export.path, progress=False)
        assert rerun_report.contact_ids[min(rerun_report.contact_ids)] == first_id
    finally:
        rerun.cleanup()


def test_the_committed_notebook_shows_only_the_sample() -> None:
    """The guarantee: lesson 11's committed outputs hold nothing of anyone's own contacts."""
    assert yours.private_data(course.read_notebook(NOTEBOOK)) == []
    assert course.main(["sample-only", str(NOTEBOOK)]) == 0


def with_output(notebook: dict[str, Any], text: str) -> dict[str, Any]:
    changed = copy.deepcopy(notebook)
    cell = next(c for c in changed["cells"] if c["cell_type"] == "code")
    cell["outputs"].append({"name": "stdout", "output_type": "stream", "text": [text]})
    return changed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Pat Private  pat@private.example", "email not in the sample: pat@private.example"),
        ("+44 7700 900999", "phone not in the sample: +44 7700 900999"),
        ("call 07700 900999", "phone not in the sample: 07700 900999"),
        ("importing your export my-contacts/google.csv", "an output says it used your export"),
    ],
)
def test_private_data_finds_what_is_not_the_sample(text: str, problem: str) -> None:
    committed = course.read_notebook(NOTEBOOK)
    assert problem in yours.private_data(with_output(committed, text))
    assert yours.private_data(with_output(committed, "+44 7700 900010, mum +447700900001")) == []


def test_private_data_needs_the_sample_named(tmp_path: Path) -> None:
    committed = course.read_notebook(NOTEBOOK)
    for cell in committed["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # a notebook run on nothing, or with its outputs cleared
    assert yours.private_data(committed) == [
        "no output says it used the shipped sample your-contacts-sample.csv"
    ]
    path = tmp_path / "11-your-contacts.ipynb"
    course.write_notebook(path, with_output(committed, "dad pat@private.example"))
    assert course.main(["sample-only", str(path)]) == 1
