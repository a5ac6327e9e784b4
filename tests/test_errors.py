"""The error tree and the one translation point for botocore errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

import contactkit as ck
from contactkit.errors import backend_errors, translate


def client_error(code: str, **extra: object) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "msg"}, **extra}, "Op")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error",
    [
        ck.ConfigurationError("x"),
        ck.ValidationError("f", "r"),
        ck.NotFoundError("org-a", "id"),
        ck.EmailTakenError("a@b.c", None),
        ck.VersionConflictError("id", 1, 2),
        ck.InvalidCursorError("x"),
        ck.BackendError("Op", "C", "m"),
        ck.ThrottledError("Op", "C", "m"),
        ck.TransactionCanceledError("Op", "m", []),
    ],
)
def test_every_error_is_a_contactkit_error(error: Exception) -> None:
    assert isinstance(error, ck.ContactKitError)


def test_validation_error_names_field_and_reason() -> None:
    error = ck.ValidationError("email", "is required")
    assert (error.field, error.reason, str(error)) == ("email", "is required", "email: is required")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ProvisionedThroughputExceededException", ck.ThrottledError),
        ("ThrottlingException", ck.ThrottledError),
        ("ResourceNotFoundException", ck.BackendError),
        ("TransactionCanceledException", ck.TransactionCanceledError),
    ],
)
def test_translate_picks_the_class(code: str, kind: type[ck.BackendError]) -> None:
    translated = translate(client_error(code), "Op")
    assert type(translated) is kind and translated.code == code


def test_cancellation_reasons_are_kept() -> None:
    error = translate(
        client_error(
            "TransactionCanceledException",
            CancellationReasons=[
                {"Code": "None"},
                {"Code": "ConditionalCheckFailed", "Message": "m", "Item": {"PK": {"S": "x"}}},
            ],
        ),
        "add",
    )
    assert isinstance(error, ck.TransactionCanceledError)
    assert error.reasons == [
        ck.CancellationReason("None"),
        ck.CancellationReason("ConditionalCheckFailed", "m", {"PK": {"S": "x"}}),
    ]


def test_backend_errors_chains_the_cause() -> None:
    cause = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    with pytest.raises(ck.BackendError) as exc, backend_errors("GetItem"):
        raise cause
    assert exc.value.__cause__ is cause and exc.value.operation == "GetItem"
