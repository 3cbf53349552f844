"""PyInstaller entry point of the doctor bundle (a script, since PyInstaller cannot start from `-m`)."""

from client_doctor.__main__ import main

raise SystemExit(main())
