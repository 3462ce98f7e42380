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
    Channel,
    Condition,
    Deadline,
    Figure,
    FigureValue,
    Knowledge,
    Rule,
    Situation,
    Source,
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


def _source(raw: Any, where: str) -> Source:
    require(isinstance(raw, dict), f"{where}: a source is a mapping (ref, checked, site, url, law)")
    require(bool(raw.get("ref")), f"{where}: a source needs `ref`")
    return Source(
        ref=str(raw["ref"]),
        checked=_date(raw.get("checked"), f"{where} checked"),
        site=str(raw.get("site") or ""),
        url=str(raw.get("url") or ""),
        law=str(raw.get("law") or ""),
    )


def _conditions(data_dir: Path) -> dict[str, Condition]:
    def strings(raw: Any) -> tuple[str, ...]:
        return tuple(str(item) for item in raw or ())

    return {
        key: Condition(
            id=key,
            benefits=strings(item.get("benefits")),
            words=strings(item.get("words")),
            ruled_out_by=strings(item.get("ruled_out_by")),
            ask_for=strings(item.get("ask_for")),
        )
        for key, item in _read(data_dir, "conditions").items()
    }


def _reporting(data_dir: Path) -> tuple[dict[str, Deadline], dict[str, Channel]]:
    raw = _read(data_dir, "reporting")
    deadlines = {}
    for key, item in raw["deadlines"].items():
        require(item.get("kind") in ("after", "before", "none"), f"reporting.yml {key}: kind")
        require(bool(item.get("source")), f"reporting.yml {key}: a source is required")
        deadlines[key] = Deadline(
            id=key,
            kind=item["kind"],
            source=str(item["source"]),
            days=int(item.get("days", 0)),
            working=bool(item.get("working")),
            earliest=item.get("earliest"),
        )
    channels = {
        key: Channel(id=key, name=str(item.get("name") or ""), source=str(item["source"]))
        for key, item in raw["channels"].items()
    }
    return deadlines, channels


def load_knowledge(data_dir: Path = DATA_DIR) -> Knowledge:
    deadlines, channels = _reporting(data_dir)
    agencies = {}
    for key, item in _read(data_dir, "agencies").items():
        channel = channels.get(str(item.get("channel")))
        require(channel is not None, f"agencies.yml {key}: unknown channel {item.get('channel')!r}")
        agencies[key] = Agency(
            id=key,
            name_key=item["name_key"],
            source=item["source"],
            site=str(item.get("site") or ""),
            deadline=item.get("deadline"),
            channel=item.get("channel"),
            online=channel.name if channel else "",
            phone=item.get("phone"),
        )
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
            source=_source(item["source"], f"rules.yml {key}"),
            deadline=item.get("deadline"),
            channel=item.get("channel"),
            lines=tuple(str(name) for name in item.get("lines") or ()),
            figures=dict(item.get("figures") or {}),
            variants=tuple(
                Variant(**{**variant, "members": tuple(variant.get("members") or ())})
                for variant in item.get("variants") or ()
            ),
            ask_age=bool(item.get("ask_age", True)),
            theirs=bool(item.get("theirs", False)),
            nothing_to_report=bool(item.get("nothing_to_report", False)),
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
            covers=tuple(str(other) for other in item.get("covers") or ()),
            details={
                str(rule): tuple(str(term) for term in detail_terms)
                for rule, detail_terms in (item.get("details") or {}).items()
            },
            instead={
                str(rule): tuple(str(family) for family in families)
                for rule, families in (item.get("instead") or {}).items()
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
        require(
            item.get("unit") in ("money", "number", "percent"), f"figures.yml {key}: unknown unit"
        )
        only = tuple(str(benefit) for benefit in item.get("benefits") or ())
        figures[key] = Figure(id=key, unit=item["unit"], values=tuple(values), benefits=only)
    knowledge = Knowledge(
        agencies, benefits, situations, rules, figures, deadlines, channels, _conditions(data_dir)
    )
    check_references(knowledge)
    return knowledge


def check_references(knowledge: Knowledge) -> None:
    """Every reference points at something that exists; every situation covers every benefit."""
    for benefit in knowledge.benefits.values():
        require(benefit.agency in knowledge.agencies, f"benefit {benefit.id}: unknown agency")
    for agency in knowledge.agencies.values():
        require(agency.deadline in knowledge.deadlines, f"agency {agency.id}: unknown deadline")
    for known in knowledge.figures.values():
        for benefit_id in known.benefits:
            require(benefit_id in knowledge.benefits, f"figure {known.id}: unknown benefit")
    for rule in knowledge.rules.values():
        require(
            rule.agency is None or rule.agency in knowledge.agencies,
            f"rule {rule.id}: unknown agency {rule.agency!r}",
        )
        require(
            rule.deadline is None or rule.deadline in knowledge.deadlines,
            f"rule {rule.id}: unknown deadline {rule.deadline!r}",
        )
        require(
            rule.channel is None or rule.channel in knowledge.channels,
            f"rule {rule.id}: unknown channel {rule.channel!r}",
        )
        for line in rule.lines:
            require(line in knowledge.conditions, f"rule {rule.id}: unknown condition {line!r}")
        for figure in rule.figures.values():
            require(figure in knowledge.figures, f"rule {rule.id}: unknown figure {figure!r}")
        for variant in rule.variants:
            require(variant.rule in knowledge.rules, f"rule {rule.id}: unknown variant")
    for situation in knowledge.situations.values():
        named = (*situation.rules.values(), *situation.general, *situation.details)
        for rule_id in (*named, *situation.afterwards):
            require(rule_id in knowledge.rules, f"situation {situation.id}: unknown rule {rule_id}")
        for rule_id in situation.instead:
            require(rule_id in situation.details, f"situation {situation.id}: instead {rule_id}?")
        for other in situation.covers:
            require(other in knowledge.situations, f"situation {situation.id}: covers {other}?")
        for key in situation.rules:  # a family, or one benefit of a family whose rule differs
            named_ok = key in knowledge.families or key in knowledge.benefits
            require(named_ok, f"situation {situation.id}: rule for unknown family {key!r}")
        if situation.rules:
            missing = knowledge.families - set(situation.rules)
            require(not missing, f"situation {situation.id}: no rule for {sorted(missing)}")
        else:
            require(bool(situation.general), f"situation {situation.id}: no rules at all")


@cache
def knowledge() -> Knowledge:
    """The project's knowledge, loaded once per process."""
    return load_knowledge()
