"""A learner's first hour in a real browser: `make lab`'s server, driven in headless Chromium.

The server is started with `make lab`'s command (`contactkit.__main__.lab_command`) on a free port,
serving a temporary copy of the lessons: the browser runs every cell of 00-setup and 08-charts,
the page must show no error and 08's charts as images, and the notebooks the browser saved must
then pass nbval as `make test` runs it, so a learner's save cannot break the tests.

Chromium is Debian's (`apt-get install chromium`, /usr/bin/chromium; CONTACTKIT_CHROMIUM names
another), driven by the Python `playwright` client: Playwright's own browser download is never
used. Without either the test is skipped, unless CONTACTKIT_REQUIRE_BROWSER=1 (CI) makes it fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactkit.__main__ import suite_command
from tests.test_lab import running_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CONTACTKIT_CHROMIUM", "/usr/bin/chromium"))
# No sandbox (root in containers), no GPU, and nothing that reaches the network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LESSONS = ["00-setup.ipynb", "08-charts.ipynb"]
RUN_TIMEOUT = 300.0
# JupyterLab renders only the cells in view by default, and the checks read every cell's output;
# it asks the learner about news (fetched from the internet) and updates: never here.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
KERNEL_IDLE = """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
    .some(item => /\\| Idle$/.test(item.textContent.trim()))"""
# "Run All Cells" is over when no cell is pending ("[*]") and one has run: all of them, or those
# before a cell that failed (the outputs were cleared first, so the committed counts do not count).
RUN_FINISHED = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
        .map(p => p.textContent.trim());
    return prompts.some(p => /^\\[\\d+\\]:$/.test(p)) && !prompts.includes('[*]:');
}"""
RENDERED_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output img')]
    .filter(img => img.complete && img.naturalWidth > 0).length"""


@pytest.fixture
def sync_api() -> Any:
    """Playwright's sync API, or a skip (a failure when CONTACTKIT_REQUIRE_BROWSER=1)."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright import sync_api as api
    except ImportError:
        missing.append('playwright (pip install -e ".[test]" -c constraints.txt)')
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CONTACTKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return api


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`make lab`'s server on a free port over a copy of notebooks/: (URL with token, the copy)."""
    copy = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", copy)
    settings = tmp_path / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    # The learner's environment: none of the variables `make test` sets for the notebooks.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTACTKIT_")} | {
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    with running_lab(copy, tmp_path, env) as server:
        # A workspace of its own per lesson: the page opens that notebook alone.
        yield f"{server.base}/lab/workspaces/{{stem}}/tree/{{name}}?token={server.token}", copy


def wait_until(page: Any, condition: str, timeout: float) -> None:
    """Wait for a JavaScript condition, answering "Select Kernel" as a learner does (Select)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            text = dialog.first.inner_text()
            assert "Select Kernel" in text, f"unexpected dialog: {text}"
            dialog.first.locator(".jp-mod-accept").click()
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {condition}"
        time.sleep(0.5)


def menu(page: Any, title: str, command: str) -> None:
    """Click a menu bar entry, then one of its items (by JupyterLab command id)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=title).first.click()
    page.locator(f"li.lm-Menu-item[data-command='{command}']").click()


def run_all_and_save(page: Any, url: str, saved: Path) -> int:
    """Open a lesson, clear its outputs, run all its cells, save it; the images shown."""
    before = saved.read_bytes()
    page.goto(url)
    page.locator(".jp-Notebook .jp-CodeCell").first.wait_for(timeout=60_000)
    wait_until(page, KERNEL_IDLE, 60)
    menu(page, "Edit", "editmenu:clear-all")
    menu(page, "Run", "runmenu:run-all")
    wait_until(page, RUN_FINISHED, RUN_TIMEOUT)
    wait_until(page, KERNEL_IDLE, 60)
    images: int = page.evaluate(RENDERED_IMAGES)
    menu(page, "File", "docmanager:save")
    deadline = time.monotonic() + 30
    while saved.read_bytes() == before:
        assert time.monotonic() < deadline, f"the browser did not save {saved.name}"
        time.sleep(0.2)
    return images


def outputs(path: Path, output_type: str | None = None) -> list[dict[str, Any]]:
    cells = json.loads(path.read_text())["cells"]
    found = [out for cell in cells for out in cell.get("outputs", [])]
    return [out for out in found if output_type is None or out["output_type"] == output_type]


def test_a_learner_runs_and_saves_lessons_in_the_browser(
    sync_api: Any, lab: tuple[str, Path]
) -> None:
    url, copy = lab
    images: dict[str, int] = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name in LESSONS:
                lesson_url = url.format(stem=Path(name).stem, name=name)
                images[name] = run_all_and_save(page, lesson_url, copy / name)
        finally:
            browser.close()

    for name in LESSONS:
        errors = outputs(copy / name, "error")
        assert not errors, f"{name}: {[(e['ename'], e['evalue']) for e in errors]}"
        assert all(
            cell.get("execution_count")
            for cell in json.loads((copy / name).read_text())["cells"]
            if cell["cell_type"] == "code"
        ), f"{name}: a code cell was not run"
    charts = [
        out for out in outputs(copy / "08-charts.ipynb") if "image/png" in out.get("data", {})
    ]
    assert charts, "08-charts saved no chart"
    assert images["08-charts.ipynb"] >= len(charts), "a chart of 08-charts did not render"

    # What the learner saved passes the notebook tests exactly as `make test` runs them.
    result = subprocess.run(
        suite_command(2, ["-p", "no:cacheprovider", "-q", *(str(copy / name) for name in LESSONS)]),
        cwd=copy,
        # A run of its own: none of this (maybe xdist worker) process's pytest variables.
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        | {"CONTACTKIT_PROGRESS": "0", "CONTACTKIT_TEST_SCALE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
