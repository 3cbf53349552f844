"""RowTableModel: passes Qt's model tester; a burst of changes is applied with minimal signals, not resets."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from common.qt.formatting import format_money
from common.qt.table_model import Column, RowTableModel, SortRole


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    amount: Decimal
    when: datetime | None


T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
COLUMNS = [
    Column("Name", lambda r: r.name),
    Column("Amount", lambda r: r.amount, formatter=format_money),
    Column("When", lambda r: r.when, formatter=lambda v: v.strftime("%H:%M") if v else "—"),
]


def rows(n: int, start: int = 1) -> list[Row]:
    return [
        Row(i, f"patient {i:03d}", Decimal(i) * Decimal("10.5"), T0 + timedelta(minutes=i))
        for i in range(start, n + start)
    ]


class Signals:
    def __init__(self, model: RowTableModel) -> None:
        self.resets = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.changed: list[tuple[int, int]] = []
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda _p, first, last: self.inserted.append((first, last)))
        model.rowsRemoved.connect(lambda _p, first, last: self.removed.append((first, last)))
        model.dataChanged.connect(lambda tl, br, *_: self.changed.append((tl.row(), br.row())))

    def _reset(self) -> None:
        self.resets += 1


@pytest.fixture
def model(qapp) -> RowTableModel[Row]:
    return RowTableModel(COLUMNS)


def test_model_passes_qt_model_tester(qtmodeltester, model):
    model.set_rows(rows(20))
    qtmodeltester.check(model, force_py=True)
    model.upsert_rows([replace(rows(1)[0], name="changed"), *rows(3, start=21)])
    model.sync_rows(rows(10, start=5))
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_display_alignment_and_sort_roles(model):
    model.set_rows([Row(1, "Ada", Decimal("1234.5"), None)])
    assert [model.data(model.index(0, c)) for c in range(3)] == ["Ada", "1,234.50", "—"]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Amount"
    right = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)
    assert model.data(model.index(0, 1), SortRole) == 1234.5  # a number, so a proxy sorts it as one
    assert model.data(model.index(0, 1), RowTableModel.RowRole) == model.row_at(0)


def test_set_rows_is_one_reset(model):
    seen = Signals(model)
    model.set_rows(rows(50))
    assert seen.resets == 1 and not seen.inserted and not seen.changed
    assert model.rowCount() == 50


def test_a_burst_of_new_rows_is_one_insert(model):
    model.set_rows(rows(5))
    seen = Signals(model)
    assert model.upsert_rows(rows(10, start=6)) == (10, 0)
    assert seen.resets == 0
    assert seen.inserted == [(5, 14)]
    assert model.rowCount() == 15 and model.find(14).name == "patient 014"


def test_changed_rows_signal_only_themselves_in_runs(model):
    model.set_rows(rows(10))
    seen = Signals(model)
    current = list(model.rows)
    burst = [
        replace(current[2], name="x"),
        replace(current[3], amount=Decimal("1")),
        current[5],  # unchanged: no signal
        replace(current[8], when=None),
        *rows(2, start=11),
    ]
    assert model.upsert_rows(burst) == (2, 3)
    assert seen.resets == 0
    assert seen.changed == [(2, 3), (8, 8)]
    assert seen.inserted == [(10, 11)]
    assert model.data(model.index(8, 2)) == "—"


def test_sync_removes_missing_rows_and_keeps_the_rest_in_place(model):
    model.set_rows(rows(10))
    keep = QPersistentModelIndex(model.index(6, 0))  # id 7
    seen = Signals(model)
    fresh = [r for r in rows(12) if r.id not in (2, 3, 9)]
    assert model.sync_rows(fresh) == (2, 0, 3)
    assert seen.resets == 0
    assert seen.removed == [(8, 8), (1, 2)]  # bottom-up, one signal per run
    assert [r.id for r in model.rows] == [1, 4, 5, 6, 7, 8, 10, 11, 12]
    assert keep.isValid() and model.row_for(keep).id == 7


def test_sort_keeps_persistent_indexes(model):
    data = rows(5)
    data[2] = replace(data[2], amount=Decimal("999"))
    model.set_rows(data)
    selected = QPersistentModelIndex(model.index(2, 0))  # id 3, the biggest amount
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert [r.id for r in model.rows] == [3, 5, 4, 2, 1]
    assert selected.row() == 0 and model.row_for(selected).id == 3
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in model.rows] == [1, 2, 3, 4, 5]
    assert model.position_of(4) == 3


def test_duplicates_in_one_burst_keep_the_last_copy(model):
    model.upsert_rows([Row(1, "old", Decimal(1), None), Row(1, "new", Decimal(1), None)])
    assert model.rowCount() == 1 and model.row_at(0).name == "new"
