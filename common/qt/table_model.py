"""`RowTableModel`: a QAbstractTableModel over plain row objects (usually the wire models), described by columns.

`set_rows()` replaces everything as one model reset (first load, a new filter). `upsert_rows()` applies a burst
of changes as the smallest set of signals — one insert for all new rows, `dataChanged` only for runs of rows
that really changed — so a view keeps its selection and scroll position. `sync_rows()` does the same for a full
refetch and also removes the rows that are gone. `SortRole` gives a sortable value (numbers stay numbers) and
the model sorts itself, so `QTableView.setSortingEnabled(True)` works without a proxy.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

SortRole = int(Qt.ItemDataRole.UserRole) + 1
RowRole = int(Qt.ItemDataRole.UserRole) + 2  # the row object itself

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # Column(alignment=RIGHT) for amounts
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: `getter(row)` is the value; `formatter(value)` the text shown (default `str`, "" for None);
    `alignment` defaults to right for numbers and left otherwise; `sort_key(row)` defaults to the value."""

    title: str
    getter: Callable[[R], Any]
    formatter: Callable[[Any], str] | None = None
    alignment: Qt.AlignmentFlag | None = None
    sort_key: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str | None] | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _sortable(value: Any) -> Any:
    """A value Qt can compare (a QSortFilterProxyModel compares in C++) and Python can order."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def _order_key(value: Any) -> tuple[int, Any]:
    """None sorts first; numbers and strings never get compared with each other."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return (2, str(value).casefold())


class RowTableModel(QAbstractTableModel, Generic[R]):
    SortRole = SortRole
    RowRole = RowRole

    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        key: Callable[[R], Hashable] = operator.attrgetter("id"),
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._key = key
        self._rows: list[R] = []
        self._positions: dict[Hashable, int] = {}

    # --- reading -----------------------------------------------------------------------------------------------

    @property
    def columns(self) -> list[Column[R]]:
        return list(self._columns)

    @property
    def rows(self) -> tuple[R, ...]:
        return tuple(self._rows)

    def row_at(self, row: int) -> R | None:
        """The row object at a row number, None past the end (a click on an empty area)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_for(self, index: Index) -> R | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def position_of(self, key: Hashable) -> int | None:
        return self._positions.get(key)

    def find(self, key: Hashable) -> R | None:
        pos = self._positions.get(key)
        return None if pos is None else self._rows[pos]

    # --- Qt model API ------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_for(index)
        if row is None or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.getter(row)
            return column.formatter(value) if column.formatter else _text(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._alignment(column, row))
        if role == SortRole:
            return _sortable(column.sort_key(row) if column.sort_key else column.getter(row))
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == RowRole:
            return row
        return None

    @staticmethod
    def _alignment(column: Column[R], row: R) -> Qt.AlignmentFlag:
        if column.alignment is not None:
            return column.alignment
        value = column.getter(row)
        numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        return RIGHT if numeric else LEFT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            alignment = self._columns[section].alignment if 0 <= section < len(self._columns) else None
            return int(alignment) if alignment is not None else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or len(self._rows) < 2:
            return
        spec = self._columns[column]
        keyfn = spec.sort_key or spec.getter
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_keys = [self._key(self._rows[i.row()]) for i in old_persistent]
        reverse = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=lambda r: _order_key(_sortable(keyfn(r))), reverse=reverse)
        self._reindex()
        new_indexes = [
            self.index(self._positions[k], i.column()) for k, i in zip(old_keys, old_persistent, strict=True)
        ]
        self.changePersistentIndexList(old_persistent, new_indexes)
        self.layoutChanged.emit()

    # --- writing -----------------------------------------------------------------------------------------------

    def _reindex(self) -> None:
        self._positions = {self._key(row): i for i, row in enumerate(self._rows)}

    def set_rows(self, rows: Iterable[R]) -> None:
        """Replace every row: one model reset."""
        self.beginResetModel()
        self._rows = _unique(rows, self._key)
        self._reindex()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def upsert_rows(self, rows: Iterable[R]) -> tuple[int, int]:
        """Insert new rows (at the end, one insert signal) and replace known ones (dataChanged only for the rows
        that differ, one signal per contiguous run). Returns (inserted, changed)."""
        changed: list[int] = []
        new: list[R] = []
        for row in _unique(rows, self._key):
            pos = self._positions.get(self._key(row))
            if pos is None:
                new.append(row)
            elif self._rows[pos] != row:
                self._rows[pos] = row
                changed.append(pos)
        self._emit_changed(changed)
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, row in enumerate(new):
                self._rows.append(row)
                self._positions[self._key(row)] = first + offset
            self.endInsertRows()
        return len(new), len(changed)

    def remove_keys(self, keys: Iterable[Hashable]) -> int:
        """Remove rows by key, one removal signal per contiguous run (from the bottom up)."""
        positions = sorted({self._positions[k] for k in keys if k in self._positions})
        for start, end in reversed(_runs(positions)):
            self.beginRemoveRows(QModelIndex(), start, end)
            del self._rows[start : end + 1]
            self.endRemoveRows()
        if positions:
            self._reindex()
        return len(positions)

    def sync_rows(self, rows: Iterable[R], *, keep_order: bool = True) -> tuple[int, int, int]:
        """Make the model hold exactly `rows` with minimal signals: a refetch that keeps the view's selection,
        current row and scroll position (never a model reset). Removed rows go, changed ones get dataChanged,
        new ones one insert; then, with `keep_order`, one layout change puts the rows in the order given
        (persistent indexes — the selection — follow their rows). Returns (inserted, changed, removed)."""
        fresh = _unique(rows, self._key)
        wanted = {self._key(r) for r in fresh}
        removed = self.remove_keys([k for k in self._positions if k not in wanted])
        inserted, changed = self.upsert_rows(fresh)
        if keep_order:
            self._reorder([self._key(r) for r in fresh])
        return inserted, changed, removed

    def _reorder(self, keys: list[Hashable]) -> None:
        if [self._key(r) for r in self._rows] == keys:
            return
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_keys = [self._key(self._rows[i.row()]) for i in old_persistent]
        self._rows = [self._rows[self._positions[k]] for k in keys]
        self._reindex()
        new_indexes = [
            self.index(self._positions[k], i.column()) for k, i in zip(old_keys, old_persistent, strict=True)
        ]
        self.changePersistentIndexList(old_persistent, new_indexes)
        self.layoutChanged.emit()

    def _emit_changed(self, positions: list[int]) -> None:
        last_column = max(0, len(self._columns) - 1)
        for start, end in _runs(sorted(positions)):
            self.dataChanged.emit(self.index(start, 0), self.index(end, last_column))


def _unique(rows: Iterable[R], key: Callable[[R], Hashable]) -> list[R]:
    """Rows with distinct keys; a later duplicate wins (it is the newer copy) but keeps the first one's place."""
    out: dict[Hashable, R] = {}
    for row in rows:
        out[key(row)] = row
    return list(out.values())


def _runs(sorted_positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for pos in sorted_positions:
        if runs and pos == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], pos)
        else:
            runs.append((pos, pos))
    return runs
