"""`PagedTableModel`: a RowTableModel fed page by page from the server, behind Qt's canFetchMore/fetchMore.

Why: a doctor's earnings may reach 100 000 rows; only the pages the user scrolled to live in memory, and the view
asks for the next one as it nears the end (`more_wanted`; the view-model fetches it). A `generation` number tags
each result set, so a page that arrives after the filters changed is dropped instead of mixing two result sets.
Same columns, same row role, same sorting as every other table of the kit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal

from common.qt.table_model import Column, RowTableModel

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex


class PagedTableModel(RowTableModel[R]):
    more_wanted = Signal()  # the view wants the next page

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None, *, key: Callable[[R], Hashable] = id) -> None:
        # Server pages may hold rows without a common id (earnings groups): by default rows are told apart by
        # identity; give `key` (e.g. the row's id) to refresh a page with `sync_page` and keep the selection.
        super().__init__(columns, key=key, parent=parent)
        self.total = 0
        self.generation = 0
        self.loading = False

    @property
    def loaded(self) -> int:
        return self.rowCount()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.loading and self.loaded < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.loading = True  # one page request at a time
            self.more_wanted.emit()

    def reset(self, items: Sequence[R], total: int) -> int:
        """A new result set (filters changed): one model reset. Returns the new generation."""
        self.generation += 1
        self.total = total
        self.loading = False
        self.set_rows(items)
        return self.generation

    def sync_page(self, items: Sequence[R], total: int) -> None:
        """The same result set fetched again (a live event): the first page is applied row by row (`sync_rows`),
        so the selection and the current row stay; pages beyond it are fetched again as the view scrolls."""
        self.total = total
        self.loading = False
        self.sync_rows(items)

    def append_page(self, generation: int, items: Sequence[R], total: int) -> bool:
        """Append a page if it belongs to the current result set; a stale page is ignored."""
        if generation != self.generation:
            return False
        self.loading = False
        # An empty page before the announced end means rows went away meanwhile: stop asking for more.
        self.total = total if items else self.loaded
        self.upsert_rows(items)
        return True

    def page_failed(self, generation: int) -> None:
        if generation == self.generation:
            self.loading = False
