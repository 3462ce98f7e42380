"""`make eval`: conversation cases (format of ../shared/eval/README.md) against the stack.

Each case runs in a fresh conversation over Rasa's REST channel, exactly as the judges do;
the replies to the last turn (texts and button titles, joined by newlines) must match every
`expect_all` regex and no `expect_none` regex.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from bot.shared.settings import Settings
from bot.tools.stack import running_stack


@dataclass(frozen=True)
class Step:
    say: str
    expect_all: tuple[str, ...] = ()
    expect_none: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """A conversation; a case written with `turns` is steps whose last one is checked."""

    id: str
    lang: str
    steps: tuple[Step, ...]
    source: str = ""


@dataclass
class StepResult:
    step: Step
    reply: str
    missing: list[str]
    unwanted: list[str]
    messages: int = 0  # how many chat messages the answer took
    words: int = 0  # their words, without button titles


@dataclass
class Outcome:
    case: Case
    results: list[StepResult] = field(default_factory=list)
    error: str = ""

    @property
    def failures(self) -> list[StepResult]:
        return [r for r in self.results if r.missing or r.unwanted]

    @property
    def passed(self) -> bool:
        return not (self.failures or self.error)


class CaseFileError(ValueError):
    """A case file does not follow the format; the message says where."""


def _patterns(item: dict[str, Any], where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    wanted, unwanted = tuple(item.get("expect_all") or []), tuple(item.get("expect_none") or [])
    for pattern in (*wanted, *unwanted):
        try:
            re.compile(pattern)
        except re.error as error:
            raise CaseFileError(f"{where}: bad regex {pattern!r}") from error
    return wanted, unwanted


def _steps(item: dict[str, Any], where: str) -> tuple[Step, ...]:
    if item.get("steps"):
        steps = []
        for number, raw in enumerate(item["steps"], 1):
            if not isinstance(raw, dict) or not isinstance(raw.get("say"), str):
                raise CaseFileError(f"{where}: step {number} needs `say`")
            steps.append(Step(raw["say"], *_patterns(raw, f"{where} step {number}")))
        return tuple(steps)
    turns = [str(turn) for turn in item["turns"]]
    wanted, unwanted = _patterns(item, where)
    return (*(Step(turn) for turn in turns[:-1]), Step(turns[-1], wanted, unwanted))


def load_cases(path: Path) -> list[Case]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CaseFileError(f"{path}: cannot read cases ({error})") from error
    if not isinstance(raw, list):
        raise CaseFileError(f"{path}: expected a list of cases")
    cases = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("id"):
            raise CaseFileError(f"{path}: case {index + 1} needs an id")
        if not item.get("turns") and not item.get("steps"):
            raise CaseFileError(f"{path}: case {item['id']} needs turns or steps")
        where = f"{path}: case {item['id']}"
        cases.append(
            Case(str(item["id"]), str(item.get("lang", "nl")), _steps(item, where), str(path))
        )
    return cases


def reply_text(messages: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]))
        parts.extend(str(button.get("title", "")) for button in message.get("buttons") or [])
    return "\n".join(parts)


def judge(step: Step, reply: str) -> StepResult:
    return StepResult(
        step=step,
        reply=reply,
        missing=[p for p in step.expect_all if not re.search(p, reply, re.IGNORECASE)],
        unwanted=[p for p in step.expect_none if re.search(p, reply, re.IGNORECASE)],
    )


def run_case(rasa_url: str, case: Case) -> Outcome:
    sender = f"eval-{case.id}-{uuid.uuid4().hex[:8]}"
    outcome = Outcome(case=case)
    try:
        with httpx.Client(base_url=rasa_url, timeout=60) as client:
            for step in case.steps:
                response = client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": step.say}
                )
                response.raise_for_status()
                replies = response.json()
                result = judge(step, reply_text(replies))
                texts = [str(m["text"]) for m in replies if m.get("text")]
                result.messages, result.words = len(texts), sum(len(t.split()) for t in texts)
                outcome.results.append(result)
    except (httpx.HTTPError, ValueError) as error:
        outcome.error = str(error)
    return outcome


def run_cases(rasa_url: str, cases: Sequence[Case], workers: int = 4) -> list[Outcome]:
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda case: run_case(rasa_url, case), cases))


def report(outcomes: Sequence[Outcome]) -> float:
    failed = [outcome for outcome in outcomes if not outcome.passed]
    for outcome in failed:
        print(f"\nFAIL {outcome.case.id} ({outcome.case.source})")
        if outcome.error:
            print(f"  error: {outcome.error}")
        for result in outcome.failures:
            print(f"  said: {result.step.say}")
            for pattern in result.missing:
                print(f"    missing: {pattern}")
            for pattern in result.unwanted:
                print(f"    unwanted: {pattern}")
            print("    reply: " + result.reply.replace("\n", "\n           "))
    rate = (len(outcomes) - len(failed)) / len(outcomes) if outcomes else 0.0
    checked = [r for o in outcomes for r in o.results if r.step.expect_all or r.step.expect_none]
    right = sum(1 for r in checked if not (r.missing or r.unwanted))
    print(f"\neval: {len(outcomes) - len(failed)} of {len(outcomes)} cases pass ({rate:.1%});")
    print(f"eval: {right} of {len(checked)} checked steps right")
    print_answer_sizes(outcomes)
    return rate


def print_answer_sizes(outcomes: Sequence[Outcome]) -> None:
    """How long answers are on a phone: messages and words per answer (issue: at most 3
    messages on average, none over 6)."""
    sized = [(o.case.id, r) for o in outcomes for r in o.results if r.messages]
    if not sized:
        return
    longest_id, longest = max(sized, key=lambda item: item[1].messages)
    wordiest_id, wordiest = max(sized, key=lambda item: item[1].words)
    average = sum(r.messages for _, r in sized) / len(sized)
    words = sum(r.words for _, r in sized) / len(sized)
    print(
        f"eval: answer size over {len(sized)} answers: {average:.1f} messages on average, "
        f"at most {longest.messages} ({longest_id}); {words:.0f} words on average, "
        f"at most {wordiest.words} ({wordiest_id})"
    )


def evaluate_files(
    settings: Settings,
    files: Sequence[str],
    min_pass_rate: float = 0.0,
    workers: int = 4,
    also: Sequence[str] = (),
) -> int:
    """Run case sets on one stack; each set must reach its own pass rate."""
    sets: list[tuple[str, list[Path], float]] = [
        ("project cases", [Path(name) for name in files], min_pass_rate)
    ]
    try:
        for item in also:
            name, _, required = item.rpartition(":")
            if not Path(name).exists():
                print(f"eval: {name} not found, skipped")
                continue
            sets.append((name, [Path(name)], float(required)))
        loaded = [
            (label, [c for p in paths for c in load_cases(p)], rate) for label, paths, rate in sets
        ]
    except (CaseFileError, ValueError) as error:
        print(f"eval: {error}")
        return 2
    failed = False
    with running_stack(settings):
        for label, cases, minimum in loaded:
            print(f"\n=== {label} ===")
            achieved = report(run_cases(settings.rasa_url, cases, workers))
            if achieved < minimum:
                print(f"eval: {label} below the required pass rate of {minimum:.0%}")
                failed = True
    return 1 if failed else 0
