"""Dialog helpers: a form dialog that submits through an async handler and stays open on errors, and a
non-blocking confirmation (no QDialog.exec() inside a coroutine: dialogs are opened with open())."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot
from shiboken6 import isValid

from common.client import ApiError
from common.qt.async_tools import TaskKeeper
from common.qt.banner import human_message

log = logging.getLogger(__name__)
W = TypeVar("W", bound=QWidget)

ERROR_STYLE = "color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; padding: 6px;"
INVALID_STYLE = "border: 1px solid #c62828;"


class FormDialog(QDialog):
    """Fields in a QFormLayout; OK runs `submit()` (async). While it runs the buttons are disabled and a busy
    bar shows; a failure is shown in the dialog as a human message (the field at fault is outlined)."""

    succeeded = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None, *, ok_text: str = "Save") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(440)
        self.fields: dict[str, QWidget] = {}
        root = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        root.addLayout(self.form)
        self.extra = QVBoxLayout()
        root.addLayout(self.extra)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("dialog_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        root.addWidget(self.error_label)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("dialog_progress")
        self.progress.setRange(0, 0)  # indeterminate: "working"
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.progress.hide()
        root.addWidget(self.progress)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("dialog_ok")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("dialog_cancel")
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self.result_value: Any = None
        self._error_field: str | None = None  # the field the message shown is about
        # Background loads of the dialog (free times, visits): kept, and cancelled when it closes.
        self.tasks = TaskKeeper(on_error=self._task_failed)
        self.finished.connect(lambda _: self.tasks.cancel_all())

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self.tasks.spawn(coro)

    def _task_failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.show_error(human_message(exc))

    def add_field(self, name: str, label: str, widget: W) -> W:
        widget.setObjectName(f"field_{name}")
        self.fields[name] = widget
        self.form.addRow(label, widget)
        if isinstance(widget, QLineEdit):  # a message about this field goes once it is being corrected
            widget.textEdited.connect(lambda _=None, n=name: self._field_edited(n))
        return widget

    def _field_edited(self, name: str) -> None:
        if self._error_field == name:
            self.fields[name].setStyleSheet("")
            self.error_label.hide()
            self._error_field = None

    # --- to override ------------------------------------------------------------------------------------------

    def validate(self) -> tuple[str, str] | None:
        """Local checks before the server is asked: (field, message) or None."""
        return None

    async def submit(self) -> Any:
        raise NotImplementedError

    # --- machinery --------------------------------------------------------------------------------------------

    def show_error(self, message: str, field: str | None = None) -> None:
        self._error_field = field
        for widget in self.fields.values():
            widget.setStyleSheet("")
        if field and field in self.fields:
            self.fields[field].setStyleSheet(INVALID_STYLE)
            self.fields[field].setFocus()
        self.error_label.setText(message)
        self.error_label.show()

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.progress.setVisible(busy)

    @asyncSlot()
    async def _on_ok(self) -> None:
        await self.run_submit()

    async def run_submit(self) -> bool:
        """Validate, submit, and close on success; returns whether it succeeded (tests await this)."""
        problem = self.validate()
        if problem is not None:
            self.show_error(problem[1], problem[0])
            return False
        self.set_busy(True)
        try:
            self.result_value = await self.submit()
        except ApiError as exc:
            self.show_error(exc.message, exc.field)
            return False
        except Exception:
            log.exception("dialog submit failed")
            self.show_error("Something went wrong; please try again.")
            return False
        finally:
            self.set_busy(False)
        self.error_label.hide()
        self.succeeded.emit(self.result_value)
        self.on_success(self.result_value)
        return True

    def on_success(self, value: Any) -> None:
        """Close by default; a dialog with a next step (a receipt) overrides this."""
        self.accept()


def confirm(
    parent: QWidget,
    title: str,
    text: str,
    on_yes: Callable[[], Awaitable[Any] | None],
    *,
    yes_text: str = "Yes",
    name: str = "confirm_dialog",
) -> QMessageBox:
    """Ask a yes/no question without blocking; `on_yes` runs only when the user says yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.YesRole)
    yes.setObjectName("confirm_yes")
    no = box.addButton("No", QMessageBox.ButtonRole.NoRole)
    no.setObjectName("confirm_no")
    box.setDefaultButton(no)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _finished() -> None:
        if box.clickedButton() is yes:
            on_yes()

    box.finished.connect(_finished)
    box.open()
    return box
