"""A Streamlit session without a browser: the websocket protocol (`/_stcore/stream`) with the
protobuf messages that ship inside the streamlit package, as the browser's frontend speaks it.

The real server runs the real page scripts; one asyncio loop here holds hundreds of sessions
(a headless Chromium tab costs a core-second per page view, so eight of them measured the
browser, not the app). A page view is one `rerun_script` message with the page's name and query
string, as the frontend sends when a person opens a page or changes a control, answered by the
page's elements and `script_finished`. Where the page left a placeholder for a part drawn when
it comes near the screen (dashboard/near_view.py), the view goes on as the browser's does within
2,5 s: the placeholder says "near", and the fragment's rerun that draws the part ends the view."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect

# Alerts that say the store could not be read (the page's words for it).
ERROR_WORDS = ("Lỗi", "Không mở được", "đang được")
NEAR_COMPONENT = "xhht_near"  # dashboard/near_view.py's placeholder


@dataclass
class View:
    """One page view: when it was asked for and finished, what it showed, and any error."""

    start: float
    end: float
    texts: list[str] = field(default_factory=list)
    elements: int = 0
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class ProtocolSession:
    """One visitor's session on one server: connect(), then view() as often as wanted."""

    def __init__(self, url: str) -> None:
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws: ClientConnection | None = None
        # One view at a time: a second reader of the same socket would take the first one's
        # messages (websockets refuses it with ConcurrencyError). A view asked for while another
        # is under way starts when that one has ended, as a person's next click would.
        self._one_view = asyncio.Lock()

    async def connect(self, timeout: float = 60) -> None:
        self.ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,  # a loaded event loop must not close sessions for a late pong
            compression=None,
        )

    async def close(self) -> None:
        ws, self.ws = self.ws, None  # forgotten first: a close that fails leaves no socket in use
        if ws is not None:
            await ws.close()

    async def view(self, page: str, query: str = "", timeout: float = 60) -> View:
        """Run `page` (its URL path: "", "compare", "profile"…) with `query` to its end; timed
        from when this session's previous view has ended."""
        async with self._one_view:
            return await self._view(page, query, timeout)

    async def _view(self, page: str, query: str, timeout: float) -> View:
        start = time.monotonic()
        if self.ws is None:
            try:
                await self.connect(timeout)
            except Exception as exc:  # noqa: BLE001 — a failed view is counted, not raised
                return View(start, time.monotonic(), error=f"{type(exc).__name__}: {exc}"[:200])
        assert self.ws is not None
        out = View(start, start)
        deadline = start + timeout
        try:
            first = BackMsg(rerun_script=ClientState(query_string=query, page_name=page))
            near = await self._run(first, out, deadline)
            for part in near:  # what the browser asks for next
                await self._run(near_asked(part, page, query), out, deadline)
        except Exception as exc:  # noqa: BLE001 — a failed view is counted, not raised
            out.error = out.error or f"{type(exc).__name__}: {str(exc)[:200]}"
            # The socket may still hold this view's late messages: the next view starts a new
            # session rather than read them as its own.
            with contextlib.suppress(Exception):
                await self.close()
        out.end = time.monotonic()
        return out

    async def _run(self, msg: BackMsg, out: View, deadline: float) -> list[tuple[str, str]]:
        """One script run (the page's, or one fragment's) to its `script_finished`, its
        elements added to `out`; the placeholders it left, as (component id, fragment id)."""
        assert self.ws is not None
        await self.ws.send(msg.SerializeToString())
        near: list[tuple[str, str]] = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {deadline - out.start:g} s")
            fwd = ForwardMsg()
            fwd.ParseFromString(await _recv(self.ws, left))
            if run_message(fwd, lambda element: _element(element, out), near):
                return near


def run_message(
    msg: ForwardMsg,
    collect: Callable[[Any], None],
    near: list[tuple[str, str]],
) -> bool:
    """One message of a script run: a new element handed to `collect`, a placeholder for a part
    drawn when near added to `near`; True when the message ends the run."""
    kind = msg.WhichOneof("type")
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        collect(msg.delta.new_element)
        part = near_placeholder(msg.delta)
        if part is not None:
            near.append(part)
    return kind == "script_finished"


def near_placeholder(delta: Any) -> tuple[str, str] | None:  # noqa: ANN401 — a protobuf Delta
    """The (component id, fragment id) of the placeholder this delta puts on the page for a
    part drawn when near (dashboard/near_view.py), else None."""
    element = delta.new_element
    if (
        element.WhichOneof("type") == "bidi_component"
        and element.bidi_component.component_name == NEAR_COMPONENT
    ):
        return element.bidi_component.id, delta.fragment_id
    return None


def near_asked(part: tuple[str, str], page: str, query: str) -> BackMsg:
    """What the browser sends once that placeholder is near: its state "near", rerunning only
    the fragment that holds it (static/near_view.js, Streamlit's component state)."""
    component_id, fragment_id = part
    asked = WidgetState(id=component_id, json_value=json.dumps({"near": True}))
    return BackMsg(
        rerun_script=ClientState(
            query_string=query,
            page_name=page,
            fragment_id=fragment_id,
            widget_states=WidgetStates(widgets=[asked]),
        )
    )


async def _recv(ws: ClientConnection, timeout: float) -> bytes:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    return raw if isinstance(raw, bytes) else raw.encode()


def _element(element: Any, view: View) -> None:  # noqa: ANN401 — a protobuf Element
    view.elements += 1
    kind = element.WhichOneof("type")
    if kind == "exception":
        view.error = view.error or "exception: " + element.exception.message[:300]
        return
    if kind == "alert":
        body = element.alert.body
        if element.alert.format == element.alert.ERROR or any(w in body for w in ERROR_WORDS):
            view.error = view.error or "alert: " + body[:300]
    view.texts.extend(_strings(element))


def _strings(message: Any) -> list[str]:  # noqa: ANN401 — any protobuf message
    """Every text field of an element (markdown, HTML, a chart's JSON, a metric's label…)."""
    out: list[str] = []
    for descriptor, value in message.ListFields():
        if descriptor.type == descriptor.TYPE_STRING:
            out.extend(value if _repeated(descriptor) else [value])
        elif descriptor.type == descriptor.TYPE_MESSAGE:
            for item in value if _repeated(descriptor) else [value]:
                out.extend(_strings(item))
    return out


def _repeated(descriptor: Any) -> bool:  # noqa: ANN401
    return bool(descriptor.is_repeated)
