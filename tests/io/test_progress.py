"""Progress bars: only for big loads, only when someone watches, never when switched off."""

from __future__ import annotations

import sys

import pytest

from contactkit.io import progress
from contactkit.io.progress import Progress, wanted


@pytest.mark.parametrize(
    ("flag", "variable", "tty", "expected"),
    [
        (True, "0", False, True),  # asked explicitly: shown
        (False, "1", True, False),  # refused explicitly: never shown
        (None, "0", True, False),  # CONTACTKIT_PROGRESS=0 turns it off
        (None, None, True, True),  # a terminal: shown
        (None, None, False, False),  # a script or CI log: not shown
    ],
)
def test_wanted(
    monkeypatch: pytest.MonkeyPatch,
    flag: bool | None,
    variable: str | None,
    tty: bool,
    expected: bool,
) -> None:
    if variable is None:
        monkeypatch.delenv(progress.PROGRESS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(progress.PROGRESS_VARIABLE, variable)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    assert wanted(flag) is expected


@pytest.mark.parametrize(
    ("enabled", "loads", "shown"), [(True, [3, 3], True), (True, [3], False), (False, [30], False)]
)
def test_bar_opens_only_past_the_threshold(
    enabled: bool, loads: list[int], shown: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with Progress(enabled, description="contacts", threshold=5) as bar:
        for n in loads:
            bar.update(n)
    assert bar.count == sum(loads)
    assert (bar.bar is not None) is shown
    err = capsys.readouterr().err
    assert ("contacts" in err) is shown
    if shown:
        assert f"{sum(loads)}" in err
