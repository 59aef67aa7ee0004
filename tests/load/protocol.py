"""A small asyncio client of Streamlit 1.67's browser protocol, for the load test: one :class:`Session` is one tab.

What a browser tab does, as far as the server can tell, and nothing more:

1. ``GET /_stcore/health`` sets the ``_streamlit_xsrf`` cookie (the app runs with XSRF protection on).
2. A websocket to ``/_stcore/stream`` with the subprotocols ``streamlit, <xsrf token>`` and the cookie and
   ``Origin`` headers (``web/server/starlette/starlette_websocket.py``).
3. A ``BackMsg.rerun_script`` (``ClientState``) starts each run: the query string, the page (``page_name`` = the
   URL path of a page opened from its address, ``page_script_hash`` = a page picked in the navigation, as
   ``st.navigation`` resolves them), the widget values that changed, and the hashes of the cached messages.
4. The server answers with ``ForwardMsg``\\s: ``new_session`` (a run starts; the first carries the session id),
   ``delta``\\s (the elements, each at its ``metadata.delta_path``), ``page_info_changed`` (the query string the
   app wrote), ``navigation`` (the pages and their hashes), and ``script_finished``. A delta the client said it
   has cached comes as a ``ref_hash``; the client keeps cacheable messages for ``MAX_CACHED_RUNS`` runs, as the
   frontend's ``ForwardMsgCache`` keeps them for ``global.maxCachedMessageAge`` runs.
5. An upload: ``BackMsg.file_urls_request`` → ``file_urls_response`` (an upload URL per file), an HTTP ``PUT``
   of the file as multipart form data with the ``X-Xsrftoken`` header, then the uploader's widget value
   (``FileUploaderState``) in the form's submit run.
6. A download button's file is a plain ``GET`` of its ``/media/…`` URL.

Widget values that did not change are not sent: the server keeps them from the previous run
(``SessionState``), which is what it also does with the values a browser sends unchanged. A page change is the
exception: it keeps only the values sent with it, so the caller sends those of the widgets that stay. A widget
is found in a run's deltas by its user key (``$$ID-<hash>-<key>``), so the ids need not be known beforehand.

This is test code: it speaks only to the loopback server the test started.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
# Runs a cached message survives unused (Streamlit's default ``global.maxCachedMessageAge``).
MAX_CACHED_RUNS = 2
# The run statuses that end what a rerun asked for; FINISHED_EARLY_FOR_RERUN (``st.rerun``, ``st.switch_page``)
# is followed by another run.
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
HTTP_TIMEOUT = 60


class ProtocolError(AssertionError):
    """The server answered in a way a browser would not have accepted (a failed request, a missing page …)."""


@dataclass
class Run:
    """One rerun as the client saw it: its elements by delta path, and every message's bytes."""

    seconds: float = 0.0
    status: int | None = None
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    payloads: list[bytes] = field(default_factory=list)

    def widgets(self, kind: str) -> Iterator[object]:
        """Every element of type ``kind`` (``"multiselect"``, ``"download_button"`` …), in delta order."""
        for path in sorted(self.elements):
            element = self.elements[path]
            if element.WhichOneof("type") == kind:
                yield getattr(element, kind)

    def widget(self, kind: str, key: str):
        """The element of type ``kind`` whose user key is ``key``; ``ProtocolError`` when the run drew none."""
        for element in self.widgets(kind):
            if element.id.endswith(f"-{key}"):
                return element
        raise ProtocolError(f"no {kind} with key {key!r} in the run")

    def alerts(self, format_: int) -> list[str]:
        return [e.alert.body for e in self.elements.values()
                if e.WhichOneof("type") == "alert" and e.alert.format == format_]

    def exceptions(self) -> list[str]:
        return [f"{e.exception.type}: {e.exception.message}" for e in self.elements.values()
                if e.WhichOneof("type") == "exception"]

    def contains(self, marker: str) -> bool:
        """True when any message of the run carries ``marker`` (texts, tables' Arrow bytes, labels …)."""
        needle = marker.encode()
        return any(needle in payload for payload in self.payloads)


