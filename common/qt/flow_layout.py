"""`FlowLayout`: widgets laid out left to right that wrap onto the next line when the width runs out, so a toolbar
never forces a window wider than one of its widgets (Qt's flow-layout example, typed)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6, margins: int = 0) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(QMargins(margins, margins, margins, margins))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def widgets(self) -> list[QWidget]:
        return [w for item in self._items if (w := item.widget()) is not None]

    def set_widgets(self, widgets: Sequence[QWidget]) -> None:
        """Hold exactly `widgets`, in this order: the ones already here keep their place in Qt (no re-parenting,
        no new item), new ones are added, the others are taken out (neither hidden nor deleted: the caller's).
        One relayout, however many changed: a live list updates the cards that changed, not all of them."""
        wanted = {id(w) for w in widgets}
        for widget in [w for w in self.widgets() if id(w) not in wanted]:
            self.removeWidget(widget)
        have = {id(w) for w in self.widgets()}
        for widget in widgets:
            if id(widget) not in have:
                self.addWidget(widget)
        order = {id(w): i for i, w in enumerate(widgets)}
        self._items.sort(key=lambda item: order.get(id(item.widget()), -1))
        self.invalidate()

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        m = self.contentsMargins()
        visible = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in visible) + self.spacing() * max(0, len(visible) - 1)
        height = max((i.sizeHint().height() for i in visible), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item: anything narrower wraps."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Lines of items, each item centred vertically in its line; returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        gap = self.spacing()
        lines: list[list[tuple[QLayoutItem, int, int]]] = [[]]  # (item, width, height)
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), area.width()) if area.width() > 0 else hint.width()
            width = max(width, item.minimumSize().width())
            if x + width > area.right() + 1 and lines[-1]:  # wrap
                lines.append([])
                x = area.x()
            lines[-1].append((item, width, hint.height()))
            x += width + gap
        y = area.y()
        for line in lines:
            height = max((h for _, _, h in line), default=0)
            x = area.x()
            for item, width, item_height in line:
                if apply:
                    item.setGeometry(QRect(QPoint(x, y + (height - item_height) // 2), QSize(width, item_height)))
                x += width + gap
            y += height + gap
        used = y - gap if any(lines) else y
        return used - rect.y() + m.bottom()


def flow_widget(parent: QWidget, *widgets: QWidget, name: str = "", spacing: int = 6) -> QWidget:
    """A container whose widgets wrap onto more lines when narrow."""
    box = QWidget(parent)
    if name:
        box.setObjectName(name)
    layout = FlowLayout(box, spacing=spacing)
    for widget in widgets:
        layout.addWidget(widget)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    box.setSizePolicy(policy)
    return box


def labelled(parent: QWidget, text: str, widget: QWidget) -> QWidget:
    """A label and its widget kept together on one line of a flow (they wrap as one)."""
    pair = QWidget(parent)
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    row.addWidget(QLabel(text, pair))
    row.addWidget(widget)
    return pair
