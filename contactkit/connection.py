"""``connect()``: the one place a DynamoDB client is built, for one of three backends.

* embedded (default): moto's DynamoDB in this process, on a loopback port; zero setup. In
  memory, unless ``path=`` names a snapshot file: then the data is loaded from it and kept in it
  (saved within ``save_every`` seconds of each write, and at close; see
  :mod:`contactkit.engine.autosave`). With ``engine_process=True`` the same engine runs in a
  child process (``contactkit serve``, :mod:`contactkit.engine.process`), so that the client
  and the engine each have a core.
* endpoint: any DynamoDB-compatible URL, from ``endpoint_url=`` or ``AWS_ENDPOINT_URL_DYNAMODB``
  (DynamoDB Local, ``contactkit serve``); dummy credentials and a region are supplied if none
  are configured, since local endpoints accept any.
* aws: real Amazon DynamoDB, only with ``aws=True``; never chosen because credentials exist.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import random
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from .clock import Clock, IdGenerator, UlidGenerator, system_clock
from .dynamo import fastwrite
from .dynamo.client import DynamoClient
from .dynamo.cursor import CursorCodec
from .dynamo.schema import DEFAULT_TABLE_NAME
from .errors import ConfigurationError, SnapshotWarning

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from mypy_boto3_dynamodb import DynamoDBClient

    from .engine.autosave import SnapshotKeeper
    from .engine.embedded import EmbeddedEngine
    from .engine.process import EngineProcess
    from .table import Table

logger = logging.getLogger("contactkit")

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_DYNAMODB"
DEFAULT_REGION = "us-east-1"
# Seconds between the saves of a persistent store (connect(path=...)) while its data changes.
DEFAULT_SAVE_EVERY = 2.0
# The shortest save_every of an engine in its own process: `contactkit serve --interval`'s.
MIN_CHILD_SAVE_EVERY = 0.1
_LOCAL_CREDENTIALS = ("contactkit", "contactkit")

Backend = Literal["embedded", "endpoint", "aws"]


def _client_config() -> Config:
    # Standard retry mode retries throttling, 5xx and dropped connections with jittered backoff.
    return Config(
        retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30
    )


class Database:
    """A connection to one DynamoDB backend; hands out :class:`~contactkit.table.Table` objects.

    Build it with :func:`connect`. Close it (or use ``with``) to stop an embedded engine.
    """

    def __init__(
        self,
        client: DynamoDBClient,
        backend: Backend,
        *,
        endpoint_url: str | None = None,
        engine: EmbeddedEngine | EngineProcess | None = None,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        cursor_secret: str | bytes | None = None,
        streams_client: BaseClient | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        keeper: SnapshotKeeper | None = None,
        path: Path | None = None,
        engine_process: bool = False,
    ) -> None:
        self.client = client
        # Every request of the library goes through this wrapper (errors translated once,
        # retry timing injected); ``client`` stays the plain boto3 client for hooks and lessons.
        in_process = backend == "embedded" and not engine_process
        self.dynamo = DynamoClient(client, sleep=sleep, rng=rng, engine_in_process=in_process)
        # Transactions and batches are dumped by orjson (botocore still signs, retries, parses).
        fastwrite.register(client)
        # The DynamoDB Streams API (same endpoint locally): see contactkit.ops.streams.
        self.streams_client = streams_client
        self.streams: DynamoClient[BaseClient] | None = (
            DynamoClient(streams_client, sleep=sleep, rng=rng)
            if streams_client is not None
            else None
        )
        self.backend = backend
        self.endpoint_url = endpoint_url
        # The embedded engine this connection started: in this process, or a handle on its
        # child process (connect(engine_process=True): url and stop() only); None otherwise.
        self.engine = engine
        # Keeps the in-process engine's data in a file (connect(path=...)); None: in memory
        # only, or kept by the engine's own process (then ``path`` names the file).
        self.keeper = keeper
        self._path = keeper.path if keeper is not None else path
        self.engine_process = engine_process
        self.clock: Clock = clock or system_clock
        self.ids: IdGenerator = ids or UlidGenerator(clock=self.clock)
        self.cursors = CursorCodec(cursor_secret)

    def table(self, name: str = DEFAULT_TABLE_NAME) -> Table:
        """The contacts table called ``name`` (created with ``.create()``)."""
        from .table import Table

        return Table(self, name)

    @property
    def path(self) -> Path | None:
        """The snapshot file of a persistent store (``connect(path=...)``), else ``None``."""
        return self._path

    def close(self) -> None:
        """Stop the embedded engine, if this connection started one.

        Its data is discarded, unless the connection was opened with ``path=``: then it is
        saved to that file first (a failed save is a :class:`~contactkit.errors.SnapshotWarning`).
        """
        engine, self.engine = self.engine, None
        if engine is not None:
            problem = engine.stop()  # an engine process tells what went wrong, if anything
            if problem is not None and self._path is not None:
                warnings.warn(
                    f"could not save {self._path} at close: {problem}; the writes since its "
                    "last save may be lost",
                    SnapshotWarning,
                    stacklevel=2,
                )
        if self.keeper is not None:
            final = self.keeper.close()
            if isinstance(final, str):
                warnings.warn(
                    f"could not save {self.keeper.path} at close: {final}; the writes since "
                    "its last save are lost",
                    SnapshotWarning,
                    stacklevel=2,
                )
            self.keeper = None

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.backend == "endpoint":
            return f"<contactkit.Database backend='endpoint' url={self.endpoint_url!r}>"
        if self.backend == "aws":
            return f"<contactkit.Database backend='aws' region={self.client.meta.region_name!r}>"
        if self._path is not None:
            own = " (in its own process)" if self.engine_process else ""
            return f"<contactkit.Database backend='embedded' path={str(self._path)!r}{own}>"
        where = "in its own process" if self.engine_process else "in this process"
        return f"<contactkit.Database backend='embedded' (moto, {where})>"


def connect(
    endpoint_url: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    save_every: float = DEFAULT_SAVE_EVERY,
    engine_process: bool = False,
    aws: bool = False,
    region: str | None = None,
    profile: str | None = None,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    seed: int | None = None,
    cursor_secret: str | bytes | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Database:
    """Connect to DynamoDB: embedded by default, an endpoint if given, AWS only if asked.

    Args:
        endpoint_url: a DynamoDB-compatible endpoint; defaults to ``$AWS_ENDPOINT_URL_DYNAMODB``.
        path: keep the embedded engine's data in this snapshot file between sessions: loaded
            if it exists, saved atomically (temporary file, then rename) and privately (0600).
            Always the embedded engine: ``$AWS_ENDPOINT_URL_DYNAMODB`` is not used.
        save_every: with ``path``, the seconds between saves while data changes: a completed
            call is on disk within ``save_every`` seconds plus the time of one save, and at
            ``close()``; ``kill -9`` loses only the calls of that last interval. A failed
            save warns (``SnapshotWarning``) and is retried at the next interval.
        engine_process: run the embedded engine in its own process: the client and the engine
            then use two cores. ``db.engine`` is then a handle with ``url`` and ``stop()``
            only; the child (``contactkit serve``, needing the ``cli`` extra) serves 127.0.0.1,
            keeps ``path`` as this process would (``save_every`` at least 0.1 s), and ends
            with this process, even a killed one. Not with an endpoint (unless ``path`` is
            given) or ``aws=True``.
        aws: use real Amazon DynamoDB (with the usual boto3 credentials).
        region: AWS region (default: the configured one, else us-east-1).
        profile: AWS profile name, for ``aws=True``.
        clock: a callable returning aware UTC datetimes (for example ``FixedClock``).
        ids: a callable returning new ids; by default ULIDs timed by ``clock``.
        seed: seed the default id generator, for reproducible ids (tests, notebooks).
        cursor_secret: the key that signs pagination cursors; defaults to
            ``$CONTACTKIT_CURSOR_SECRET``, else a random per-process secret (cursors then
            stop working when the process ends).
        sleep: how contactkit waits between its own retries (``UnprocessedItems``,
            ``UnprocessedKeys``, transaction conflicts); tests pass ``lambda _s: None``.
        rng: the random source of those retries' jitter (seed it for reproducible waits).

    Example::

        db = connect()                                        # embedded, zero setup
        db = connect(path="contacts.snapshot")                # embedded, kept in a file
        db = connect(engine_process=True)                     # embedded, on a second core
        db = connect(endpoint_url="http://localhost:8000")    # DynamoDB Local
        db = connect(aws=True, region="eu-west-1")            # real AWS, explicitly
    """
    if ids is None:
        ids = UlidGenerator(clock=clock, seed=seed)
    elif seed is not None:
        raise ConfigurationError("pass either ids= or seed=, not both")
    env_endpoint = os.environ.get(ENDPOINT_VARIABLE) or None
    # What every backend's Database is built with, whichever clients it gets.
    database = functools.partial(
        Database, clock=clock, ids=ids, cursor_secret=cursor_secret, sleep=sleep, rng=rng
    )
    if aws and engine_process:
        raise ConfigurationError(
            "engine_process=True runs the embedded engine, but aws=True asks for real AWS: drop one"
        )
    if aws:
        if endpoint_url or env_endpoint:
            raise ConfigurationError(
                f"aws=True asks for real AWS, but an endpoint is set "
                f"({endpoint_url or ENDPOINT_VARIABLE + '=' + str(env_endpoint)}); "
                f"unset {ENDPOINT_VARIABLE} or drop aws=True"
            )
        session = boto3.session.Session(profile_name=profile, region_name=region)
        if session.region_name is None:
            raise ConfigurationError("aws=True needs a region: pass region='eu-west-1' or set one")
        client = session.client("dynamodb", config=_client_config())
        aws_streams: BaseClient = session.client("dynamodbstreams", config=_client_config())
        logger.info("contactkit: using AWS DynamoDB in %s", client.meta.region_name)
        return database(client, "aws", streams_client=aws_streams)
    if profile is not None:
        raise ConfigurationError("profile= is only used with aws=True")
    if path is not None:
        if endpoint_url:
            raise ConfigurationError(
                f"path= keeps the embedded engine's data in a file, but endpoint_url= is set "
                f"({endpoint_url}): drop one (an endpoint keeps its own data)"
            )
        if env_endpoint:  # the explicit argument wins over the environment, said in the log
            logger.info("contactkit: path= given, so %s is not used", ENDPOINT_VARIABLE)
        _check_save_every(save_every)
        if engine_process:
            return _engine_process(Path(path), save_every, region, database)
        return _persistent(Path(path), save_every, region, database)
    if save_every != DEFAULT_SAVE_EVERY:
        raise ConfigurationError("save_every= is only used with path=")

    url = endpoint_url or env_endpoint
    if engine_process:
        if url:
            source = f"endpoint_url={url}" if endpoint_url else f"{ENDPOINT_VARIABLE}={url}"
            raise ConfigurationError(
                f"engine_process=True starts the embedded engine, but an endpoint is set "
                f"({source}): drop one (or unset {ENDPOINT_VARIABLE})"
            )
        return _engine_process(None, save_every, region, database)
    engine: EmbeddedEngine | None = None
    if url:
        check_endpoint_url(url, "endpoint_url" if endpoint_url else ENDPOINT_VARIABLE)
        logger.info("contactkit: using the DynamoDB endpoint %s", url)
    else:
        from .engine.embedded import EmbeddedEngine

        engine = EmbeddedEngine()
        engine.start()
        url = engine.url
        logger.info("contactkit: using the embedded DynamoDB engine (moto) at %s", url)
    # A configured profile's credentials serve a user's endpoint, never the embedded engine.
    client, streams = _local_clients(url, region, use_configured_credentials=engine is None)
    return database(
        client,
        "embedded" if engine is not None else "endpoint",
        endpoint_url=url,
        engine=engine,
        streams_client=streams,
    )


def _persistent(
    path: Path, save_every: float, region: str | None, database: Callable[..., Database]
) -> Database:
    """An embedded engine whose data is loaded from ``path`` and kept there."""
    from .engine.autosave import SnapshotKeeper
    from .engine.embedded import EmbeddedEngine

    engine = EmbeddedEngine()
    engine.start()
    try:
        client, streams = _local_clients(engine.url, region, use_configured_credentials=False)
        keeper = SnapshotKeeper(
            engine,
            path,
            interval=float(save_every),
            on_failure=lambda problem: _warn_unsaved(path, problem, save_every),
            on_recovery=lambda: logger.info("contactkit: saved %s again", path),
        )
        loaded = keeper.open(client)
    except BaseException:
        engine.stop()
        raise
    for leftover in keeper.removed:
        logger.info("contactkit: removed %s, left by a save that was killed", leftover)
    if loaded is not None:
        logger.info("contactkit: loaded %s (%d items)", path, loaded.items)
    keeper.start()
    return database(
        client,
        "embedded",
        endpoint_url=engine.url,
        engine=engine,
        streams_client=streams,
        keeper=keeper,
    )


def _engine_process(
    path: Path | None, save_every: float, region: str | None, database: Callable[..., Database]
) -> Database:
    """The embedded engine in a child process; with ``path``, the child keeps the file."""
    from .engine import snapshot as snapshots
    from .engine.process import EngineProcess

    if importlib.util.find_spec("click") is None:
        raise ConfigurationError(
            "engine_process=True runs `contactkit serve`, which needs the cli extra: "
            'pip install "contactkit[cli]"'
        )
    if path is not None:
        snapshots.check_directory(path)  # said here as connect(path=...) says it
        if save_every < MIN_CHILD_SAVE_EVERY:
            raise ConfigurationError(
                f"save_every: {save_every!r} is below {MIN_CHILD_SAVE_EVERY:g} s, the shortest "
                "interval of the engine's own process (engine_process=True)"
            )
    engine = EngineProcess(snapshot=path, interval=float(save_every))
    engine.start()
    try:
        client, streams = _local_clients(engine.url, region, use_configured_credentials=False)
    except BaseException:
        engine.stop()
        raise
    for line in engine.messages:  # the snapshot loaded, leftovers removed
        logger.info("contactkit: engine process: %s", line)
    logger.info(
        "contactkit: using the embedded DynamoDB engine at %s (pid %d)", engine.url, engine.pid
    )
    return database(
        client,
        "embedded",
        endpoint_url=engine.url,
        engine=engine,
        streams_client=streams,
        path=path,
        engine_process=True,
    )


def _check_save_every(save_every: float) -> None:
    if isinstance(save_every, bool) or not (
        isinstance(save_every, int | float) and 0 < save_every < float("inf")
    ):
        raise ConfigurationError(f"save_every: {save_every!r} is not a positive number of seconds")


def _warn_unsaved(path: Path, problem: str, save_every: float) -> None:
    warnings.warn(
        f"could not save {path}: {problem}; the data is still in memory and the save is "
        f"retried every {save_every:g} s (and at close)",
        SnapshotWarning,
        stacklevel=2,
    )


def check_endpoint_url(url: str, source: str) -> None:
    """Refuse an endpoint that is not an ``http(s)://host[:port]`` URL, before boto3 sees it."""
    parts = urlsplit(url)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # a port that is not a number, or above 65535
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise ConfigurationError(
            f"{source}: {url!r} is not an endpoint URL; give scheme and host, "
            "for example http://127.0.0.1:8000"
        )


def _local_clients(
    url: str, region: str | None, *, use_configured_credentials: bool
) -> tuple[DynamoDBClient, BaseClient]:
    """The DynamoDB and DynamoDB Streams clients of a local endpoint (one session for both)."""
    session = boto3.session.Session(region_name=region)
    key_id = secret = None
    if not use_configured_credentials or session.get_credentials() is None:
        key_id, secret = _LOCAL_CREDENTIALS  # local endpoints accept any credentials
    options: dict[str, Any] = {
        "endpoint_url": url,
        "region_name": session.region_name or DEFAULT_REGION,
        "config": _client_config(),
        "aws_access_key_id": key_id,
        "aws_secret_access_key": secret,
    }
    streams: BaseClient = session.client("dynamodbstreams", **options)
    return session.client("dynamodb", **options), streams
