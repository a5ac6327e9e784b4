"""The engine's HTTP server: SDK requests share a connection; stopping ends every connection."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from contactkit.engine.embedded import EmbeddedEngine
from contactkit.engine.server import EngineServer

LIST_TABLES = {
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    "Content-Type": "application/x-amz-json-1.0",
}


@pytest.fixture
def engine() -> Iterator[EmbeddedEngine]:
    with EmbeddedEngine() as engine:
        yield engine


def _connection(engine: EmbeddedEngine) -> tuple[http.client.HTTPConnection, dict[str, str]]:
    port = engine.url.rsplit(":", 1)[1]
    host = {"Host": f"127.0.0.1:{port}"}
    return http.client.HTTPConnection("127.0.0.1", int(port), timeout=5), host


def _post(
    connection: http.client.HTTPConnection, headers: dict[str, str], body: bytes = b"{}"
) -> http.client.HTTPResponse:
    connection.request("POST", "/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def test_requests_share_one_connection(engine: EmbeddedEngine) -> None:
    connection, host = _connection(engine)
    first = _post(connection, {**LIST_TABLES, **host})
    sock = connection.sock
    second = _post(connection, {**LIST_TABLES, **host})
    assert first.status == second.status == 200
    assert first.getheader("Connection") is None
    assert connection.sock is sock  # http.client reconnects (a new socket) after a close


def test_a_refused_request_leaves_the_connection_clean_for_the_next(engine: EmbeddedEngine) -> None:
    connection, host = _connection(engine)
    refused = _post(
        connection, {**LIST_TABLES, **host, "Origin": "http://evil.example"}, b"x" * 5000
    )
    assert refused.status == 403
    assert _post(connection, {**LIST_TABLES, **host}).status == 200


def test_a_client_asking_to_close_gets_its_connection_closed(engine: EmbeddedEngine) -> None:
    connection, host = _connection(engine)
    response = _post(connection, {**LIST_TABLES, **host, "Connection": "close"})
    assert response.status == 200
    assert response.getheader("Connection") == "close"


def test_a_chunked_request_takes_werkzeugs_path_and_is_answered(engine: EmbeddedEngine) -> None:
    connection, host = _connection(engine)
    connection.request(
        "POST", "/", body=iter([b"{", b"}"]), headers={**LIST_TABLES, **host}, encode_chunked=True
    )
    response = connection.getresponse()
    assert response.status == 200
    assert response.read() == b'{"TableNames": []}'
    assert response.getheader("Connection") == "close"


def test_sdk_requests_on_a_kept_connection_are_not_held_by_delayed_acks(
    engine: EmbeddedEngine,
) -> None:
    # Without TCP_NODELAY each answer's body waited for the client's delayed ACK: ~40 ms per
    # request, 0.8 s for these 20. Answered at once they take a few ms each.
    client = boto3.client(
        "dynamodb",
        endpoint_url=engine.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.list_tables()
    start = time.perf_counter()
    for _ in range(20):
        client.list_tables()
    assert time.perf_counter() - start < 0.6


def test_stopping_ends_open_connections_without_waiting_for_clients() -> None:
    engine = EmbeddedEngine()
    engine.start()
    connection, host = _connection(engine)
    assert _post(connection, {**LIST_TABLES, **host}).status == 200  # kept open, idle
    start = time.perf_counter()
    engine.stop()
    assert time.perf_counter() - start < 2
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        _post(connection, {**LIST_TABLES, **host})


def test_an_application_error_is_a_500_and_closes_the_connection() -> None:
    def failing(environ: dict[str, Any], start_response: Any) -> Any:
        raise RuntimeError("boom")

    server = EngineServer("127.0.0.1", 0, failing)
    server.log = lambda *args: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5)
        response = _post(connection, dict(LIST_TABLES))
        assert response.status == 500
        assert response.getheader("Connection") == "close"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
