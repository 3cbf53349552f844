"""The network side of the desktop apps, without Qt: `ApiClient` (HTTP) and `LiveEvents` (Socket.IO)."""

from common.client.api import ApiClient, EarningsFilters, normalize_url
from common.client.errors import ApiError

__all__ = ["ApiClient", "ApiError", "EarningsFilters", "normalize_url"]
