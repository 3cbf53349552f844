"""Socket.IO server, rooms and after-commit event emission."""
