"""dashboard/nodelay.py: the web server's connections send at once (TCP_NODELAY), on a real
uvicorn serving from a socket bound the way Streamlit binds its own (protocol 0, which asyncio
leaves with Nagle's algorithm on)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from dashboard import nodelay


async def _hello(scope, receive, send) -> None:  # noqa: ANN001
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _server_side_nodelay() -> list[int]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # proto 0, as Streamlit's
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_hello, http="h11", lifespan="off", log_level="error"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(server.serve(sockets=[listener])), daemon=True
    )
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.recv(1024).startswith(b"HTTP/1.1 200")
            return [
                c.transport.get_extra_info("socket").getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY
                )
                for c in server.server_state.connections
            ]
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


def test_without_the_fix_such_a_socket_keeps_nagles_algorithm() -> None:
    # What made each file after the first on a kept-alive connection wait ~40 ms.
    from uvicorn.protocols.http.h11_impl import H11Protocol

    wrapped = H11Protocol.connection_made
    # Enabled already if the server module was imported earlier in this test process.
    H11Protocol.connection_made = getattr(wrapped, "__wrapped__", wrapped)  # type: ignore[method-assign]
    try:
        assert _server_side_nodelay() == [0]
    finally:
        H11Protocol.connection_made = wrapped  # type: ignore[method-assign]


def test_with_the_fix_every_connection_sends_at_once() -> None:
    assert nodelay.enable()
    assert nodelay.enable()  # twice changes nothing more
    assert _server_side_nodelay() == [1]


def test_nodelay_on_leaves_other_sockets_alone() -> None:
    assert not nodelay.nodelay_on(None)
    a, b = socket.socketpair()  # AF_UNIX: no Nagle to turn off
    with a, b:
        assert not nodelay.nodelay_on(a)
