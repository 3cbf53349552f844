"""The doctor window without a mouse: Ctrl+1…4 open the sections, Ctrl+Enter completes the open consultation
(asking first), Ctrl+N calls the next patient, Esc and Alt+Left go back (Esc first closes what is open over
the page: the confirm bar, the schedule's details)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from client_doctor.views.today import CALL_NEXT_KEY

if TYPE_CHECKING:
    from client_doctor.views.main_window import DoctorMainWindow


class WindowKeys(QObject):
    def __init__(self, window: DoctorMainWindow, sections: int, today: int) -> None:
        super().__init__(window)
        self.window = window
        self.today = today
        for i in range(sections):
            QShortcut(QKeySequence(f"Ctrl+{i + 1}"), window).activated.connect(lambda i=i: window.nav.setCurrentRow(i))
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), window).activated.connect(self.complete)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), window).activated.connect(self.escape)
        QShortcut(QKeySequence("Alt+Left"), window).activated.connect(self.go_back)
        QShortcut(QKeySequence(CALL_NEXT_KEY), window).activated.connect(self.call_next)

    def complete(self) -> None:
        if self.window.in_consultation:
            self.window.consultation_view.ask_complete()

    def call_next(self) -> None:
        w = self.window
        if not w.consultation_open and not w.in_record:
            w.nav.setCurrentRow(self.today)
            w.today_vm.call_next()

    def go_back(self) -> None:
        w = self.window
        if w.in_record:
            w.record_back()
        elif w.in_consultation:
            w.back()

    def escape(self) -> None:
        w = self.window
        if w.in_record:
            w.record_back()
            return
        if w.stack.currentWidget() is w.schedule_view and w.schedule_view.details.isVisible():
            w.schedule_vm.hide_details()
            return
        if not w.in_consultation:
            return
        if w.consultation_view.confirm_bar.isVisible():
            w.consultation_view.cancel_confirm()
        else:
            w.back()