def http(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         ) -> tuple[int, dict[str, str], bytes]:
    """One blocking HTTP request: (status, headers, body); ``ProtocolError`` on a status of 400 or more."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        raise ProtocolError(f"{method} {urlsplit(url).path}: HTTP {error.code} {error.read()[:200]!r}") from None


def multipart(field_name: str, file_name: str, mime: str, data: bytes) -> tuple[str, bytes]:
    """A ``multipart/form-data`` body with one file, and its content type, as a browser's ``FormData`` sends."""
    boundary = f"----duizhao{uuid.uuid4().hex}"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field_name}\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {mime}\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()


class Session:
    """One browser session: a websocket, its cookie, and the state a frontend keeps (URL, pages, cache)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session_id = ""
        self.xsrf = ""
        self.query_string = ""
        self.pages: dict[str, str] = {}  # url path name ("" for the default page) → page_script_hash
        self.page_hash = ""
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._run: Run | None = None
        self._done: asyncio.Future | None = None
        self._file_urls: dict[str, asyncio.Future] = {}
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash → (message, the run it was last used in)
        self._runs = 0
        self.closed_error: BaseException | None = None

    # --- connection ---------------------------------------------------------------------------------------

    async def open(self) -> None:
        """The health check that sets the XSRF cookie, then the websocket."""
        _, headers, _ = await asyncio.to_thread(http, "GET", f"{self.base_url}/_stcore/health")
        cookie = SimpleCookie(headers.get("set-cookie", ""))
        if XSRF_COOKIE not in cookie:
            raise ProtocolError(f"no {XSRF_COOKIE} cookie from /_stcore/health")
        self.xsrf = cookie[XSRF_COOKIE].value
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        self._socket = await connect(
            ws_url, subprotocols=["streamlit", self.xsrf], origin=self.base_url,
            additional_headers={"Cookie": f"{XSRF_COOKIE}={self.xsrf}"}, max_size=None, compression=None,
            open_timeout=HTTP_TIMEOUT)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                self._receive(data)
        except Exception as error:  # the socket failed: whoever waits for a run learns why
            self.closed_error = error
        finally:
            if self._done is not None and not self._done.done():
                self._done.set_exception(ProtocolError(f"websocket closed during a run: {self.closed_error}"))

    def _receive(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                raise ProtocolError(f"a reference to message {msg.ref_hash} that the client never cached")
            resolved = ForwardMsg()
            resolved.CopyFrom(cached[0])
            resolved.metadata.CopyFrom(msg.metadata)
            self._cache[msg.ref_hash] = (cached[0], self._runs)
            msg, kind, data = resolved, resolved.WhichOneof("type"), cached[0].SerializeToString()
        elif msg.metadata.cacheable:
            self._cache[msg.hash] = (msg, self._runs)
        run = self._run
        if run is not None:
            run.payloads.append(data)
        if kind == "new_session":
            self._started(msg)
        elif kind == "delta" and run is not None:
            path = tuple(msg.metadata.delta_path)
            if msg.delta.WhichOneof("type") == "new_element":
                run.elements[path] = msg.delta.new_element
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
            # The frontend's ``currentPageScriptHash``, sent with every rerun that picks no other page.
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_not_found":
            self._fail(ProtocolError(f"page not found: {msg.page_not_found.page_name!r}"))
        elif kind == "file_urls_response":
            waiting = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(msg.file_urls_response)
        elif kind == "script_finished" and run is not None:
            run.status = msg.script_finished
            if msg.script_finished in DONE and self._done is not None and not self._done.done():
                self._done.set_result(run)

    def _started(self, msg: ForwardMsg) -> None:
        if msg.new_session.HasField("initialize"):
            self.session_id = msg.new_session.initialize.session_id
        self._runs += 1
        if self._run is not None:
            # Every run of a request starts with new_session; after st.rerun or st.switch_page only the last
            # run's elements are on the page.
            self._run.elements.clear()

    def _fail(self, error: BaseException) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_exception(error)

    # --- runs ---------------------------------------------------------------------------------------------

    async def rerun(self, widgets: list[WidgetState] = (), *, page_name: str = "", page_hash: str | None = None,
                    query_string: str | None = None, timeout: float = 120.0) -> Run:
        """Ask for a run as the browser does and wait for it to finish; the run's elements and its seconds.

        ``page_name`` opens a page by its URL path (a link's address); ``page_hash`` picks one as the navigation
        does; neither stays on the page of the last run (``navigation.page_script_hash``). ``query_string``
        (without ``?``) replaces the URL's query.
        """
        if self._done is not None and not self._done.done():
            raise ProtocolError("a rerun was asked for while the previous one had not finished")
        state = ClientState(page_name=page_name, page_script_hash=self.page_hash if page_hash is None else page_hash,
                            query_string=self.query_string if query_string is None else query_string)
        state.widget_states.widgets.extend(widgets)
        # The frontend drops cached messages no run used for MAX_CACHED_RUNS runs, then names those it keeps.
        self._cache = {h: (m, used) for h, (m, used) in self._cache.items() if self._runs - used <= MAX_CACHED_RUNS}
        state.cached_message_hashes.extend(self._cache)
        if query_string is not None:
            self.query_string = query_string
        message = BackMsg(rerun_script=state)
        self._run, self._done = Run(), asyncio.get_running_loop().create_future()
        began = time.monotonic()
        await self._socket.send(message.SerializeToString())
        try:
            run = await asyncio.wait_for(self._done, timeout)
        except TimeoutError:
            raise ProtocolError(f"the run did not finish within {timeout:.0f} s") from None
        run.seconds = time.monotonic() - began
        return run

    # --- HTTP ---------------------------------------------------------------------------------------------

    async def download(self, url: str) -> bytes:
        """The file of a download button (its ``/media/…`` URL), as the browser fetches it on a click."""
        _, _, body = await asyncio.to_thread(http, "GET", self.base_url + url)
        return body

    async def upload(self, file_name: str, mime: str, data: bytes, timeout: float = 60.0) -> UploadedFileInfo:
        """Send one file the way a ``st.file_uploader`` does; returns the uploader's value for the file."""
        request_id = uuid.uuid4().hex
        waiting = asyncio.get_running_loop().create_future()
        self._file_urls[request_id] = waiting
        message = BackMsg()
        message.file_urls_request.request_id = request_id
        message.file_urls_request.session_id = self.session_id
        message.file_urls_request.file_names.append(file_name)
        await self._socket.send(message.SerializeToString())
        response = await asyncio.wait_for(waiting, timeout)
        if response.error_msg or not response.file_urls:
            raise ProtocolError(f"no upload URL for {file_name}: {response.error_msg!r}")
        urls: FileURLs = response.file_urls[0]
        content_type, body = multipart("file", file_name, mime, data)
        headers = {"Content-Type": content_type, "X-Xsrftoken": self.xsrf, "Cookie": f"{XSRF_COOKIE}={self.xsrf}",
                   "Origin": self.base_url}
        await asyncio.to_thread(http, "PUT", self.base_url + urls.upload_url, body, headers)
        info = UploadedFileInfo(name=file_name, size=len(data), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        return info


def string_array(widget_id: str, values: list[str]) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.string_array_value.data.extend(values)
    return state


def string_value(widget_id: str, value: str) -> WidgetState:
    return WidgetState(id=widget_id, string_value=value)


def trigger(widget_id: str) -> WidgetState:
    return WidgetState(id=widget_id, trigger_value=True)


def files(widget_id: str, infos: list[UploadedFileInfo]) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.file_uploader_state_value.uploaded_file_info.extend(infos)
    return state
