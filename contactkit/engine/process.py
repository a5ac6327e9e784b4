"""The embedded engine in a child process: the client and the engine then use two cores.

``connect(engine_process=True)`` starts ``python -m contactkit serve --port 0 --for-parent``
with the interpreter that runs contactkit (no shell; with ``path=``, ``--snapshot FILE
--interval SECONDS``, so the child loads and keeps the file exactly as ``contactkit serve``
does). The child prints its URL alone on a line once it listens (after loading the snapshot),
serves 127.0.0.1 only, and stops, saving, when told (SIGTERM) or when its standard input
reaches its end: the parent holds the other end of that pipe, so a parent that crashes or is
killed (``kill -9``) takes its engine down with it, data saved.

In one process the client (validation, planning, botocore) and the engine (moto) take turns
under one GIL; in two, each has a core, as with DynamoDB Local or dynalite
(docs/benchmarks.md).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from ..errors import ConfigurationError

# How long the child may take to import contactkit and moto and listen, plus, with a snapshot,
# time to load it: 5,000 contacts (13 MB) load in about 2.5 s; a busy machine is slower.
START_TIMEOUT = 30.0
LOAD_SECONDS_PER_MB = 1.0
# How long a stopped child may take to save its snapshot and end before it is killed.
STOP_TIMEOUT = 120.0
# The program the child runs, before serve's own arguments (``program=`` replaces it in tests).
PROGRAM = (sys.executable, "-m", "contactkit")


class EngineProcess:
    """``contactkit serve`` in a child process, on 127.0.0.1:<free port>, ended by ``stop()``.

    Example::

        engine = EngineProcess(snapshot=Path("contacts.snapshot"), interval=2.0)
        engine.start()           # ConfigurationError, with the child's words, if it fails
        print(engine.url)        # http://127.0.0.1:53817
        engine.stop()            # SIGTERM: the child saves the snapshot and ends
    """

    def __init__(
        self,
        *,
        snapshot: Path | None = None,
        interval: float = 2.0,
        start_timeout: float = START_TIMEOUT,
        program: Sequence[str] = PROGRAM,
    ) -> None:
        self.snapshot = snapshot
        self.interval = interval
        self.start_timeout = start_timeout
        self.program = tuple(program)
        # What the child said before its URL: the snapshot loaded, leftovers removed.
        self.messages: list[str] = []
        self._url: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._errors: IO[bytes] | None = None
        self._listening = threading.Event()

    @property
    def command(self) -> list[str]:
        """The child's command line."""
        command = [*self.program, "serve", "--port", "0", "--for-parent"]
        if self.snapshot is not None:
            command += ["--snapshot", str(self.snapshot), "--interval", f"{self.interval!r}"]
        return command

    def start(self) -> None:
        """Start the child and wait until it listens (``ConfigurationError`` if it does not)."""
        if self._process is not None:
            raise RuntimeError("the engine process is already running")
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
        self._url = None
        self._listening.clear()
        # A file, never a pipe that fills up; closed by _finish when the child has ended.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env=env,
            # Its own session: a Ctrl-C in the terminal is the parent's to handle, and the
            # child ends with the parent through its stdin instead.
            start_new_session=True,
        )
        self._reader = threading.Thread(
            target=self._read_output, name="contactkit-engine-output", daemon=True
        )
        self._reader.start()
        timeout = self.start_timeout
        if self.snapshot is not None and self.snapshot.is_file():
            timeout += self.snapshot.stat().st_size / 1e6 * LOAD_SECONDS_PER_MB
        listening = self._listening.wait(timeout)
        if self._url is not None:
            atexit.register(self.stop)  # an unclosed connection still saves before exit
            return
        if listening:  # the output ended: the child exited before it listened
            code = self._process.wait()
            reason = f"exited with code {code} before it listened"
        else:
            self._process.kill()
            self._process.wait()
            reason = f"did not listen within {timeout:.0f} s"
        said = self._finish()
        raise ConfigurationError(
            f"engine_process: the engine's process ({' '.join(self.command)}) {reason}"
            + (f": {said}" if said else "")
        )

    def _read_output(self) -> None:
        stdout = self._process.stdout if self._process is not None else None
        if stdout is None:
            return
        # Read to the end even after the URL, so that the child never blocks on a full pipe.
        for raw in stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            if self._url is None:
                if line.startswith("http://"):
                    self._url = line
                    self._listening.set()
                else:
                    self.messages.append(line)
        self._listening.set()

    def _finish(self) -> str:
        """Release an ended child's pipes; what it wrote to stderr (the end of it), on one line."""
        process, self._process = self._process, None
        if self._reader is not None:
            self._reader.join(5)  # the child has ended: its output is at its end
            self._reader = None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()
        if self._errors is None:
            return ""
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", errors="replace")
        self._errors.close()
        self._errors = None
        return " | ".join(line.strip() for line in text[-2000:].splitlines() if line.strip())

    @property
    def url(self) -> str:
        if self._url is None or self._process is None:
            raise RuntimeError("the engine process is not running; call start() first")
        return self._url

    @property
    def pid(self) -> int:
        """The child's process id."""
        if self._process is None:
            raise RuntimeError("the engine process is not running; call start() first")
        return self._process.pid

    def stop(self) -> str | None:
        """End the child (SIGTERM; with a snapshot it saves first); ``None`` if it ended cleanly.

        Otherwise, what went wrong: its exit code and what it said (a failed final save), or
        that it had to be killed after ``STOP_TIMEOUT`` seconds.
        """
        process = self._process
        if process is None:
            return None
        atexit.unregister(self.stop)
        if process.stdin is not None:
            process.stdin.close()  # the end of its input stops the child too (Windows: only it)
        if os.name != "nt" and process.poll() is None:
            process.terminate()
        try:
            code = process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            self._finish()
            return f"the engine's process did not end within {STOP_TIMEOUT:g} s and was killed"
        said = self._finish()
        if code != 0:
            return f"the engine's process exited with code {code}" + (f": {said}" if said else "")
        return None

    def __repr__(self) -> str:
        state = f"url={self._url!r} pid={self.pid}" if self._process else "stopped"
        return f"<contactkit.EngineProcess {state}>"
