"""Call a waiting patient, optionally to a room (the doctor's last room is offered again)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from client_reception.viewmodels.board import BoardCard, BoardViewModel
from client_reception.views.forms import FormDialog


class CallDialog(FormDialog):
    def __init__(self, vm: BoardViewModel, card: BoardCard, parent: QWidget | None = None) -> None:
        super().__init__("Call patient", parent, ok_text="Call")
        self.setObjectName("call_dialog")
        self.setMinimumWidth(360)
        self.vm = vm
        self.visit_id = card.id  # bound to this visit, whatever is selected meanwhile
        entry = card.entry
        who = QLabel(f"#{entry.queue_number}  {entry.patient.full_name}  —  {entry.doctor.full_name}", self)
        who.setObjectName("call_who")
        who.setStyleSheet("font-weight: bold;")
        who.setWordWrap(True)
        self.form.addRow(who)
        self.room = self.add_field("room", "Room (optional)", QLineEdit(self))
        self.room.setMaxLength(40)
        self.room.setPlaceholderText("e.g. Room 2")
        self.room.setText(vm.room_for(entry.doctor.id))
        self.room.selectAll()

    async def submit(self) -> Any:
        return await self.vm.call(self.visit_id, self.room.text())
