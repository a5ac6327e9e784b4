"""contactkit's one error tree, and the one place where botocore errors are translated.

::

    ContactKitError
    ├── ConfigurationError        connect() was asked for something contradictory
    ├── ValidationError           bad input: .field and .reason
    │   └── BackupFormatError     a backup file with bad lines: .bad_lines
    ├── NotFoundError             no such contact in this org
    │   └── GroupNotFoundError    no such group in this org
    ├── EmailTakenError           another contact in this org has that email
    ├── VersionConflictError      someone else wrote first (optimistic locking)
    ├── InvalidCursorError        a cursor that is tampered, foreign or stale
    └── BackendError              DynamoDB said no: .code, .operation
        ├── ThrottledError        ... because of throughput limits, after retries
        └── TransactionCanceledError  ... a transaction, with .reasons per action

    SnapshotWarning (a UserWarning)  a persistent store's file could not be saved; still running
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from botocore.exceptions import BotoCoreError, ClientError

_THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
    }
)


class ContactKitError(Exception):
    """Base class of every error contactkit raises."""


class ConfigurationError(ContactKitError):
    """The connection settings contradict each other or are incomplete."""


class SnapshotWarning(UserWarning):
    """A persistent store (``connect(path=...)``) could not save its file; the data is in memory.

    Not an error: the store keeps working and retries. Filter it like any warning, or turn it
    into an error with ``warnings.simplefilter("error", SnapshotWarning)``.
    """


class ValidationError(ContactKitError, ValueError):
    """Input that cannot be stored; ``field`` names it and ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class BackupFormatError(ValidationError):
    """A backup file that cannot be restored; ``bad_lines`` holds ``(line, reason)`` pairs."""

    def __init__(self, file_name: str, bad_lines: list[tuple[int, str]]) -> None:
        shown = "; ".join(f"line {n}: {reason}" for n, reason in bad_lines[:10])
        more = f" (and {len(bad_lines) - 10} more)" if len(bad_lines) > 10 else ""
        super().__init__(
            "path",
            f"{file_name} has {len(bad_lines)} bad line(s), nothing was restored: {shown}{more}",
        )
        self.bad_lines = bad_lines


class NotFoundError(ContactKitError, LookupError):
    """The contact does not exist in this org (ids from other orgs are never found)."""

    def __init__(self, org_id: str, contact_id: str) -> None:
        super().__init__(f"no contact {contact_id!r} in {org_id}")
        self.org_id = org_id
        self.contact_id = contact_id


class GroupNotFoundError(NotFoundError):
    """The group does not exist in this org (create it with ``org.create_group(name)``)."""

    def __init__(self, org_id: str, name: str) -> None:
        LookupError.__init__(self, f"no group {name!r} in {org_id}; create it first")
        self.org_id = org_id
        self.contact_id = ""
        self.name = name


class EmailTakenError(ContactKitError):
    """Another contact in the org already uses this email (case-insensitively)."""

    def __init__(self, email: str, existing_id: str | None) -> None:
        owner = f" by contact {existing_id}" if existing_id else ""
        super().__init__(
            f"email: {email!r} is already used{owner} in this org; "
            "update that contact or choose another email"
        )
        self.field = "email"
        self.email = email
        self.existing_id = existing_id


class VersionConflictError(ContactKitError):
    """The contact changed since it was read; re-read it and apply the change again."""

    def __init__(self, contact_id: str, expected: int, actual: int | None) -> None:
        now = f"it is now at version {actual}" if actual is not None else "it was deleted"
        super().__init__(
            f"contact {contact_id} was expected at version {expected} but {now}; "
            "get() it again and retry the update"
        )
        self.contact_id = contact_id
        self.expected = expected
        self.actual = actual


class InvalidCursorError(ContactKitError):
    """A cursor that was tampered with, or belongs to another org or another query."""


class BackendError(ContactKitError):
    """DynamoDB (or the endpoint standing in for it) refused a request."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"{operation} failed: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message


class ThrottledError(BackendError):
    """DynamoDB kept throttling the request after every retry; slow down or add capacity."""


@dataclass(frozen=True)
class CancellationReason:
    """Why one action of a cancelled transaction failed (``code`` is ``"None"`` if it did not)."""

    code: str
    message: str = ""
    item: dict[str, Any] | None = None  # the item as it was, in DynamoDB JSON (ALL_OLD)


class TransactionCanceledError(BackendError):
    """A TransactWriteItems was cancelled; ``reasons`` holds one entry per action, in order."""

    def __init__(self, operation: str, message: str, reasons: list[CancellationReason]) -> None:
        super().__init__(operation, "TransactionCanceledException", message)
        self.reasons = reasons


def translate(exc: ClientError | BotoCoreError, operation: str) -> BackendError:
    """Turn a botocore error into contactkit's tree (callers ``raise ... from exc``)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", ""))
        if code == "TransactionCanceledException":
            reasons = [
                CancellationReason(
                    code=str(r.get("Code", "None")),
                    message=str(r.get("Message", "")),
                    item=cast("dict[str, Any] | None", r.get("Item")),
                )
                for r in exc.response.get("CancellationReasons", [])
            ]
            return TransactionCanceledError(operation, message, reasons)
        if code in _THROTTLING_CODES:
            return ThrottledError(operation, code, message)
        return BackendError(operation, code, message)
    return BackendError(operation, type(exc).__name__, str(exc))


@contextmanager
def backend_errors(operation: str) -> Iterator[None]:
    """Translate any botocore error raised inside the block (the only place this happens)."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise translate(exc, operation) from exc
