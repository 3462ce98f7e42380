"""Training data and cases are kept apart: no case sentence (nearly) verbatim in nlu/ or in a
term list, so the cases measure understanding and not memory (issue 12)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

import yaml

from bot.shared.settings import PROJECT_ROOT
from bot.shared.words import normalise

CASE_FILES = [
    *sorted((PROJECT_ROOT / "tests" / "cases").glob("*.yml")),
    *sorted((PROJECT_ROOT.parent / "shared" / "eval").glob("*.yml")),
]
TERM_FILES = [
    PROJECT_ROOT / "bot" / "domain" / "knowledge" / "data" / name
    for name in ("situations.yml", "vocabulary.yml", "life_events.yml")
]
NEARLY = 0.9  # similarity of two normalised sentences that counts as a copy
TERM_WORDS = 4  # a term this long found inside a case sentence was copied from it
SHORTEST = 4  # words: shorter examples are formulas everybody types


def case_sentences() -> list[str]:
    sentences: list[str] = []
    for path in CASE_FILES:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            sentences += [str(t) for t in case.get("turns") or []]
            sentences += [str(step["say"]) for step in case.get("steps") or []]
    return sentences


def nlu_examples() -> list[str]:
    examples: list[str] = []
    for path in sorted((PROJECT_ROOT / "nlu").glob("*/*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block:
                examples += [line[2:] for line in str(block["examples"]).splitlines() if line]
    return [re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", example) for example in examples]


def strings_in(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings_in(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings_in(value)]
    return []


def near_copies(examples: list[str], sentences: list[str]) -> list[tuple[str, str]]:
    """Pairs (example, case sentence) that are the same sentence give or take a few letters."""
    by_word: dict[str, set[int]] = {}
    cases = [" ".join(normalise(s)) for s in sentences]
    for index, case in enumerate(cases):
        for word in set(case.split()):
            by_word.setdefault(word, set()).add(index)
    found = []
    for example in examples:
        plain = " ".join(normalise(example))
        words = set(plain.split())
        if len(plain.split()) < SHORTEST:
            continue  # "ja", "wat kun je", "ik zit in de ww": formulas, not copied sentences
        counts: dict[int, int] = {}
        for word in words:
            for index in by_word.get(word, ()):
                counts[index] = counts.get(index, 0) + 1
        for index, shared in counts.items():
            if (
                shared >= 0.6 * len(words)
                and SequenceMatcher(None, plain, cases[index]).ratio() >= NEARLY
            ):
                found.append((example, sentences[index]))
    return found


def test_the_check_finds_a_copied_sentence() -> None:
    sentences = [s for s in case_sentences() if len(s.split()) >= 8]
    assert sentences, "no case files found"
    copied = sentences[0].upper().replace(" ", "  ") + "!"
    assert (copied, sentences[0]) in near_copies([copied], sentences)


def test_no_case_sentence_is_in_the_training_data() -> None:
    assert near_copies(nlu_examples(), case_sentences()) == []


def test_no_long_term_was_copied_from_a_case() -> None:
    cases = [" " + " ".join(normalise(s)) + " " for s in case_sentences()]
    copied = []
    for path in TERM_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for term in strings_in(data):
            words = normalise(term)
            if len(words) >= TERM_WORDS and any(f" {' '.join(words)} " in case for case in cases):
                copied.append(f"{path.name}: {term}")
    assert copied == []
