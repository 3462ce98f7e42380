"""Load the knowledge YAML files and check them against the schema, once.

Every problem is reported with the file and the entry, so a data edit that breaks a
reference fails the tests (and start-up) with a clear message.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, cast

import yaml

from bot.domain.knowledge.model import (
    VERDICTS,
    Agency,
    Benefit,
    Figure,
    FigureValue,
    Knowledge,
    Rule,
    Situation,
    Variant,
    Verdict,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


class KnowledgeError(ValueError):
    """The knowledge data is inconsistent; the message names the file and entry."""


def _read(data_dir: Path, name: str) -> dict[str, Any]:
    path = data_dir / f"{name}.yml"
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = content.get(name)
    if not isinstance(section, dict):
        raise KnowledgeError(f"{path.name}: expected a mapping under {name!r}")
    return section


def require(condition: bool, message: str) -> None:
    """Stop loading with a KnowledgeError naming the file and entry (used by every loader)."""
    if not condition:
        raise KnowledgeError(message)


def _date(value: Any, where: str) -> dt.date:
    require(isinstance(value, dt.date), f"{where}: expected a date (YYYY-MM-DD), got {value!r}")
    return cast(dt.date, value)


def load_knowledge(data_dir: Path = DATA_DIR) -> Knowledge:
    agencies = {
        key: Agency(
            id=key,
            name_key=item["name_key"],
            source=item["source"],
            online=str((item.get("contact") or {}).get("online") or ""),
            phone=(item.get("contact") or {}).get("phone"),
        )
        for key, item in _read(data_dir, "agencies").items()
    }
    benefits = {
        key: Benefit(
            id=key,
            agency=item["agency"],
            family=item["family"],
            name_key=item["name_key"],
            terms=tuple(str(term) for term in item["terms"]),
        )
        for key, item in _read(data_dir, "benefits").items()
    }
    rules = {}
    for key, item in _read(data_dir, "rules").items():
        require(item.get("verdict") in VERDICTS, f"rules.yml {key}: unknown verdict")
        require(bool(item.get("source")), f"rules.yml {key}: a source is required")
        rules[key] = Rule(
            id=key,
            verdict=cast(Verdict, item["verdict"]),
            agency=item.get("agency"),
            source=str(item["source"]),
            figures=dict(item.get("figures") or {}),
            variants=tuple(
                Variant(**{**variant, "members": tuple(variant.get("members") or ())})
                for variant in item.get("variants") or ()
            ),
            ask_age=bool(item.get("ask_age", True)),
        )
    situations = {
        key: Situation(
            id=key,
            priority=int(item.get("priority", 0)),
            terms=tuple(str(term) for term in item["terms"]),
            rules=dict(item.get("rules") or {}),
            general=tuple(item.get("general") or ()),
            afterwards={
                str(rule): tuple(str(family) for family in families)
                for rule, families in (item.get("afterwards") or {}).items()
            },
            weight=int(item.get("weight", 1)),
            kind=str(item.get("kind", "permission")),
            details={
                str(rule): tuple(str(term) for term in detail_terms)
                for rule, detail_terms in (item.get("details") or {}).items()
            },
        )
        for key, item in _read(data_dir, "situations").items()
    }
    figures = {}
    for key, item in _read(data_dir, "figures").items():
        values = []
        for index, raw in enumerate(item["values"]):
            where = f"figures.yml {key} value {index + 1}"
            require(bool(raw.get("source")), f"{where}: a source is required")
            verified = bool(raw.get("verified"))
            require(
                not verified or isinstance(raw.get("value"), int | float),
                f"{where}: a verified figure needs a value",
            )
            values.append(
                FigureValue(
                    valid_from=_date(raw["valid_from"], where),
                    valid_to=None if raw.get("valid_to") is None else _date(raw["valid_to"], where),
                    value=raw.get("value"),
                    verified=verified,
                    source=str(raw["source"]),
                    open_ended=bool(raw.get("open_ended")),
                )
            )
        require(item.get("unit") in ("money", "number"), f"figures.yml {key}: unknown unit")
        only = tuple(str(benefit) for benefit in item.get("benefits") or ())
        figures[key] = Figure(id=key, unit=item["unit"], values=tuple(values), benefits=only)
    knowledge = Knowledge(agencies, benefits, situations, rules, figures)
    check_references(knowledge)
    return knowledge


def check_references(knowledge: Knowledge) -> None:
    """Every reference points at something that exists; every situation covers every benefit."""
    for benefit in knowledge.benefits.values():
        require(benefit.agency in knowledge.agencies, f"benefit {benefit.id}: unknown agency")
    for known in knowledge.figures.values():
        for benefit_id in known.benefits:
            require(benefit_id in knowledge.benefits, f"figure {known.id}: unknown benefit")
    for rule in knowledge.rules.values():
        require(
            rule.agency is None or rule.agency in knowledge.agencies,
            f"rule {rule.id}: unknown agency {rule.agency!r}",
        )
        for figure in rule.figures.values():
            require(figure in knowledge.figures, f"rule {rule.id}: unknown figure {figure!r}")
        for variant in rule.variants:
            require(variant.rule in knowledge.rules, f"rule {rule.id}: unknown variant")
    for situation in knowledge.situations.values():
        named = (*situation.rules.values(), *situation.general, *situation.details)
        for rule_id in (*named, *situation.afterwards):
            require(rule_id in knowledge.rules, f"situation {situation.id}: unknown rule {rule_id}")
        if situation.rules:
            missing = knowledge.families - set(situation.rules)
            require(not missing, f"situation {situation.id}: no rule for {sorted(missing)}")
        else:
            require(bool(situation.general), f"situation {situation.id}: no rules at all")


@cache
def knowledge() -> Knowledge:
    """The project's knowledge, loaded once per process."""
    return load_knowledge()
