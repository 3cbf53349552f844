"""The Qt side both desktop apps share (PySide6 + qasync). Import the modules directly, e.g.
`from common.qt.bridge import EventBridge`; this package file stays empty so importing one piece is cheap."""
