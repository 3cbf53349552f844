"""The waiting-room display: its tokens (admin) and the screen itself, opened with a display token instead of a
staff login (`?token=`): the page, its state, and its Server-Sent Events stream. The rules live in
services/display.py, the stream in realtime/display.py."""

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from common.schemas import DisplayState, DisplayTokenCreate, DisplayTokenCreated, DisplayTokenOut
from server import display as display_page
from server.api.deps import AdminUser, Id, SessionDep
from server.api.responses import COMMON, refusals
from server.core.errors import DomainError
from server.realtime.display import DisplayHub
from server.services import display as display_service

tokens_router = APIRouter(prefix="/display-tokens", tags=["display"])
router = APIRouter(prefix="/display", tags=["display"])

Token = Annotated[str, Query(max_length=200, description="the display token an administrator created")]
SCREEN_REFUSALS = refusals(
    {
        401: "the token does not open this clinic's display (unknown, another clinic's, or no such clinic)",
        403: "the display token was revoked",
    }
)
# The page answers a refusal as JSON, or as the page itself to a browser: both documented, for every status.
_ERROR_REF = {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the waiting-room page", "content": {"text/html": {"schema": {"type": "string"}}}},
    **{
        code: {
            "description": answer["description"],
            "content": {"application/json": _ERROR_REF, "text/html": {"schema": {"type": "string"}}},
        }
        for code, answer in {**COMMON, **SCREEN_REFUSALS}.items()
    },
}
# The token rides in the URL: never cached, never sent on as a Referer.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


def _hub(request: Request) -> DisplayHub:
    return cast(DisplayHub, request.app.state.display_hub)  # set by create_app


# --- tokens (admin) ------------------------------------------------------------------------------------------


@tokens_router.post("", response_model=DisplayTokenCreated, status_code=status.HTTP_201_CREATED)
def create_display_token(body: DisplayTokenCreate, session: SessionDep, me: AdminUser) -> DisplayTokenCreated:
    """A display token for one clinic's screen. The answer is the only time the token is shown."""
    return display_service.create_token(session, actor=me, data=body)


@tokens_router.get("", response_model=list[DisplayTokenOut])
def list_display_tokens(
    session: SessionDep, _: AdminUser, clinic_id: Annotated[Id | None, Query()] = None
) -> list[DisplayTokenOut]:
    return display_service.list_tokens(session, clinic_id=clinic_id)


@tokens_router.delete("/{token_id}", response_model=DisplayTokenOut)
def revoke_display_token(token_id: Id, request: Request, session: SessionDep, _: AdminUser) -> DisplayTokenOut:
    """Revokes the token; the screens open with it are refused at once."""
    out = display_service.revoke_token(session, token_id=token_id)
    _hub(request).revoked(out.id)
    return out


# --- the screen (display token) ------------------------------------------------------------------------------


@router.get(
    "/{clinic_id}",
    response_class=HTMLResponse,
    responses=PAGE_RESPONSES,
)
def display_page_html(clinic_id: Id, request: Request, session: SessionDep, token: Token = "") -> Response:
    """The waiting-room page for a TV or a browser in kiosk mode. A refused token answers its status: as JSON,
    or, to a browser (Accept: text/html), as the page itself, which shows why."""
    html, policy = display_page.page()
    headers = {**PRIVATE, "Content-Security-Policy": policy}
    try:
        display_service.check_token(session, clinic_id=clinic_id, token=token)
    except DomainError as exc:
        if "text/html" not in request.headers.get("accept", ""):
            raise
        return HTMLResponse(html, status_code=exc.status_code, headers=headers)
    return HTMLResponse(html, headers=headers)


@router.get("/{clinic_id}/state", response_model=DisplayState, responses=SCREEN_REFUSALS)
def display_state(clinic_id: Id, response: Response, session: SessionDep, token: Token = "") -> DisplayState:
    """What the screen shows: the numbers being served (with doctor and room), the next numbers. Never a
    patient's name; initials only when the clinic allows them."""
    display_service.check_token(session, clinic_id=clinic_id, token=token)
    response.headers.update(PRIVATE)
    return display_service.display_state(session, clinic_id=clinic_id)


@router.get(
    "/{clinic_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-Sent Events: the DisplayState JSON on connect and on every change; a heartbeat "
            "comment every 15 s; a `refused` event (an error body) when the token is revoked",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **SCREEN_REFUSALS,
        **refusals({429: "this token already holds the most screens one token may (see MAX_STREAMS_PER_TOKEN)"}),
    },
)
async def display_events(clinic_id: Id, request: Request, token: Token = "") -> StreamingResponse:
    hub = _hub(request)
    token_id = await run_in_threadpool(hub.check, clinic_id, token)  # blocking: never on the event loop
    hub.admit(token_id)  # 429 beyond the screens one token may hold open
    return StreamingResponse(
        hub.stream(clinic_id, token, token_id),
        media_type="text/event-stream",
        headers={**PRIVATE, "X-Accel-Buffering": "no"},
    )
