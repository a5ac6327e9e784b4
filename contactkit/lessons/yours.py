"""Lesson 11: your own address book, from a git-ignored folder into a persistent store.

The learner puts a Google, Outlook or iPhone export into ``my-contacts/`` (at the repository's
root, listed in ``.gitignore``) and runs the lesson::

    mine = yours.start("../my-contacts")      # picks the export, opens the store
    report = mine.org.import_contacts(mine.export.path)

The store is ``my-contacts/contacts.snapshot``: ``ck.connect(path=...)`` keeps it between
sessions (saved within two seconds of each write and at close), so a second run finds the
contacts there and the import skips them. With your own export the lesson uses the real clock
and random ids, as an app would.

Your data never reaches the repository's notebook outputs:

* under test, ``CONTACTKIT_LESSONS_SAMPLE=1`` (set by the repository's ``conftest.py`` for pytest
  and nbval, and by ``make notebooks``) makes the lesson use the shipped sample
  ``data/your-contacts-sample.csv``, whatever the folder holds, with a store in a temporary
  directory, the lessons' fixed clock and seeded ids: the outputs are the same on every run;
* without an export in the folder the lesson uses that sample too;
* :func:`private_data` lists what in a notebook's outputs is not the sample's (an email, a
  phone number, the name of your export): ``tests/lessons/test_yours.py`` runs it on the
  committed notebook, and so does the pre-commit hook
  (``python -m contactkit.lessons.course sample-only``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import Clock, FixedClock, IdGenerator, UlidGenerator, system_clock
from ..connection import connect
from .lesson import LESSON_CURSOR_SECRET, LESSON_SEED, LESSON_START
from .samples import data_path

if TYPE_CHECKING:
    from ..connection import Database
    from ..store import OrgStore

SAMPLE_VARIABLE = "CONTACTKIT_LESSONS_SAMPLE"
SAMPLE_FILE = "your-contacts-sample.csv"
EXPORT_SUFFIXES = (".csv", ".vcf", ".vcard", ".json")
STORE_FILE = "contacts.snapshot"
TABLE_NAME = "my-contacts"
ORG_ID = "org-my-contacts"
SAMPLE_MARK = "the shipped sample"
EXPORT_MARK = "your export"


@dataclass(frozen=True)
class Export:
    """The file the lesson imports: your export, or the shipped sample in its place."""

    path: Path
    sample: bool

    def __str__(self) -> str:
        if self.sample:  # the name only: a full path would differ from machine to machine
            return f"{SAMPLE_MARK} {self.path.name}"
        return f"{EXPORT_MARK} {self.path.parent.name}/{self.path.name}"


def sample_only(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the lesson must use the sample whatever the folder holds (tests, refreshes)."""
    env = os.environ if environ is None else environ
    return env.get(SAMPLE_VARIABLE, "") not in ("", "0")


