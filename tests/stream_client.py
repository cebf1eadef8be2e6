"""A raw client of Streamlit's WebSocket (`/_stcore/stream`), as a visitor without a browser
would write one: it runs a page with the cookies it is given, collects what the page sends (text,
download buttons, deferred-download ids), and asks the server for a deferred download by id."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, BackMsg, DeferredFileRequestPayload
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from bench.protocol import near_asked, run_message


@dataclass
class Run:
    texts: list[str] = field(default_factory=list)
    media_urls: list[str] = field(default_factory=list)  # download buttons' ready files
    deferred_ids: list[str] = field(default_factory=list)  # download buttons' files made on click


class StreamClient:
    def __init__(self, url: str, cookies: dict[str, str] | None = None) -> None:
        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        self._connection = connect(
            ws_url,
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=None,
            open_timeout=30,
        )
        self.ws = self._connection.__enter__()
        self.session_id = ""

    def close(self) -> None:
        self._connection.__exit__(None, None, None)

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, msg: BackMsg) -> None:
        self.ws.send(msg.SerializeToString())

    def _receive(self, deadline: float) -> ForwardMsg:
        raw = self.ws.recv(timeout=max(0.1, deadline - time.monotonic()))
        msg = ForwardMsg()
        msg.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
        if msg.WhichOneof("type") == "new_session":
            self.session_id = msg.new_session.initialize.session_id
        return msg

    def run_page(self, page: str, query: str = "", timeout: float = 120) -> Run:
        """Run `page` (its URL path: "", "profile", "export"…) to its end, and the parts it
        draws when near (dashboard/near_view.py) as the browser asks for them; what it sent."""
        run = Run()
        deadline = time.monotonic() + timeout
        page = page or ""
        near = self._run(
            BackMsg(rerun_script=ClientState(query_string=query, page_name=page)), run, deadline
        )
        for part in near:
            self._run(near_asked(part, page, query), run, deadline)
        return run

    def _run(self, msg: BackMsg, run: Run, deadline: float) -> list[tuple[str, str]]:
        """One script run to its end; the placeholders it left (bench.protocol.run_message)."""
        self._send(msg)
        near: list[tuple[str, str]] = []
        while not run_message(self._receive(deadline), lambda e: _collect(e, run), near):
            pass
        return near

    def deferred_file(self, file_id: str, timeout: float = 120) -> tuple[str, str]:
        """Ask for a deferred download: (the file's URL, "") or ("", the server's refusal)."""
        request_id = uuid.uuid4().hex
        self._send(
            BackMsg(
                backend_operation_request=BackendOperationRequest(
                    request_id=request_id,
                    session_id=self.session_id,
                    deferred_file=DeferredFileRequestPayload(file_id=file_id),
                )
            )
        )
        deadline = time.monotonic() + timeout
        while True:
            msg = self._receive(deadline)
            if msg.WhichOneof("type") != "backend_operation_response":
                continue
            answer = msg.backend_operation_response
            if answer.request_id != request_id:
                continue
            return answer.deferred_file.url, answer.error_msg


def _collect(element: Any, run: Run) -> None:  # noqa: ANN401 — a protobuf Element
    kind = element.WhichOneof("type")
    if kind == "markdown":
        run.texts.append(element.markdown.body)
    elif kind == "heading":
        run.texts.append(element.heading.body)
    elif kind == "alert":
        run.texts.append(element.alert.body)
    elif kind == "download_button":
        button = element.download_button
        if button.HasField("deferred_file_id"):
            run.deferred_ids.append(button.deferred_file_id)
        elif button.url:
            run.media_urls.append(button.url)
