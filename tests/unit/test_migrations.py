from pathlib import Path

from sqlalchemy import create_engine, inspect

from bot.db.migrate import downgrade, upgrade


def test_migrations_go_up_and_down_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'test.db'}"
    upgrade(url)
    assert "conversations" in inspect(create_engine(url)).get_table_names()
    downgrade(url)
    assert "conversations" not in inspect(create_engine(url)).get_table_names()
    upgrade(url)
    assert "conversations" in inspect(create_engine(url)).get_table_names()
