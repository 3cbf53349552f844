"""A read-only table fed page by page from the server, behind Qt's canFetchMore/fetchMore.

Why: a doctor's earnings may reach 100 000 rows; only the pages the user scrolled to live in memory, and the view
asks for the next one as it nears the end. A `generation` number tags each result set, so a page that arrives
after the filters changed is dropped instead of mixing two result sets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Col(Generic[R]):
    title: str
    text: Callable[[R], str]
    right: bool = False  # numbers align right


class PagedTableModel(QAbstractTableModel, Generic[R]):
    more_wanted = Signal()  # the view wants the next page: the view-model fetches it

    def __init__(self, columns: Sequence[Col[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []
        self.total = 0
        self.generation = 0
        self.loading = False

    # --- Qt interface ---------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self.columns)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self.columns)):
            return None
        row, col = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return row
        return None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.loading and len(self._rows) < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.loading = True  # one page request at a time
            self.more_wanted.emit()

    # --- fed by the view-model ------------------------------------------------------------------------------

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def reset(self, items: Sequence[R], total: int) -> int:
        """A new result set (filters changed): one model reset. Returns the new generation."""
        self.beginResetModel()
        self.generation += 1
        self._rows = list(items)
        self.total = total
        self.loading = False
        self.endResetModel()
        return self.generation

    def append_page(self, generation: int, items: Sequence[R], total: int) -> bool:
        """Append a page if it belongs to the current result set; a stale page is ignored."""
        if generation != self.generation:
            return False
        self.loading = False
        # An empty page before the announced end means rows went away meanwhile: stop asking for more.
        self.total = total if items else len(self._rows)
        if items:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self._rows.extend(items)
            self.endInsertRows()
        return True

    def page_failed(self, generation: int) -> None:
        if generation == self.generation:
            self.loading = False