def find_export(folder: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> Export:
    """The newest export file (``.csv``, ``.vcf``, ``.json``) in ``folder``, else the sample."""
    directory = Path(folder)
    if not sample_only(environ) and directory.is_dir():
        exports = [
            p
            for p in directory.iterdir()
            if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith(".")
        ]
        if exports:
            newest = max(exports, key=lambda p: (p.stat().st_mtime_ns, p.name))
            return Export(newest, sample=False)
    return Export(data_path(SAMPLE_FILE), sample=True)


@dataclass
class YourContacts:
    """Lesson 11's store: the export chosen, the persistent connection, and your org in it."""

    export: Export
    store_path: Path
    db: Database
    clock: Clock
    ids: IdGenerator
    phone_region: str
    temporary: Path | None = None  # the sample's store lives here, deleted by cleanup()

    def __repr__(self) -> str:
        where = "a temporary store" if self.temporary else f"{self.store_path}"
        return f"<YourContacts {self.export} in {where}>"

    @property
    def org(self) -> OrgStore:
        """Your contacts: org ``org-my-contacts`` of table ``my-contacts``."""
        return self.db.table(TABLE_NAME).org(ORG_ID, phone_region=self.phone_region)

    def reopen(self) -> str:
        """Close the connection (saving the file) and open the file again, as a new session."""
        self.db.close()
        self.db = _connect(self.store_path, self.clock, self.ids)
        self.db.table(TABLE_NAME).create(exist_ok=True)
        return f"reopened: {self.org.stats().total} contacts in the store"

    def cleanup(self) -> str:
        """Close the store; the sample's temporary store is deleted, yours is kept."""
        self.db.close()
        if self.temporary is not None:
            shutil.rmtree(self.temporary, ignore_errors=True)
            return "closed; the sample's temporary store is deleted"
        return f"closed; your store stays in {self.store_path} (delete the file to start over)"


def start(
    folder: str | os.PathLike[str] = "../my-contacts",
    *,
    phone_region: str = "US",
    environ: Mapping[str, str] | None = None,
) -> YourContacts:
    """Pick the export in ``folder`` (or the sample) and open the persistent store for it.

    Your export's store is ``folder/contacts.snapshot``, kept between sessions; the sample's is
    in a temporary directory, with the lessons' fixed clock and seeded ids. ``phone_region`` is
    where numbers written without a country code are from (``"GB"``, ``"DE"``, ...).

    Example::

        mine = start("../my-contacts", phone_region="GB")
        mine.org.import_contacts(mine.export.path)
    """
    export = find_export(folder, environ)
    clock: Clock
    temporary = None
    if export.sample:
        temporary = Path(tempfile.mkdtemp(prefix="contactkit-lesson-11-"))
        store_path = temporary / STORE_FILE
        clock = FixedClock(LESSON_START)
        ids: IdGenerator = UlidGenerator(clock=clock, seed=LESSON_SEED)
    else:
        store_path = Path(folder) / STORE_FILE
        clock = system_clock
        ids = UlidGenerator(clock=clock)
    db = _connect(store_path, clock, ids)
    db.table(TABLE_NAME).create(exist_ok=True)
    return YourContacts(export, store_path, db, clock, ids, phone_region, temporary)


def _connect(path: Path, clock: Clock, ids: IdGenerator) -> Database:
    # The embedded engine whatever the environment says: the store is a file of its own.
    return connect(path=path, clock=clock, ids=ids, cursor_secret=LESSON_CURSOR_SECRET)


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# International (+44 7700 900001) and national (0113 496 0002) numbers, compared by digits.
_PHONE = re.compile(r"\+\d[\d ()./-]{6,20}\d|(?<![\w+])0\d[\d ()-]{7,14}\d")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _output_text(notebook: Mapping[str, Any]) -> list[str]:
    texts = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append("".join(output["text"]))
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/") or kind.endswith("json"):
                    texts.append(value if isinstance(value, str) else json.dumps(value))
    return texts


def private_data(notebook: Mapping[str, Any], sample: Path | None = None) -> list[str]:
    """What in a notebook's outputs is not the sample's: [] for a notebook safe to commit.

    Checks that the outputs name the shipped sample as the export and never your export, and
    that every email address and phone number shown is one of the sample's. Names and
    addresses cannot be told apart from the lesson's own words: the markers catch those runs.
    """
    sample_text = (sample or data_path(SAMPLE_FILE)).read_text(encoding="utf-8")
    emails = {e.lower() for e in _EMAIL.findall(sample_text)}
    phones = {_digits(number) for number in _PHONE.findall(sample_text)}
    problems = []
    text = "\n".join(_output_text(notebook))
    if f"{SAMPLE_MARK} {SAMPLE_FILE}" not in text:
        problems.append(f"no output says it used {SAMPLE_MARK} {SAMPLE_FILE}")
    if EXPORT_MARK in text:
        problems.append(f"an output says it used {EXPORT_MARK}")
    problems += sorted(
        {f"email not in the sample: {e}" for e in _EMAIL.findall(text) if e.lower() not in emails}
    )
    problems += sorted(
        {f"phone not in the sample: {p}" for p in _PHONE.findall(text) if _digits(p) not in phones}
    )
    return problems
