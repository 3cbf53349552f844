"""Local drafts of a consultation's notes and prescription, one small JSON file per visit.

Why a file per visit: the app may be killed at any moment in the consulting room; writing one tiny file is atomic
enough (write to a temp file, then rename) and never rewrites other visits' drafts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Draft:
    notes: str = ""
    prescription: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.notes and not self.prescription


class DraftStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, visit_id: int) -> Path:
        return self.directory / f"visit_{int(visit_id)}.json"

    def load(self, visit_id: int) -> Draft | None:
        path = self._path(visit_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(raw, dict):
            return None
        return Draft(notes=str(raw.get("notes", "")), prescription=str(raw.get("prescription", "")))

    def save(self, visit_id: int, draft: Draft) -> None:
        if draft.is_empty:
            self.clear(visit_id)
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(visit_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"notes": draft.notes, "prescription": draft.prescription}), encoding="utf-8")
        os.replace(tmp, path)

    def clear(self, visit_id: int) -> None:
        self._path(visit_id).unlink(missing_ok=True)
