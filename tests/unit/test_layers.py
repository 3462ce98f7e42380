"""The layers hold: the import contracts in pyproject.toml pass on this tree and fail on a
copy with a planted violation (the action server importing the database)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
FORBIDDEN_IN_ACTIONS = re.compile(r"sqlalchemy|bot\.db|bot\.channels|bot\.handoff|load_settings")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_contracts_hold_on_this_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-2000:]


def test_a_planted_violation_breaks_the_contract(tmp_path: Path) -> None:
    for folder in ("bot", "actions"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "actions" / "planted.py").write_text("from bot.db.models import Handoff\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "actions.planted" in result.stdout


def test_the_action_server_names_no_database_and_no_app_settings() -> None:
    for path in sorted((ROOT / "actions").rglob("*.py")):
        found = FORBIDDEN_IN_ACTIONS.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name}: {found.group(0) if found else ''}"


def test_only_the_settings_read_the_environment() -> None:
    for folder in ("bot", "actions", "rasa_components"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "settings.py" or "migrations" in path.parts:
                continue
            assert "os.environ" not in path.read_text(encoding="utf-8"), path
            assert "getenv(" not in path.read_text(encoding="utf-8"), path
