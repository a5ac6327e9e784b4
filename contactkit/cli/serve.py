"""``contactkit serve``: the embedded engine as a standalone local DynamoDB endpoint.

For people without Docker: the shell, scripts and notebooks share it through
``AWS_ENDPOINT_URL_DYNAMODB``. It listens on the loopback interface only (the engine has no
authentication). With ``--snapshot FILE`` the data is loaded on start, saved every
``--interval`` seconds when something changed, and saved on SIGINT/SIGTERM. A save that fails
(directory gone, disk full, permissions) is a warning and is retried at the next interval: the
server keeps serving and keeps the data in memory.

``--for-parent`` (hidden) is how ``connect(engine_process=True)`` runs it as its child
(:mod:`contactkit.engine.process`): the URL alone on stdout once it listens, nothing after it
(the parent may be gone), and a stop at the end of stdin, the parent's pipe.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from ..connection import connect
from ..engine import snapshot as snapshots
from ..engine.autosave import SnapshotKeeper
from ..engine.embedded import EmbeddedEngine
from ..errors import ConfigurationError, backend_errors

DEFAULT_PORT = 8000
DEFAULT_INTERVAL = 30.0


@click.command(name="serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--snapshot",
    "snapshot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load data from FILE on start; save it there periodically and on shutdown.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Seconds between periodic snapshots (only when data changed).",
)
@click.option(
    "--for-parent",
    is_flag=True,
    hidden=True,
    help="Print only the URL and stop when stdin ends (connect(engine_process=True)'s child).",
)
def serve_command(port: int, snapshot_path: Path | None, interval: float, for_parent: bool) -> None:
    """Serve the embedded DynamoDB engine on 127.0.0.1 as a local endpoint (no Docker).

    Stop it with Ctrl-C (or SIGTERM); with --snapshot the data survives restarts.
    """
    if snapshot_path is not None:
        try:
            snapshots.check_directory(snapshot_path)
        except ConfigurationError as exc:
            raise click.BadParameter(str(exc), param_hint="'--snapshot'") from exc
    engine = EmbeddedEngine(port=port)
    try:
        engine.start()
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}; "
            "is another server using it? Try --port 8001"
        ) from exc
    keeper = None
    if snapshot_path is not None:
        keeper = SnapshotKeeper(
            engine,
            snapshot_path,
            interval=interval,
            on_failure=lambda problem: click.echo(
                f"⚠️  could not save {snapshot_path}: {problem}; still serving (the data "
                f"is in memory), will retry every {interval:g} s",
                err=True,
            ),
            on_recovery=lambda: click.echo(f"💾 Saved {snapshot_path} again", err=True),
        )
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda signum, frame: _request_stop(stop, signum, frame))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    say: Callable[[str], None] = click.echo
    if for_parent:
        threading.Thread(
            target=_stop_at_end_of_input, args=(stop,), name="contactkit-parent", daemon=True
        ).start()
    try:
        if keeper is not None:
            with backend_errors("request"):  # building the client (a bad profile or region)
                client = connect(engine.url).client
            info = keeper.open(client)
            for leftover in keeper.removed:
                click.echo(f"🧹 Removed {leftover}, left by a save that was killed")
            if info is not None:
                click.echo(
                    f"📂 Loaded {snapshot_path}: {info.items} items in {len(info.tables)} tables"
                )
        if for_parent:
            click.echo(engine.url)
            say = _silent  # the parent reads nothing more, and may be gone (a closed pipe)
        else:
            _announce(engine.url, snapshot_path, interval)
        if keeper is not None:
            keeper.watch(stop)
        else:
            stop.wait()
    finally:
        engine.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        final_problem = None
        if keeper is not None and keeper.opened:  # never overwrite a file that failed to load
            final = keeper.save(report=False)
            if isinstance(final, str):
                final_problem = final
            else:
                say(f"💾 Saved {snapshot_path}: {final.items} items in {len(final.tables)} tables")
        say("👋 Stopped.")
    if final_problem is not None:
        raise click.ClickException(
            f"could not save {snapshot_path}: {final_problem}; "
            "the writes since the last save are lost"
        )


def _stop_at_end_of_input(stop: threading.Event) -> None:
    """Set ``stop`` when stdin ends: the parent closed it, or the parent itself ended."""
    while sys.stdin.buffer.read(4096):
        continue
    stop.set()


def _silent(_line: str) -> None:
    return None


def _request_stop(stop: threading.Event, signum: int, frame: FrameType | None) -> None:
    stop.set()


def _announce(url: str, snapshot_path: Path | None, interval: float) -> None:
    click.echo(f"📡 contactkit serve: DynamoDB endpoint at {url} (embedded engine)")
    if snapshot_path is not None:
        click.echo(f"   Snapshot: {snapshot_path} (every {interval:g} s when changed, and on stop)")
    else:
        click.echo("   No --snapshot: the data is lost when the server stops.")
    click.echo("   Use it from another terminal:")
    click.echo(f"     export AWS_ENDPOINT_URL_DYNAMODB={url}")
    click.echo("     contactkit shell --org org-a1b2c3d4      # or: contactkit list --org ...")
    click.echo(f"     python -c 'import contactkit as ck; ck.connect(\"{url}\")'")
    click.echo("   Press Ctrl-C to stop.", nl=True)
