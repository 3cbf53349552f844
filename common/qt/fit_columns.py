"""Keep a table's columns inside its width (no sideways scrolling), for tables that sit in a narrow column of a
page (the doctor's previous visits, a visit's payments and timeline at 800 px).

Short columns (dates, amounts, statuses) get their content width; the text columns (notes, what happened) share
what is left in proportion to their contents and wrap. When even the short columns do not fit, every column
shrinks in proportion and wraps, down to a floor, rather than pushing columns out of sight. Re-fitted when the
table's viewport is resized or its rows change (once per event-loop turn, however many signals came).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

MIN_COLUMN = 44  # a column narrower than this shows a letter or two per line
MIN_TEXT_COLUMN = 100


class FitColumns(QObject):
    def __init__(self, table: QTableView, *, text_columns: Sequence[int] = ()) -> None:
        super().__init__(table)
        self.table = table
        self.text_columns = tuple(text_columns)
        table.setWordWrap(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(MIN_COLUMN)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # a squeezed title reads "Prescr…", not "script"
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._pending = False
        table.viewport().installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged, model.layoutChanged):
            signal.connect(self.fit_soon)
        self.fit_soon()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Resize:
            self.fit_soon()
        return False

    def fit_soon(self, *_: object) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.fit)

    def widths(self, available: int) -> list[int]:
        """Each column's width for a viewport `available` px wide (summing to it, give or take rounding)."""
        table, header = self.table, self.table.horizontalHeader()
        count = table.model().columnCount()
        natural = [max(table.sizeHintForColumn(c), header.sectionSizeHint(c), MIN_COLUMN) for c in range(count)]
        text = [c for c in self.text_columns if c < count]
        short = [c for c in range(count) if c not in text]
        widths = list(natural)
        short_total = sum(natural[c] for c in short)
        room_for_text = MIN_TEXT_COLUMN * len(text)
        if short_total + room_for_text > available:  # even the short columns must give: all shrink and wrap
            scale = max(available - room_for_text, 0) / short_total if short_total else 1.0
            for c in short:
                widths[c] = max(MIN_COLUMN, int(natural[c] * scale))
        left = available - sum(widths[c] for c in short)
        if text:
            text_total = sum(natural[c] for c in text) or 1
            for c in text:
                widths[c] = max(
                    MIN_TEXT_COLUMN if left >= room_for_text else MIN_COLUMN, left * natural[c] // text_total
                )
        elif short and left > 0:  # no text column: the last one takes the rest
            widths[short[-1]] += left
        return widths

    def fit(self) -> None:
        self._pending = False
        if self.table.model() is None:
            return
        for column, width in enumerate(self.widths(self.table.viewport().width())):
            self.table.setColumnWidth(column, width)
        self.table.resizeRowsToContents()
