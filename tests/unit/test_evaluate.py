from pathlib import Path

import pytest

from bot.tools.evaluate import CaseFileError, Step, judge, load_cases, reply_text

SHARED_CASES = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_cases.yml"


def test_replies_are_joined_with_button_titles() -> None:
    messages = [
        {"text": "Kies een onderwerp.", "buttons": [{"title": "Hobby", "payload": "/x"}]},
        {"text": "Tweede bericht"},
    ]
    assert reply_text(messages) == "Kies een onderwerp.\nHobby\nTweede bericht"


def test_judge_uses_case_insensitive_regexes() -> None:
    step = Step("hoi", expect_all=("gemeente",), expect_none=(r"\bUWV\b",))
    right = judge(step, "Meld het bij je Gemeente.")
    assert not right.missing and not right.unwanted
    assert judge(step, "Meld het bij UWV.").unwanted == [r"\bUWV\b"]
    assert judge(step, "Niets").missing == ["gemeente"]


def test_cases_with_steps_check_every_step(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yml"
    cases.write_text(
        "- id: s\n  steps:\n    - say: hoi\n      expect_all: [a]\n    - say: ja\n"
        "      expect_none: [b]\n- id: t\n  turns: [een, twee]\n  expect_all: [c]\n"
    )
    with_steps, with_turns = load_cases(cases)
    assert [s.say for s in with_steps.steps] == ["hoi", "ja"]
    assert with_steps.steps[1].expect_none == ("b",)
    assert with_turns.steps[0].expect_all == () and with_turns.steps[1].expect_all == ("c",)


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
