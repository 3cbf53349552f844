"""The request machinery of ApiClient: one `httpx.AsyncClient`, tokens, a 401 refreshed once under a lock
(a burst of concurrent 401s refreshes once, then the request is retried once); every failure is an `ApiError`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from common.client.errors import ApiError
from common.events import ROOM_SEQ_HEADER, format_room_seqs
from common.schemas import (
    LoginRequest,
    Page,
    RefreshRequest,
    TokenPair,
    UserOut,
)
from common.version import CLIENT_VERSION_HEADER, client_version_header

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)
Params = dict[str, Any]

DEFAULT_TIMEOUT = 15.0


def normalize_url(url: str) -> str:
    """What a person types ("localhost:8000/") → what httpx wants ("http://localhost:8000")."""
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


def _validated(model: type[M], data: M | Mapping[str, Any]) -> M:
    """Validate locally, so a bad form or filter gives the same kind of error as a server 422."""
    try:
        return data if isinstance(data, model) else model.model_validate(dict(data))
    except ValidationError as exc:
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ApiError.from_response(422, {"detail": problems, "code": "invalid"}) from exc


def request_body(model: type[M], data: M | Mapping[str, Any], *, exclude_unset: bool = False) -> dict[str, Any]:
    return _validated(model, data).model_dump(mode="json", exclude_unset=exclude_unset)


def list_query(model: type[Q], query: Q | None, fields: Mapping[str, Any]) -> Params:
    """The query string of a list, from its query model (common.schemas, the same the server binds): `query` (or
    a fresh one) with `fields` set on top by name. A name the model does not have is a TypeError, like an unknown
    keyword argument; a bad value is an ApiError 422, like the server's."""
    unknown = set(fields) - set(model.model_fields)
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    data = {**(query.model_dump(exclude_unset=True) if query is not None else {}), **fields}
    return _validated(model, data).model_dump(mode="json", by_alias=True, exclude_none=True)


