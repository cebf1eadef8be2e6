"""Sends what the web server writes at once: TCP_NODELAY on each connection it accepts.

Streamlit binds its listening socket itself (`socket.socket(family, SOCK_STREAM)`, protocol 0)
and hands it to uvicorn. asyncio turns Nagle's algorithm off only for sockets whose protocol
is IPPROTO_TCP, so on these connections it stayed on: a response written in two parts (its
headers, then its body) held the body back until the browser acknowledged the headers, and
browsers acknowledge late (Linux delays an ACK up to 40 ms). Every file after the first on a
kept-alive connection took ~44 ms instead of ~1 ms, and Streamlit's page is some 70 files
fetched six at a time (bench/browser_views.py, "where the time went", in the README). The same
held back the small messages the app sends over its websocket."""

from __future__ import annotations

import socket
from typing import Any

_MARK = "_xhht_nodelay"


def nodelay_on(sock: Any) -> bool:  # noqa: ANN401 — a socket or asyncio's TransportSocket
    """Turn Nagle's algorithm off on a TCP socket; False for any other kind of socket."""
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # closed already: nothing to send
        return False
    return True


def _protocols() -> list[type]:
    """uvicorn's HTTP protocols present here (httptools' only when httptools is installed)."""
    found: list[type] = []
    try:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        found.append(H11Protocol)
    except ImportError:
        pass
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        found.append(HttpToolsProtocol)
    except ImportError:
        pass
    return found


def enable() -> bool:
    """Wrap uvicorn's HTTP protocols so each accepted connection gets TCP_NODELAY (a websocket
    keeps its connection's setting when it upgrades). Idempotent; False, changing nothing,
    when this uvicorn has none of them."""
    protocols = _protocols()
    for protocol in protocols:
        original = protocol.connection_made  # type: ignore[attr-defined]
        if getattr(original, _MARK, False):
            continue

        def connection_made(self: Any, transport: Any, _original: Any = original) -> None:  # noqa: ANN401
            nodelay_on(transport.get_extra_info("socket"))
            _original(self, transport)

        setattr(connection_made, _MARK, True)
        connection_made.__wrapped__ = original  # type: ignore[attr-defined]
        protocol.connection_made = connection_made  # type: ignore[attr-defined]
    return bool(protocols)
