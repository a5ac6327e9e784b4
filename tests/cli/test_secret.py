"""The CLI's cursor secret: created once, private, reused, and overridable."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from contactkit import ConfigurationError
from contactkit.cli.secret import SECRET_FILE, config_dir, cursor_secret


@pytest.fixture(autouse=True)
def no_configured_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTACTKIT_CURSOR_SECRET", raising=False)


def test_created_on_first_use_private_and_reused(tmp_path: Path) -> None:
    directory = tmp_path / "contactkit"
    first = cursor_secret(directory)
    assert first and cursor_secret(directory) == first
    assert (directory / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert directory.stat().st_mode & 0o777 == 0o700
    assert os.listdir(directory) == [SECRET_FILE]


def test_lives_in_the_user_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_dir() == tmp_path / "contactkit"
    secret = cursor_secret()
    assert (tmp_path / "contactkit" / SECRET_FILE).read_text().strip() == secret


def test_configured_secret_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACTKIT_CURSOR_SECRET", "from-the-environment")
    assert cursor_secret(tmp_path) is None  # connect() then reads the variable
    assert not (tmp_path / SECRET_FILE).exists()


@pytest.mark.parametrize(
    ("mode", "content", "message"),
    [(0o644, "abc\n", "can be read by other users"), (0o600, "\n", "is empty")],
)
def test_unsafe_or_broken_files_are_refused(
    tmp_path: Path, mode: int, content: str, message: str
) -> None:
    path = tmp_path / SECRET_FILE
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(ConfigurationError, match=message):
        cursor_secret(tmp_path)


def test_concurrent_first_runs_agree(tmp_path: Path) -> None:
    results: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(cursor_secret(tmp_path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and results[0]
