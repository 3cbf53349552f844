"""Fresh PostgreSQL databases for a test run: empty, or at the migrations' head. The first database at head
is migrated once and kept as this run's template; every later one is a copy of it (CREATE DATABASE ...
TEMPLATE, ~0.4 s instead of ~2 s of migrations)."""

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("TEST_PG_ADMIN_URL", DEFAULT_ADMIN_URL)


_template: str | None = None  # this process's database at head that create_migrated_database copies


def create_test_database(prefix: str = "clinic_test", *, template: str | None = None) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copy_of = f' TEMPLATE "{make_url(template).database}"' if template else ""
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    finally:
        engine.dispose()
    return make_url(admin_url()).set(database=name).render_as_string(hide_password=False)


def create_migrated_database(prefix: str = "clinic_test") -> str:
    """A fresh database at the migrations' head: a copy of the template, which is made (and migrated) on the
    first call. The template is never connected to after its migration (a copy needs it unused)."""
    global _template
    if _template is None:
        from server.core.migrations import upgrade_to_head

        template = create_test_database("clinic_tmpl")
        upgrade_to_head(template)  # alembic's engine uses NullPool: no connection stays open
        _template = template
    return create_test_database(prefix, template=_template)


def drop_template_database() -> None:
    global _template
    if _template is not None:
        drop_test_database(_template)
        _template = None


def drop_test_database(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
