from pathlib import Path

from sqlalchemy import create_engine, inspect

from bot.db.migrate import downgrade, upgrade
from bot.db.models import Base

TABLES = set(Base.metadata.tables)


def tables(url: str) -> set[str]:
    return set(inspect(create_engine(url)).get_table_names()) - {"alembic_version"}


def test_migrations_go_up_and_down_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'test.db'}"
    upgrade(url)
    assert tables(url) == TABLES  # every model has its migration
    downgrade(url, "0001")
    assert tables(url) == {"conversations"}
    downgrade(url)
    assert tables(url) == set()
    upgrade(url)
    assert tables(url) == TABLES
