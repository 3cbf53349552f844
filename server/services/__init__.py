"""The rules. Keyword-only typed functions; a service commits, and events leave only after commit."""
