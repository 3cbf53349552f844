"""Alembic, driven from code so the installed package can migrate without an alembic.ini on disk."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from server.core.db import database_url, normalize_database_url

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("sqlalchemy.url", normalize_database_url(url or database_url()).replace("%", "%%"))
    return cfg


def upgrade_to_head(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")


def check_no_drift(url: str | None = None) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(url))
