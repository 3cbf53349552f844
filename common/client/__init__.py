"""The network side of the desktop apps, without Qt: `ApiClient` (HTTP) and `LiveEvents` (Socket.IO)."""

from common.client.api import ApiClient, normalize_url
from common.client.errors import ApiError
from common.client.live import (
    CONNECTED,
    OFFLINE,
    RECONNECTING,
    ConnectionState,
    LiveAuthError,
    LiveEvents,
    LiveListener,
)

__all__ = [
    "CONNECTED",
    "OFFLINE",
    "RECONNECTING",
    "ApiClient",
    "ApiError",
    "ConnectionState",
    "LiveAuthError",
    "LiveEvents",
    "LiveListener",
    "normalize_url",
]
