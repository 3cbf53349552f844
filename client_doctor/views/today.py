"""Today's Work: stat cards, the patients with the doctor, the next three waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from client_doctor import fmt
from client_doctor.viewmodels.today import TodayViewModel
from client_doctor.views.widgets import PatientCard, StatCard, label
from common.qt.flow_layout import FlowLayout, flow_widget
from common.schemas import DoctorDashboard, VisitOut

CALL_NEXT_KEY = "Ctrl+N"  # the shortcut the window binds (shown in the tooltip)
TICK_MS = 30_000  # how often the "waiting N min" lines are brought up to the clock


def utc_now() -> datetime:
    return datetime.now(UTC)


class TodayView(QWidget):
    def __init__(
        self, vm: TodayViewModel, parent: QWidget | None = None, *, now: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__(parent)
        self.vm = vm
        self.now = now  # the clock the waiting times are counted on (a test moves it)
        self.setObjectName("todayView")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps instead
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("contentArea")
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)

        self.title = label("Today's Work", "pageTitle", elide=True)
        layout.addWidget(self.title)
        self.call_next = QPushButton("Call next")
        self.call_next.setObjectName("callNextButton")
        self.call_next.setProperty("primary", True)
        self.call_next.setToolTip(f"Call the next waiting patient ({CALL_NEXT_KEY})")
        self.call_next.setAccessibleName("Call the next waiting patient")
        self.call_next.clicked.connect(vm.call_next)
        self.auto_open = QCheckBox("Open the consultation automatically when a patient is sent in")
        self.auto_open.setObjectName("autoOpenToggle")
        self.auto_open.setAccessibleName("Open the consultation automatically when a patient is sent in")
        self.auto_open.setChecked(vm.settings.auto_open_consultation)
        self.auto_open.toggled.connect(self._on_auto_open)
        self.mute = QCheckBox("Mute the alert sound")
        self.mute.setObjectName("muteToggle")
        self.mute.setAccessibleName("Mute the sound played when a patient is sent in while the window is hidden")
        self.mute.setToolTip("A patient sent in while this window is minimised or behind another program rings once")
        self.mute.setChecked(vm.settings.muted)
        self.mute.toggled.connect(self._on_mute)
        self.toolbar = flow_widget(body, self.call_next, self.auto_open, self.mute, name="todayToolbar", spacing=12)
        layout.addWidget(self.toolbar)

        self.success = label("", "successMessage", wrap=True)
        self.success.hide()
        layout.addWidget(self.success)

        stats_box = QWidget()
        stats_box.setObjectName("statCards")
        stats = FlowLayout(stats_box, spacing=10)
        self.stat_visits = StatCard("Today's visits", "today_visits")
        self.stat_active = StatCard("Active consultations", "active")
        self.stat_waiting = StatCard("Waiting", "waiting")
        self.stat_completed = StatCard("Completed", "completed")
        self.stat_earnings = StatCard("Today's earnings", "earnings")
        for card in (self.stat_visits, self.stat_active, self.stat_waiting, self.stat_completed, self.stat_earnings):
            stats.addWidget(card)
        layout.addWidget(stats_box)

        layout.addWidget(label("With you now", "sectionTitle"))
        self.active_box = QWidget()
        self.active_box.setObjectName("activeCards")
        self.active_layout = FlowLayout(self.active_box, spacing=10)
        self.active = CardSection(
            self.active_layout, label("No patient is with you right now.", "emptyState", wrap=True)
        )
        layout.addWidget(self.active_box)

        layout.addWidget(label("Next waiting", "sectionTitle"))
        self.waiting_box = QWidget()
        self.waiting_box.setObjectName("waitingCards")
        self.waiting_layout = FlowLayout(self.waiting_box, spacing=10)
        self.waiting = CardSection(self.waiting_layout, label("Nobody is waiting.", "emptyState", wrap=True))
        layout.addWidget(self.waiting_box)
        layout.addStretch(1)

        self.cards: dict[int, PatientCard] = {}  # every card on the page, by visit id
        vm.dashboard_changed.connect(self.show_dashboard)
        vm.highlight_changed.connect(self._apply_highlight)
        vm.called.connect(self._called)
        vm.busy_changed.connect(lambda busy: self.call_next.setEnabled(not busy))
        self.ticker = QTimer(self)  # the waits count up on the clock, with no call to the server
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()

    def tick(self) -> None:
        now = self.now()
        self.vm.follow_day(self.vm.dashboard.date if self.vm.dashboard else None, fmt.local_day(now))
        for card in self.cards.values():
            card.tick(now)

    def _on_auto_open(self, on: bool) -> None:
        self.vm.settings.auto_open_consultation = on

    def _on_mute(self, on: bool) -> None:
        self.vm.settings.muted = on

    def _called(self, visit: VisitOut) -> None:
        room = f" to {visit.room}" if visit.room else ""
        self.show_success(f"Called #{visit.queue_number} {visit.patient.full_name}{room}.")

    def show_success(self, text: str) -> None:
        self.success.setText(text)
        self.success.setVisible(bool(text))

    def show_dashboard(self, dashboard: DoctorDashboard) -> None:
        self.title.setText(f"Today's Work — {fmt.day(dashboard.date)}")
        upcoming = dashboard.upcoming_appointments  # a count; the list is on Schedule
        self.stat_visits.set(str(dashboard.today_visits), f"{upcoming} booked in the next 7 days")
        self.stat_active.set(str(dashboard.active_consultations))
        self.stat_waiting.set(str(dashboard.waiting))
        self.stat_completed.set(str(dashboard.completed))
        revenue = dashboard.today_revenue
        self.stat_earnings.set(
            fmt.money(revenue.paid.doctor_share), f"your share · {fmt.money(revenue.pending.doctor_share)} pending"
        )
        now = self.now()
        for section, visits in ((self.active, self.vm.active_visits), (self.waiting, self.vm.next_waiting)):
            section.show(visits, lambda visit: self._new_card(visit, now))
        self.cards = {**self.active.cards, **self.waiting.cards}

    def _new_card(self, visit: VisitOut, now: datetime) -> PatientCard:
        card = PatientCard(visit, highlighted=visit.id == self.vm.highlighted_visit_id, now=now)
        card.start_clicked.connect(self.vm.start_consultation)
        return card

    def _apply_highlight(self, visit_id: int) -> None:
        for vid, card in self.cards.items():
            card.set_highlighted(vid == visit_id)

    def card(self, visit_id: int) -> PatientCard | None:
        return self.cards.get(visit_id)


class CardSection:
    """One list of patient cards on Today's Work, kept in step with the dashboard card by card: a visit that is
    still there unchanged keeps its card (the page does not rebuild a dozen cards, with their style sheets and
    layouts, for every event of a busy floor); a changed visit gets a new card, a gone one loses its card."""

    def __init__(self, layout: FlowLayout, empty: QWidget) -> None:
        self.layout = layout
        self.empty = empty
        self.cards: dict[int, PatientCard] = {}
        layout.addWidget(empty)

    def show(self, visits: list[VisitOut], build: Callable[[VisitOut], PatientCard]) -> None:
        old, fresh = self.cards, {}
        for visit in visits:
            card = old.pop(visit.id, None)
            if card is not None and card.visit != visit:
                old[visit.id] = card  # changed: it goes, a new card takes its place
                card = None
            fresh[visit.id] = card or build(visit)
        self.layout.set_widgets([self.empty, *fresh.values()])
        for card in old.values():
            card.hide()
            card.deleteLater()
        self.empty.setVisible(not visits)
        self.cards = fresh
