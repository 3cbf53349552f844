"""The waiting-room page: index.html, display.css and display.js, shipped as package data (no CDN, no external
fonts: a clinic without internet shows it too). `page()` is the one HTML document the server sends, with the
style and the script inlined, and the Content-Security-Policy that allows exactly those two."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from importlib.resources import files


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=1)
def page() -> tuple[str, str]:
    """(the HTML document, its Content-Security-Policy)."""
    css, js = _read("display.css"), _read("display.js")
    html = _read("index.html").replace("/*STYLE*/", css).replace("/*SCRIPT*/", js)
    policy = (
        "default-src 'none'; connect-src 'self'; img-src 'self' data:; "
        f"style-src {_sha256(css)}; script-src {_sha256(js)}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
    return html, policy