class Transport:
    """The session (tokens, login, refresh) and the request machinery every domain part of ApiClient uses."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=normalize_url(base_url),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            # the version handshake: an app too old for the server gets a 426 whose message says to update it
            headers={CLIENT_VERSION_HEADER: client_version_header()},
        )
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user: UserOut | None = None
        self.refresh_count = 0  # how many token refreshes happened (tests and diagnostics)
        self._refresh_lock = asyncio.Lock()
        self._session_expired_listeners: list[Callable[[], None]] = []
        self._token_listeners: list[Callable[[str | None], None]] = []
        # The last answer of each GET that came with an ETag: sent back as If-None-Match, reused on a 304.
        self._validated: dict[tuple[str, str], _Conditional] = {}
        self.not_modified_count = 0  # how many GETs the server answered 304 (tests and diagnostics)
        # The newest seq heard in each live room (common.client.live.LiveEvents sets it): sent with the refetch of
        # a list the server caches per room seq, so a server process that already built it answers from memory.
        self.room_seqs: Callable[[], dict[str, int]] | None = None

    # --- configuration and session ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._http.base_url = normalize_url(url)

    @property
    def is_logged_in(self) -> bool:
        return self.access_token is not None

    def on_session_expired(self, callback: Callable[[], None]) -> None:
        """Called when a refresh is refused: the app should ask the user to log in again."""
        self._session_expired_listeners.append(callback)

    def on_token_changed(self, callback: Callable[[str | None], None]) -> None:
        """Called with the new access token after login/refresh, and with None after logout."""
        self._token_listeners.append(callback)

    def _set_tokens(self, pair: TokenPair | None) -> None:
        self.access_token = pair.access_token if pair else None
        self.refresh_token = pair.refresh_token if pair else None
        if pair is None or self.user is None or pair.user.id != self.user.id:
            self._validated.clear()  # another user (or none): what the last one was shown is not theirs
        if pair is not None:
            self.user = pair.user
        for callback in list(self._token_listeners):
            try:
                callback(self.access_token)
            except Exception:  # a broken listener must not break the session
                log.exception("token listener failed")

    async def login(self, username: str, password: str) -> TokenPair:
        body = request_body(LoginRequest, {"username": username, "password": password})
        pair = await self._call(TokenPair, "POST", "/auth/login", json=body, authed=False)
        self._set_tokens(pair)
        return pair

    async def refresh(self) -> TokenPair:
        """Swap the refresh token for a new pair. A refused refresh ends the session (ApiError 401)."""
        if not self.refresh_token:
            raise ApiError(401, "You are not logged in", code="not_logged_in")
        body = request_body(RefreshRequest, {"refresh_token": self.refresh_token})
        try:
            pair = await self._call(TokenPair, "POST", "/auth/refresh", json=body, authed=False)
        except ApiError as exc:
            if exc.status == 401:
                self._expire_session()
                raise ApiError(401, "Your session has expired; please log in again", code="session_expired") from exc
            raise
        self.refresh_count += 1
        self._set_tokens(pair)
        return pair

    def _expire_session(self) -> None:
        self._set_tokens(None)
        for callback in list(self._session_expired_listeners):
            try:
                callback()
            except Exception:
                log.exception("session-expired listener failed")

    async def logout(self) -> None:
        """Forget the tokens (the server keeps no session to end)."""
        self._set_tokens(None)
        self.user = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- transport --------------------------------------------------------------------------------------------

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Params | None,
        json: Any,
        token: str | None,
        stream: bool,
        etag: str | None = None,
        room_seqs: bool = False,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if etag:
            headers["If-None-Match"] = etag
        seqs = self.room_seqs() if room_seqs and self.room_seqs is not None else None
        if seqs:
            headers[ROOM_SEQ_HEADER] = format_room_seqs(seqs)
        try:
            request = self._http.build_request(method, path, params=params, json=json, headers=headers)
            return await self._http.send(request, stream=stream)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ApiError(0, f"The server address “{self.base_url}” is not valid", code="bad_url") from exc
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise self._unreachable() from exc
            raise ApiError(0, f"The server at {self.base_url} did not answer in time", code="timeout") from exc
        except httpx.TransportError as exc:
            raise self._unreachable() from exc

    def _unreachable(self) -> ApiError:
        return ApiError(0, f"Cannot reach the server at {self.base_url}", code="unreachable")

    async def _refresh_after_401(self, used_token: str | None) -> None:
        async with self._refresh_lock:
            # Another request refreshed while this one waited for the lock: just use the new token.
            if self.access_token is not None and self.access_token != used_token:
                return
            await self.refresh()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        authed: bool = True,
        stream: bool = False,
        etag: str | None = None,
        room_seqs: bool = False,
    ) -> httpx.Response:
        """Send a request; on 401 refresh once and retry once; any error status → ApiError. `room_seqs`: tell the
        server the newest seq heard in each live room (a cached list's refetch)."""
        if authed and self.access_token is None and self.refresh_token is None:
            raise ApiError(401, "You are not logged in", code="not_logged_in")
        token = self.access_token if authed else None
        response = await self._send_once(
            method, path, params=params, json=json, token=token, stream=stream, etag=etag, room_seqs=room_seqs
        )
        if response.status_code == 401 and authed and self.refresh_token:
            await response.aclose()
            await self._refresh_after_401(token)
            response = await self._send_once(
                method,
                path,
                params=params,
                json=json,
                token=self.access_token,
                stream=stream,
                etag=etag,
                room_seqs=room_seqs,
            )
        if response.status_code >= 400:
            if stream:
                await response.aread()
                await response.aclose()
            try:
                body = response.json()
            except ValueError:
                body = None
            raise ApiError.from_response(response.status_code, body)
        return response

    async def _json(self, method: str, path: str, **kw: Any) -> Any:
        return (await self._json_validated(method, path, **kw))[0]

    async def _json_validated(self, method: str, path: str, **kw: Any) -> tuple[Any, _Conditional | None]:
        """The JSON answer; for a GET also the remembered answer it is (when the server said 304 or sent an
        ETag), so `_call` can reuse the model it parsed last time."""
        key = (path, repr(sorted((kw.get("params") or {}).items()))) if method == "GET" else None
        known = self._validated.get(key) if key is not None else None
        response = await self._send(method, path, etag=known.etag if known else None, **kw)
        if response.status_code == 304 and known is not None:
            self.not_modified_count += 1
            return known.data, known
        if response.status_code == 204 or not response.content:
            return None, None
        try:
            data = response.json()
        except ValueError as exc:
            raise ApiError(response.status_code, "The server sent an answer that could not be read") from exc
        etag = response.headers.get("etag")
        if key is not None and etag:
            known = self._validated[key] = _Conditional(etag, data)
            return data, known
        return data, None

    async def _call(self, model: type[M], method: str, path: str, **kw: Any) -> M:
        data, known = await self._json_validated(method, path, **kw)
        if known is None:
            return parse_model(model, data)
        parsed = known.models.get(model)
        if parsed is None:
            parsed = known.models[model] = parse_model(model, data)
        return parsed  # type: ignore[return-value]  # the cache keeps, for each model, an instance of it

    async def _page(self, model: type[M], path: str, params: Params, *, room_seqs: bool = False) -> Page[M]:
        """`room_seqs`: a list the server keeps per its room's seq (its lists of the desk and of a doctor): send
        the seqs heard, so a list built at them is answered from memory."""
        data = await self._json("GET", path, params=params, room_seqs=room_seqs)
        if isinstance(data, list):  # a route that is not paginated: present it as one page
            data = {"items": data, "page": 1, "per_page": len(data), "total": len(data)}
        return parse_model(Page[model], data)  # type: ignore[valid-type]  # a runtime class: Page[model] is Page[M]

    async def _list(self, model: type[M], path: str, params: Params | None = None) -> list[M]:
        data = await self._json("GET", path, params=params)
        if isinstance(data, dict) and "items" in data:  # a paginated route: take its items
            data = data["items"]
        if not isinstance(data, list):
            raise ApiError(200, "The server sent an unexpected answer", code="bad_response")
        return [parse_model(model, item) for item in data]


class _Conditional:
    """One GET's last answer: its ETag, the JSON, and the models parsed from it."""

    __slots__ = ("data", "etag", "models")

    def __init__(self, etag: str, data: Any) -> None:
        self.etag = etag
        self.data = data
        self.models: dict[type, BaseModel] = {}


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        log.error("unexpected %s from the server: %s", model.__name__, exc)
        raise ApiError(200, "The server sent an unexpected answer", code="bad_response") from exc
