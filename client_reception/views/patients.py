"""Patients screen: debounced search, register, edit."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from client_reception.viewmodels.patients import PatientsViewModel
from client_reception.views.common import busy_bar, heading, selected_row, table
from client_reception.views.patient_dialog import PatientDialog
from common.schemas import PatientCreate, PatientOut, PatientUpdate


class PatientsView(QWidget):
    def __init__(self, vm: PatientsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setObjectName("patients_view")
        root = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Patients", self))
        top.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setObjectName("patients_search")
        self.search.setPlaceholderText("Search by name or phone…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        top.addWidget(self.search)
        root.addLayout(top)
        self.busy = busy_bar("patients_busy", self)
        root.addWidget(self.busy)
        self.table = table("patients_table", vm.model, self)
        root.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel(self)
        self.count.setObjectName("patients_count")
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        self.register_button = QPushButton("Register patient…", self)
        self.register_button.setObjectName("patients_register")
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setObjectName("patients_edit")
        bottom.addWidget(self.register_button)
        bottom.addWidget(self.edit_button)
        root.addLayout(bottom)
        self.dialog: PatientDialog | None = None

        self.search.textChanged.connect(vm.set_text)
        self.register_button.clicked.connect(self.open_register)
        self.edit_button.clicked.connect(self.open_edit)
        self.table.doubleClicked.connect(lambda _: self.open_edit())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        vm.model.modelReset.connect(self._update_buttons)
        vm.results_changed.connect(self._show_count)
        vm.busy_changed.connect(self.busy.setVisible)
        self._update_buttons()

    def _show_count(self) -> None:
        shown = self.vm.model.rowCount()
        self.count.setText(f"{shown} of {self.vm.total} patients" if self.vm.total > shown else f"{shown} patients")

    def _update_buttons(self, *_: object) -> None:
        self.edit_button.setEnabled(selected_row(self.table) is not None)

    def _selected(self) -> PatientOut | None:
        row = selected_row(self.table)
        return self.vm.patient_at(row) if row is not None else None

    def open_register(self) -> PatientDialog:
        async def save(data: PatientCreate | PatientUpdate) -> PatientOut:
            assert isinstance(data, PatientCreate)
            return await self.vm.register(data)

        return self._open(PatientDialog(save, None, self))

    def open_edit(self) -> PatientDialog | None:
        patient = self._selected()
        if patient is None:
            return None

        async def save(data: PatientCreate | PatientUpdate) -> PatientOut:
            assert isinstance(data, PatientUpdate)
            return await self.vm.update(patient.id, data)

        return self._open(PatientDialog(save, patient, self))

    def _open(self, dialog: PatientDialog) -> PatientDialog:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def activate(self) -> None:
        """Shown: load the list the first time."""
        if self.vm.search_count == 0:
            self.vm.refresh()
