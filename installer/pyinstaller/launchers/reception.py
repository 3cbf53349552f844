"""PyInstaller entry point of the reception bundle (a script, since PyInstaller cannot start from `-m`)."""

from client_reception.__main__ import main

raise SystemExit(main())
