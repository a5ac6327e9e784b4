"""The one door to DynamoDB: every request contactkit sends goes through a :class:`DynamoClient`.

It wraps a boto3 client (built once, in :func:`contactkit.connect`) and adds two things:

* botocore's errors are translated into contactkit's error tree here, and nowhere else
  (:func:`contactkit.errors.translate`), so every caller sees a ``BackendError`` with the
  operation and DynamoDB's error code;
* the timing of contactkit's own retries (``UnprocessedItems``, ``UnprocessedKeys``,
  transaction conflicts) comes from here: ``sleep`` and the jitter's random source are
  injected, so tests run retries instantly and deterministically without patching anything.

botocore's own retries (throttling, 5xx, dropped connections) happen inside ``raw`` and are
configured in :mod:`contactkit.connection`. The raw client stays public for what needs boto3
itself: event hooks (:class:`~contactkit.dynamo.meter.Meter`) and the lessons' plain-boto3 cells.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import translate

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from typing_extensions import TypeVar

    # The wrapped boto3 client: DynamoDB's, typed by the stubs, unless said otherwise
    # (``DynamoClient[BaseClient]`` wraps the DynamoDB Streams client, whose stubs are not
    # pinned). Only type checkers read the default, so the runtime needs neither the stubs nor
    # typing_extensions.
    Raw = TypeVar("Raw", bound=BaseClient, default=DynamoDBClient, covariant=True)
else:
    from typing import TypeVar

    Raw = TypeVar("Raw", covariant=True)

BASE_DELAY = 0.05
MAX_DELAY = 5.0


class DynamoClient(Generic[Raw]):
    """A boto3 DynamoDB (or DynamoDB Streams) client whose errors are contactkit's.

    Example::

        dynamo = DynamoClient(boto3.client("dynamodb", endpoint_url=url))
        dynamo.call("GetItem", TableName="contacts", Key=key)   # BackendError on failure
    """

    def __init__(
        self,
        raw: Raw,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        engine_in_process: bool = False,
    ) -> None:
        self._raw = raw
        self.sleep = sleep
        self.random = rng or random.Random()
        # The endpoint is the embedded engine in this very process: requests sent side by
        # side then only take turns at the interpreter lock (the importer sends one at a time).
        self.engine_in_process = engine_in_process

    @property
    def raw(self) -> Raw:
        """The plain boto3 client, for event hooks and plain-boto3 lesson cells."""
        return self._raw

    def __repr__(self) -> str:
        return f"<contactkit.DynamoClient {self.raw.meta.service_model.service_name}>"

    def call(self, operation: str, label: str | None = None, **request: Any) -> dict[str, Any]:
        """Send one request (``operation`` in DynamoDB's spelling: ``"Query"``, ``"GetItem"``).

        ``label`` names the operation in errors when the caller's word says more than the
        request's (``"add"`` for the ``TransactWriteItems`` of ``org.add``).
        """
        method = getattr(self.raw, xform_name(operation))
        try:
            response: dict[str, Any] = method(**request)
        except (ClientError, BotoCoreError) as exc:
            raise translate(exc, label or operation) from exc
        return response

    def backoff_delay(self, attempt: int) -> float:
        """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
        return self.random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))

    def back_off(self, attempt: int) -> None:
        """Wait before retry number ``attempt`` (0 for the first retry)."""
        self.sleep(self.backoff_delay(attempt))
