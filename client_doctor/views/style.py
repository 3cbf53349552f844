"""The doctor app's look: one stylesheet, dynamic properties for states (highlighted card, prominent allergies)."""

ACCENT = "#2563eb"
STYLE = """
QMainWindow#doctorMainWindow, QWidget#contentArea { background: #f4f6fa; }
QListWidget#navList {
    background: #1e293b; color: #e2e8f0; border: none; font-size: 14px; padding-top: 8px;
}
QListWidget#navList::item { padding: 12px 16px; border-left: 3px solid transparent; }
QListWidget#navList::item:selected { background: #334155; color: white; border-left: 3px solid #60a5fa; }
QLabel#appTitle { color: white; font-size: 16px; font-weight: 600; padding: 16px 16px 4px 16px; background: #1e293b; }
QLabel#doctorName { color: #94a3b8; padding: 0 16px 12px 16px; background: #1e293b; }
QWidget#sidebar { background: #1e293b; }
QListWidget#navList:focus { outline: none; }
QWidget#sidebarFooter { background: #0f172a; }
QWidget#sidebarFooter QLabel#connectionText { color: #e2e8f0; }
QLabel#patientDetailTitle { font-size: 14px; font-weight: 600; color: #334155; padding: 2px 0 6px 0; }
QLabel#patientName { font-size: 18px; font-weight: 600; color: #0f172a; }
QLabel#pageTitle { font-size: 20px; font-weight: 600; color: #0f172a; }
QLabel#sectionTitle { font-size: 14px; font-weight: 600; color: #334155; margin-top: 8px; }
QLabel#emptyState { color: #64748b; font-style: italic; padding: 12px; }
QLabel#scheduleEmpty {
    color: #64748b; font-size: 16px; padding: 48px; background: white; border: 1px solid #e2e8f0;
}
QFrame#statCard, QFrame[card="true"] {
    background: white; border: 1px solid #e2e8f0; border-radius: 8px;
}
QLabel#statValue { font-size: 22px; font-weight: 600; color: #0f172a; }
QLabel#statTitle { color: #64748b; }
QLabel#statNote { color: #94a3b8; font-size: 11px; }
QFrame[card="true"][highlighted="true"] { border: 2px solid #f59e0b; background: #fffbeb; }
QLabel#cardName { font-size: 15px; font-weight: 600; color: #0f172a; }
QLabel#cardQueue { font-size: 15px; font-weight: 700; color: #2563eb; }
QLabel#cardMeta { color: #475569; }
QLabel#cardBadge { color: #b45309; font-weight: 600; }
QPushButton { padding: 6px 12px; border-radius: 4px; border: 1px solid #cbd5e1; background: white; }
QPushButton:hover { background: #f1f5f9; }
QPushButton[primary="true"] { background: #2563eb; color: white; border: 1px solid #2563eb; }
QPushButton[primary="true"]:hover { background: #1d4ed8; }
QPushButton[primary="true"]:disabled { background: #93c5fd; border-color: #93c5fd; }
QPushButton[danger="true"] { background: #16a34a; color: white; border: 1px solid #16a34a; }
QPushButton[destructive="true"] { background: #dc2626; color: white; border: 1px solid #dc2626; }
QPushButton[destructive="true"]:disabled { background: #fca5a5; border-color: #fca5a5; }
QFrame#confirmBar { background: #fef3c7; border: 1px solid #fcd34d; border-radius: 6px; }
QFrame#sentInBar { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 6px; }
QLabel#sentInText { color: #78350f; font-weight: 600; font-size: 14px; }
QLabel#draftState { color: #64748b; font-style: italic; }
QLabel#toast {
    background: rgba(15, 23, 42, 230); color: white; border-radius: 8px; padding: 12px 18px; font-size: 14px;
}
QLabel#successMessage { background: #dcfce7; color: #166534; border-radius: 6px; padding: 8px; }
QTableView { background: white; border: 1px solid #e2e8f0; gridline-color: #eef2f7; }
QHeaderView::section { background: #f8fafc; border: none; border-bottom: 1px solid #e2e8f0; padding: 6px; }
QTreeWidget#scheduleTree { background: white; border: 1px solid #e2e8f0; font-size: 13px; }
QTreeWidget#scheduleTree::item { padding: 6px 4px; }
QPlainTextEdit { background: white; border: 1px solid #cbd5e1; border-radius: 4px; }
"""


def repolish(widget) -> None:  # noqa: ANN001 (any QWidget)
    """Re-apply the stylesheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


ALLERGY_STYLE = (
    "background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; border-radius: 6px; padding: 8px;"
    " font-weight: 600; font-size: 14px;"
)
NO_ALLERGY_STYLE = "background: #f1f5f9; color: #475569; border-radius: 6px; padding: 8px;"
MESSAGE_STYLES = {
    "error": "background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; border-radius: 6px; padding: 8px;",
    "info": "background: #dcfce7; color: #166534; border: 1px solid #86efac; border-radius: 6px; padding: 8px;",
}
