"""The engine's HTTP server: werkzeug's threaded WSGI server, with keep-alive connections.

werkzeug's development server answers every request with ``Connection: close`` and then
drains the socket for 10 ms (Python's ``http.server`` cannot tell an unread request body
from the next request line), so every SDK request paid a TCP connection, a server thread
and a ``select``. Here a ``POST`` with a ``Content-Length`` (every SDK request) has its body
read whole before the application runs: the connection is clean after the answer and serves
the client's next request. Anything else (another method, a chunked or ``Expect`` body, a
body over :data:`MAX_BUFFERED_BODY`) takes werkzeug's own path, which closes the connection.

Connections kept open are closed by :meth:`EngineServer.server_close`, so stopping the
engine does not wait for its clients to hang up, and no request is served after it.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import traceback
from collections.abc import Iterable
from typing import Any

from werkzeug.exceptions import InternalServerError
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

# Larger request bodies are streamed by werkzeug (and their connection closed). DynamoDB's
# largest request is about 16 MB (a BatchWriteItem of 25 items of 400 KB, in JSON).
MAX_BUFFERED_BODY = 32 * 1024 * 1024


class KeepAliveRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, silent, answering an SDK's requests on one connection."""

    def setup(self) -> None:
        super().setup()
        # The headers and the body go out in two writes: without this, Nagle's algorithm
        # holds the body until the client acknowledges the headers, which it delays by up
        # to 40 ms (a closed connection flushed it; a kept one does not).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the engine is silent; werkzeug would print one line per request

    def log(self, type: str, message: str, *args: Any) -> None:
        pass

    def run_wsgi(self) -> None:
        length = self._body_length()
        if length is None:
            self.close_connection = True
            super().run_wsgi()
            return
        body = self.rfile.read(length)
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return
        environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            status, headers, answer = _call(self.server.app, environ)
        except Exception:  # the application failed: log it and answer 500, as werkzeug does
            self.server.log("error", "Error on request:\n%s", traceback.format_exc())
            self.close_connection = True
            status, headers, answer = _call(InternalServerError(), environ)
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        if self.close_connection:  # the client asked for it (or spoke HTTP/1.0)
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer)
        self.wfile.flush()

    def _body_length(self) -> int | None:
        """The request body's length when it can be read whole here; None: werkzeug's path."""
        headers = self.headers
        if self.command != "POST" or "Transfer-Encoding" in headers or "Expect" in headers:
            return None
        length = headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > MAX_BUFFERED_BODY:
            return None
        return int(length)


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run a WSGI application; its status, headers and whole body."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None  # the legacy write() callable: no application here uses it

    chunks: Iterable[bytes] = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return started[0], started[1], body


class EngineServer(ThreadedWSGIServer):
    """werkzeug's threaded server with :class:`KeepAliveRequestHandler`, closing its open
    connections when it is closed."""

    def __init__(self, host: str, port: int, app: Any) -> None:
        super().__init__(host, port, app, handler=KeepAliveRequestHandler)
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: tuple[str, int]) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Stop listening, end every open connection and wait for their threads."""
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            # A handler waiting for its client's next request reads end-of-file and returns;
            # a connection its client already closed raises, and needs nothing more.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()
