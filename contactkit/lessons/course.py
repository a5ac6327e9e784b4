"""The tutorial as a set of files: list the lessons, strip volatile metadata, write an index page.

Used by ``make notebooks`` and ``make html``::

    python -m contactkit.lessons.course clean notebooks/*.ipynb     # after executing them in place
    python -m contactkit.lessons.course index notebooks build/html  # after nbconvert --to html
    python -m contactkit.lessons.course sample-only notebooks/11-your-contacts.ipynb  # pre-commit

Notebooks are plain JSON (nbformat 4); this module reads and writes them without Jupyter, in
nbformat's own layout (one-space indent, sorted keys), so a clean notebook diffs only where its
content changed.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LESSON_FILE = re.compile(r"^(\d\d)-[a-z0-9-]+\.ipynb$")
# Cell metadata that changes on every run (nbconvert's and JupyterLab's execution timings).
VOLATILE_CELL_METADATA = ("execution",)
# Kernel details that differ between machines (the exact Python patch version).
STABLE_LANGUAGE_INFO = ("name",)
# Seconds each lesson may take under nbval, run alone (``benchmarks/notebooks_time.py`` reports
# them against these), by lesson number (and ``solutions``, the solutions notebook): measured
# on a shared 2-core machine, plus about a third.
# The series must finish within SERIES_BUDGET_S as ``make test`` runs it, with two workers on
# two cores, so the budgets add up to at most twice that (tests/lessons/test_course.py).
TIME_BUDGETS_S: dict[str, float] = {
    "00": 5,
    "01": 18,
    "02": 10,
    "03": 7,
    "04": 15,
    "05": 9,
    "06": 22,
    "07": 18,
    "08": 26,
    "09": 9,
    "10": 15,
    "11": 15,
    "solutions": 12,  # notebooks/solutions.ipynb: every exercise's reference and its check
}
SERIES_BUDGET_S = 120.0
SERIES_WORKERS = 2


@dataclass(frozen=True)
class LessonFile:
    """One notebook of the series: its number, file and title (its first heading)."""

    number: str
    path: Path
    title: str


def read_notebook(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def write_notebook(path: Path, notebook: dict[str, Any]) -> None:
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def title_of(notebook: dict[str, Any], fallback: str) -> str:
    """The text of the first Markdown heading, without its ``#`` marks."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in _source(cell).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return fallback


def lessons(directory: Path) -> list[LessonFile]:
    """The numbered notebooks (``NN-topic.ipynb``) of ``directory``, in order."""
    found = []
    for path in sorted(directory.iterdir()):
        match = LESSON_FILE.match(path.name)
        if match:
            found.append(LessonFile(match[1], path, title_of(read_notebook(path), path.stem)))
    return found


def clean(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook without volatile metadata (timings, interpreter patch version)."""
    cleaned = json.loads(json.dumps(notebook))
    for cell in cleaned.get("cells", []):
        metadata = cell.get("metadata", {})
        for key in VOLATILE_CELL_METADATA:
            metadata.pop(key, None)
    info = cleaned.get("metadata", {}).get("language_info")
    if isinstance(info, dict):
        cleaned["metadata"]["language_info"] = {
            k: v for k, v in info.items() if k in STABLE_LANGUAGE_INFO
        }
    return dict(cleaned)


def clean_files(paths: Sequence[Path]) -> list[Path]:
    """Clean notebooks in place; returns those that changed."""
    changed = []
    for path in paths:
        notebook = read_notebook(path)
        cleaned = clean(notebook)
        if cleaned != notebook:
            write_notebook(path, cleaned)
            changed.append(path)
    return changed


def index_html(found: Sequence[LessonFile]) -> str:
    """An index page linking each lesson's rendered HTML (``NN-topic.html``)."""
    entries = "\n".join(
        f'  <li><a href="{html.escape(lesson.path.stem)}.html">{html.escape(lesson.title)}</a></li>'
        for lesson in found
    )
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        "<title>contactkit tutorial</title></head>\n<body>\n"
        "<h1>contactkit: multi-tenant DynamoDB, step by step</h1>\n"
        "<p>The lessons, rendered with their outputs. Run them yourself with "
        "<code>make lab</code>.</p>\n"
        f"<ul>\n{entries}\n</ul>\n</body></html>\n"
    )


_NOTEBOOK_LINK = re.compile(r'href="(\d\d-[a-z0-9-]+)\.ipynb(#[^"]*)?"')


def html_links(page: str) -> str:
    """Links between lessons (``01-x.ipynb``) pointed at their rendered pages (``01-x.html``)."""
    return _NOTEBOOK_LINK.sub(lambda m: f'href="{m[1]}.html{m[2] or ""}"', page)


def write_index(notebooks: Path, out_dir: Path) -> Path:
    """Write ``index.html`` into ``out_dir`` and point the rendered lessons' links at HTML."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for page in out_dir.glob("[0-9][0-9]-*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = html_links(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
    target = out_dir / "index.html"
    target.write_text(index_html(lessons(notebooks)), encoding="utf-8")
    return target


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def sample_only(paths: Sequence[Path]) -> list[str]:
    """What in these notebooks' outputs is not lesson 11's sample (see ``yours.private_data``)."""
    from .yours import private_data

    return [f"{path}: {problem}" for path in paths for problem in private_data(read_notebook(path))]


def main(argv: Sequence[str] | None = None) -> int:
    """``clean FILE...``, ``index NOTEBOOK_DIR OUT_DIR`` or ``sample-only FILE...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "sample-only":
        problems = sample_only([Path(a) for a in args[1:]])
        for problem in problems:
            print(problem)
        if problems:
            print("these outputs may hold your own contacts: do not commit them; clear the")
            print("outputs, or run `make notebooks` (which uses the shipped sample)")
        return 1 if problems else 0
    if len(args) >= 2 and args[0] == "clean":
        for path in clean_files([Path(a) for a in args[1:]]):
            print(f"cleaned {path}")
        return 0
    if len(args) == 3 and args[0] == "index":
        print(f"wrote {write_index(Path(args[1]), Path(args[2]))}")
        return 0
    print(
        "usage: python -m contactkit.lessons.course clean FILE... | index NOTEBOOK_DIR OUT_DIR"
        " | sample-only FILE..."
    )
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
