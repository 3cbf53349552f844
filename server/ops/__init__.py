"""Day-two operations behind the `clinic-server` commands: backup, restore, check."""
