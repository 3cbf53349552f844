from alembic import context
from sqlalchemy import engine_from_config, pool

import server.models  # noqa: F401  (registers every table)
from server.core.db import Base, database_url

config = context.config
target_metadata = Base.metadata

# Made by SQL in migration 0005 and absent from the models on purpose: the trigram indexes exist only where
# pg_trgm does, and the expression index on the payment date cannot be compared by autogenerate.
_SQL_ONLY_INDEXES = frozenset(
    {"ix_patients_name_trgm", "ix_patients_phone_trgm", "ix_patients_phone_digits_trgm", "ix_payments_pay_date"}
)


def _include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (type_ == "index" and name in _SQL_ONLY_INDEXES)


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(
            connection=connectable,
            target_metadata=target_metadata,
            compare_type=True,
            include_object=_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    section = config.get_section(config.config_ini_section) or {}
    section["sqlalchemy.url"] = config.get_main_option("sqlalchemy.url") or database_url()
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            include_object=_include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
