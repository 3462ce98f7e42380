from pathlib import Path

import pytest

from bot.tools.evaluate import Case, CaseFileError, judge, load_cases, reply_text

SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_cases.yml"


def test_replies_are_joined_with_button_titles() -> None:
    messages = [
        {"text": "Kies een onderwerp.", "buttons": [{"title": "Hobby", "payload": "/x"}]},
        {"text": "Tweede bericht"},
    ]
    assert reply_text(messages) == "Kies een onderwerp.\nHobby\nTweede bericht"


def test_judge_uses_case_insensitive_regexes() -> None:
    case = Case(
        id="c", lang="nl", turns=("hoi",), expect_all=("gemeente",), expect_none=(r"\bUWV\b",)
    )
    assert judge(case, "Meld het bij je Gemeente.").passed
    assert judge(case, "Meld het bij UWV.").unwanted == [r"\bUWV\b"]
    assert judge(case, "Niets").missing == ["gemeente"]


def test_bad_case_files_are_reported_not_crashed(tmp_path: Path) -> None:
    broken = tmp_path / "cases.yml"
    broken.write_text("- id: x\n  turns: ['hoi']\n  expect_all: ['(unclosed']\n")
    with pytest.raises(CaseFileError, match="bad regex"):
        load_cases(broken)
    broken.write_text("{not: a list}")
    with pytest.raises(CaseFileError, match="list of cases"):
        load_cases(broken)


def test_project_cases_load() -> None:
    project_cases = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yml"))
    assert project_cases
    cases = [case for path in project_cases for case in load_cases(path)]
    assert len({case.id for case in cases}) == len(cases), "case ids must be unique"


@pytest.mark.skipif(not SHARED_CASES.exists(), reason="shared/ is not next to this checkout")
def test_shared_dev_cases_load() -> None:
    assert len(load_cases(SHARED_CASES)) > 10


def test_a_bad_required_rate_is_reported_before_anything_starts(tmp_path: Path) -> None:
    from bot.shared.settings import load_settings
    from bot.tools.evaluate import evaluate_files

    cases = tmp_path / "cases.yml"
    cases.write_text("- id: x\n  turns: ['hoi']\n")
    settings = load_settings({"WEGWIJS_DATA_DIR": str(tmp_path)})
    assert evaluate_files(settings, [str(cases)], also=[f"{cases}:veel"]) == 2
