"""Turn a reading of the person's message into an answer: messages made of catalog keys.

The answer shape is the same in every language: first the verdict, then why, then what to
do (who, what, by when, how), then a light offer of more help. Words come from locales/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.domain.knowledge.conditions import Person
from bot.domain.knowledge.figures import choose
from bot.domain.knowledge.matcher import Reading
from bot.domain.knowledge.model import Knowledge, Rule
from bot.domain.knowledge.reporting import agency_reporting, every_reporting, rule_reporting
from bot.domain.knowledge.sums import sums_for
from bot.domain.knowledge.vocabulary import grouped_terms
from bot.shared.text_keys import N_

# Words for a relative (vocabulary.yml household), each with a catalog key
# relative.<word> ("je zus", "your sister") used in "dit gaat over de WW van je zus".
RELATIVE_WORDS = frozenset(word for words in grouped_terms("household").values() for word in words)

Part = dict[str, Any]  # {"key": catalog key, "args": {...}}; see bot/nlg/renderer.py
Message = list[Part]


OFFER_BUTTONS = (
    (N_("answer.button.person"), "/request_human"),
    (N_("answer.button.more"), "/ask_capabilities"),
)
YES_NO_BUTTONS = ((N_("answer.button.yes"), "/affirm"), (N_("answer.button.no"), "/deny"))
ASK_BENEFIT_BUTTONS = (
    ("bijstand", "benefit.bijstand"),
    ("ww", "benefit.ww"),
    ("wia", "benefit.wia"),
    ("aow", "benefit.aow"),
    ("toeslagen", "benefit.toeslagen"),
)


def part(key: str, **args: Any) -> Part:
    """A fixed text; `make i18n` finds the key."""
    return {"key": key, "args": args}


def keyed(key: str, **args: Any) -> Part:
    """A text whose key is built from the data (listed by `knowledge_keys` for `make i18n`)."""
    return {"key": key, "args": args}


@dataclass
class Answer:
    kind: str  # rules | mistake | assumption | eligibility | need_benefit | benefit_noted | …
    messages: list[Message] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the rules it applied ("waarom?")
    asks: str | None = None  # the condition whose question ends it ("ja" / "nee" answer it)


OFFER_KEY = N_("answer.offer")


def with_offer(kind: str, messages: list[Message]) -> Answer:
    """An answer that ends with the light offer of more help (and its buttons)."""
    return Answer(kind, [*messages, [part(OFFER_KEY)]], list(OFFER_BUTTONS))


def agencies_of(knowledge: Knowledge, benefits: list[str]) -> list[str]:
    """The agencies that pay these benefits, each once, in order."""
    return list(dict.fromkeys(knowledge.benefits[b].agency for b in benefits))


def agency_names(knowledge: Knowledge, benefits: list[str]) -> list[str]:
    """The name keys of the agencies that pay these benefits, for {agencies} in a text."""
    return [knowledge.agencies[a].name_key for a in agencies_of(knowledge, benefits)]


def resolve_rule(
    knowledge: Knowledge,
    rule_id: str,
    age: int | None,
    days: int | None = None,
    members: tuple[str, ...] | list[str] = (),
) -> Rule:
    rule = knowledge.rules[rule_id]
    for variant in rule.variants:
        if variant.applies(age, days, frozenset(members)):
            return knowledge.rules[variant.rule]
    return rule


def _families_in_order(knowledge: Knowledge, benefits: list[str]) -> list[str]:
    order: list[str] = []
    for benefit in benefits:
        family = knowledge.benefits[benefit].family
        if family not in order:
            order.append(family)
    return order


def _figures(
    knowledge: Knowledge, rule: Rule, benefits: list[str] | None, today: dt.date
) -> tuple[dict[str, Any], Message]:
    """The rule's deadline, channel and standing figures for its texts, and a note per
    yearly figure (with its year)."""
    inline: dict[str, Any] = rule_reporting(knowledge, rule)
    notes: Message = []
    for name, figure_id in rule.figures.items():
        figure = knowledge.figures[figure_id]
        if not figure.applies_to(benefits):
            continue
        choice = choose(figure, today)
        if any(value.open_ended for value in figure.values) and choice is not None:
            inline[name] = choice.value
            inline[f"{name}_since"] = min(v.valid_from.year for v in figure.values if v.verified)
        elif choice is not None:
            when = "current" if choice.current else "last_known"
            notes.append(
                keyed(
                    f"figure.{when}.{figure.unit}",
                    what={"key": f"figure.{figure_id}"},
                    amount=choice.value,
                    year=choice.year,
                )
            )
    if any(note["key"].startswith("figure.last_known.") for note in notes):
        notes.append(part("figure.not_sure", this_year=today.year))
    return inline, notes


def _rule_messages(
    knowledge: Knowledge,
    rule: Rule,
    benefits: list[str] | None,
    today: dt.date,
    change: bool = False,
    person: Person | None = None,
    asks: list[str] | None = None,
) -> list[Message]:
    """Two short messages: the verdict and why, then what to do (with any figures).

    `benefits`: the person's benefits this rule answers for (None: a general rule);
    `person`: what is known about them, for lines meant for some people only; a line whose
    condition is unknown and may be asked about goes on `asks` instead.
    """
    inline, notes = _figures(knowledge, rule, benefits, today)
    first: Message = []
    if benefits is not None:
        names = [knowledge.benefits[benefit].name_key for benefit in benefits]
        verdict = f"verdict.change.{rule.verdict}" if change else f"verdict.{rule.verdict}"
        first.append(keyed(verdict, benefits={"keys": names}))
    first.append(keyed(rule.why_key, **inline))
    person = person or Person(benefits=list(benefits or []))
    families = {knowledge.benefits[b].family for b in benefits or ()}
    for name in rule.lines:  # lines for some people only
        condition = knowledge.conditions[name]
        holds = person.holds(condition)
        if holds:
            first.append(keyed(f"rule.{rule.id}.{name}", **inline))
        elif holds is None and asks is not None and families & set(condition.ask_for):
            asks.append(name)
    messages = [first, [keyed(rule.todo_key, **inline)]]
    return [*messages, notes] if notes else messages


def condition_answer(
    knowledge: Knowledge, rules: list[str], condition: str, holds: bool, today: dt.date
) -> Answer:
    """ "Ja" / "nee" to "Ben je alleenstaande ouder?": the lines of the last answer's rules
    that this condition adds, or that it stays as it was said."""
    if not holds:
        return with_offer("condition", [[part(N_("condition.no"))]])
    lines: Message = [part(N_("condition.yes"))]
    for rule_id in rules:
        rule = knowledge.rules.get(rule_id)
        if rule is not None and condition in rule.lines:
            inline, _ = _figures(knowledge, rule, None, today)
            lines.append(keyed(f"rule.{rule.id}.{condition}", **inline))
    answer = with_offer("condition", [lines])
    answer.rules = [rule for rule in rules if rule in knowledge.rules]
    return answer


def _joined(messages: list[Message]) -> Message:
    return [piece for message in messages for piece in message]


# Verdicts that say the agency must hear it.
REPORTING_VERDICTS = frozenset({"allowed_report", "report_before"})


def _without_contradictions(
    knowledge: Knowledge, groups: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Rules by the benefits they answer for, without "nothing to report" for a benefit
    whose agency must hear it for another benefit in the same answer (AOW and AIO at the
    SVB: "je hoeft het niet aan de SVB door te geven" beside "geef het door aan de SVB")."""
    agency_of = {b: info.agency for b, info in knowledge.benefits.items()}
    must_hear = {
        agency_of[benefit]
        for rule_id, group in groups.items()
        if knowledge.rules[rule_id].verdict in REPORTING_VERDICTS
        for benefit in group
    }
    return {
        rule_id: group
        for rule_id, group in groups.items()
        if not (
            knowledge.rules[rule_id].nothing_to_report
            and all(agency_of[benefit] in must_hear for benefit in group)
        )
    }


def rules_answer(
    knowledge: Knowledge,
    reading: Reading,
    benefits: list[str],
    today: dt.date,
    facts: dict[str, Any] | None = None,
    change: bool = False,
    person: Person | None = None,
) -> Answer:
    """`change`: the message tells of a change in life (also a situation that is otherwise a
    "mag dit?", like an inheritance), so the verdict is "dit moet je doorgeven"; `person`:
    what is known about them (by default: these benefits and this message)."""
    person = person or Person(benefits=list(benefits), said=reading.raw_text)
    asks: list[str] = []
    assert reading.situation is not None
    situation = knowledge.situations[reading.situation]
    change = change or situation.kind == "change"
    messages: list[Message] = []
    groups: dict[str, list[str]] = {}
    named_details = [rule for rule in situation.details if rule in reading.details]
    replaced = {
        family: rule for rule in named_details for family in situation.instead.get(rule, ())
    }
    for benefit in benefits:
        family = knowledge.benefits[benefit].family
        family_rule = replaced.get(family) or situation.rule_for(benefit, family)
        if family_rule is None:
            continue
        days = (facts or {}).get("days")
        rule = resolve_rule(knowledge, family_rule, reading.age, days, reading.members)
        if benefit not in groups.setdefault(rule.id, []):
            groups[rule.id].append(benefit)
    groups = _without_contradictions(knowledge, groups)
    for rule_id, group in groups.items():  # one message per rule: fewer buzzes on a phone
        rule = knowledge.rules[rule_id]
        said = _rule_messages(knowledge, rule, group, today, change, person, asks)
        said.append(sums_for(knowledge, rule_id, facts or {}, today) or [])
        messages.append(_joined(said))
    applied = list(groups)
    # A "mag dit?" answer starts with the verdict for the person's own benefits, its general
    # rules after; a change in life starts with what it is ("Gefeliciteerd!" for a birth).
    general = [
        _joined(_rule_messages(knowledge, knowledge.rules[rule_id], None, today))
        for rule_id in situation.general
    ]
    messages = [*general, *messages] if change else [*messages, *general]
    applied += list(situation.general)
    details = [rule for rule in named_details if rule not in situation.instead]
    families = {knowledge.benefits[benefit].family for benefit in benefits}
    families -= set(replaced)  # a detail's rule instead: its family's afterwards do not apply
    details += [rule for rule, wanted in situation.afterwards.items() if families & set(wanted)]
    for rule_id in details:  # after the verdict for the person's own benefit
        messages.append(_joined(_rule_messages(knowledge, knowledge.rules[rule_id], None, today)))
    applied += details
    if reading.growing:
        messages.append([part("answer.growing")])
    answer = with_offer("rules", messages)
    answer.rules = applied
    if asks:  # one question instead of the offer: "ja" or "nee" answers it
        answer.asks = asks[0]
        question = knowledge.conditions[asks[0]].question_key
        answer.messages[-1] = [keyed(question)]
        answer.buttons = list(YES_NO_BUTTONS)
    return answer


# "waarom moet ik het melden als het toch vrij is?": why report, not only why the rule.
_WHY_REPORT = re.compile(r"meld|doorge|door te geven|opgeven|report|tell|declare", re.I)


def explain_answer(
    knowledge: Knowledge, rules: list[str], today: dt.date, question: str = ""
) -> Answer:
    """ "Waarom?": the reasons of the rules the last answer applied; asked why it must be
    reported, also what to report and why that matters."""
    known = [rule for rule in rules if rule in knowledge.rules]
    if not known:  # "waarom moet ik alles melden?" before any answer
        return with_offer("why", [[part("why.general")]])
    reasons: Message = [part("why.intro")]
    why_report = bool(_WHY_REPORT.search(question))
    for rule in known:  # the first message of a general rule is its reason, with figures
        messages = _rule_messages(knowledge, knowledge.rules[rule], None, today)
        reasons += messages[0]
        if why_report and len(messages) > 1:
            reasons += messages[1]
    answer = with_offer("why", [reasons])
    answer.rules = known
    return answer


def in_short(answer: Answer) -> Answer:
    """ "Ik snap het niet": the verdicts and what to do, in order, without reasons and notes."""
    kept = [
        part_
        for message in answer.messages
        for part_ in message
        if str(part_.get("key", "")).startswith("verdict.")
        or str(part_.get("key", "")).endswith(".todo")
    ]
    return Answer(answer.kind, [[part("simpler.intro"), *kept[:6]]], answer.buttons)


def ask_rules_payload(entity: str, value: str) -> str:
    """A button that asks the rules again with one entity set (domain.yml's menu does too)."""
    return "/ask_rules" + json.dumps({entity: value})


def clarify_answer(choices: list[tuple[str, str]]) -> Answer:
    """Two readings are close: one short question, a button for each (title key, label)."""
    return Answer(
        kind="clarify",
        messages=[[part("clarify.which")]],
        buttons=[(title_key, ask_rules_payload("situation", label)) for title_key, label in choices]
        + [(N_("clarify.other"), "/ask_capabilities")],
    )


def _agencies_for(knowledge: Knowledge, reading: Reading, benefits: list[str]) -> list[str]:
    return list(dict.fromkeys([*agencies_of(knowledge, benefits), *reading.agencies]))


def mistake_answer(knowledge: Knowledge, reading: Reading, benefits: list[str]) -> Answer:
    """Calm, no blame: correct it now, what will probably happen, and a person to help."""
    agencies = [a for a in _agencies_for(knowledge, reading, benefits) if a != "belastingdienst"]
    todo: Message = [
        keyed(f"mistake.todo.{agency}", **agency_reporting(knowledge, knowledge.agencies[agency]))
        for agency in agencies
    ]
    if not todo:
        todo = [part("mistake.todo.unknown")]
    if "ww" in benefits:  # the monthly form is the mistake people on WW make most
        todo.append(part("mistake.ww_income_form", **every_reporting(knowledge)))
    consequences: Message = [part("mistake.consequences")]
    if "uwv" in agencies:  # the one fine the rules reference gives a figure for (§1.5)
        consequences.append(part("mistake.fine.uwv", **every_reporting(knowledge)))
    return with_offer("mistake", [[part("mistake.intro"), *todo], consequences])


def assumption_answer(knowledge: Knowledge, reading: Reading, benefits: list[str]) -> Answer:
    """What an agency does and does not receive automatically (rules-reference §4)."""
    agencies = _agencies_for(knowledge, reading, benefits) or ["gemeente"]
    known = [
        [keyed(f"known.{agency}", **agency_reporting(knowledge, knowledge.agencies[agency]))]
        for agency in agencies
    ]
    return with_offer("assumption", [[part("known.intro")], *known])


# Who decides whether someone gets a benefit at all (rules-reference §3: the agencies).
ELIGIBILITY_KEYS = {
    "gemeente": N_("eligibility.gemeente"),
    "uwv": N_("eligibility.uwv"),
    "svb": N_("eligibility.svb"),
    "toeslagen": N_("eligibility.toeslagen"),
    "duo": N_("eligibility.duo"),
}


def eligibility_answer(knowledge: Knowledge, reading: Reading) -> Answer:
    """ "Heb ik recht op …?": Wegwijs cannot decide that; it says who does and how to ask."""
    agencies = agencies_of(knowledge, reading.asked or reading.benefits)
    keys = [ELIGIBILITY_KEYS[a] for a in agencies if a in ELIGIBILITY_KEYS]
    deciders = [
        [part(key, **every_reporting(knowledge))] for key in keys or [N_("eligibility.unknown")]
    ]
    return with_offer("eligibility", [[part("eligibility.intro")], *deciders])


def ask_benefit() -> Answer:
    return Answer(
        kind="need_benefit",
        messages=[[part("ask.benefit")]],
        buttons=[
            (name_key, ask_rules_payload("benefit", benefit))
            for benefit, name_key in ASK_BENEFIT_BUTTONS
        ],
    )


def benefit_noted(knowledge: Knowledge, benefits: list[str]) -> Answer:
    names = [knowledge.benefits[b].name_key for b in benefits]
    return Answer(
        kind="benefit_noted", messages=[[part("answer.benefit_noted", benefits={"keys": names})]]
    )


def their_benefit_noted(knowledge: Knowledge, other_words: dict[str, str]) -> Answer:
    """A relative's benefit said without a question yet: whose it is, and what to ask."""
    word = next(iter(other_words.values()))
    names = [knowledge.benefits[b].name_key for b in other_words]
    who = {"key": "relative." + (word if word in RELATIVE_WORDS else "someone")}
    return Answer(
        kind="benefit_noted",
        messages=[[part("answer.their_benefit_noted", who=who, benefits={"keys": names})]],
    )


def unclear_question_answer(knowledge: Knowledge, benefits: list[str]) -> Answer:
    """A question next to a benefit that Wegwijs cannot place: what it does know about,
    and the agency that knows everything about that benefit."""
    names = [knowledge.benefits[b].name_key for b in benefits]
    agencies = [knowledge.agencies[a].name_key for a in agencies_of(knowledge, benefits)]
    return with_offer(
        "unclear_question",
        [
            [
                part("answer.unclear_question", benefits={"keys": names}),
                part("answer.ask_agency", agencies={"keys": agencies}),
            ]
        ],
    )


def no_benefit_answer(knowledge: Knowledge) -> Answer:
    """Asked once and still no benefit: the general rule, and where to check."""
    return with_offer("rules", [[part("answer.no_benefit", **every_reporting(knowledge))]])


def ask_age() -> Answer:
    """The rule differs by age (e.g. volunteering in bijstand): ask before answering."""
    return Answer(kind="need_age", messages=[[part("ask.age")]])


# When an agency pays, where the rules reference says so (§2.2: WW within 10 days of the
# monthly inkomstenopgave).
PAID_KEYS = {"uwv": N_("own_case.paid.uwv")}


def own_case_answer(knowledge: Knowledge, benefits: list[str], when_paid: bool = False) -> Answer:
    """ "Is mijn uitkering al betaald?": Wegwijs sees no one's file; who can tell them, and
    for "wanneer wordt het betaald?" what is known about when an agency pays."""
    agencies = agency_names(knowledge, benefits)
    ask = (
        part("answer.ask_agency", agencies={"keys": agencies})
        if agencies
        else part("own_case.where")
    )
    paying = dict.fromkeys(
        knowledge.benefits[b].agency for b in benefits if b in knowledge.benefits
    )
    paid = [
        part(PAID_KEYS[agency], **every_reporting(knowledge))
        for agency in paying
        if when_paid and agency in PAID_KEYS
    ]
    return with_offer("own_case", [[part("own_case.intro"), *paid, ask]])


def other_person_answer(
    knowledge: Knowledge,
    other_words: dict[str, str],
    situation: str,
    today: dt.date,
    brief: bool = False,
) -> Answer:
    """A question about a relative's own benefit ("mijn vader heeft aio en wil 3 maanden
    naar marokko"): whose it is, the rule as it is for them (where it has words for
    someone else), and that it is theirs to report to their agency. `brief`: without the
    rule (a relative's benefit named beside the person's own answer)."""
    messages: list[Message] = []
    applied: list[str] = []
    for benefit, word in other_words.items():
        agency = knowledge.benefits[benefit].agency
        who_key = "relative." + (word if word in RELATIVE_WORDS else "someone")
        message: Message = [
            part(
                "other.intro",
                benefit={"key": knowledge.benefits[benefit].name_key},
                who={"key": who_key},
            )
        ]
        rule_id = knowledge.situations[situation].rule_for(
            benefit, knowledge.benefits[benefit].family
        )
        rule = knowledge.rules[rule_id] if rule_id is not None else None
        # "Their agency must hear it" is wrong beside a rule that there is nothing to report.
        if rule is None or brief or not (rule.theirs and rule.nothing_to_report):
            message.append(_their_todo(knowledge, agency, who_key))
        if rule is not None:
            applied.append(rule.id)
            # The rule as it is for them, in their words; never the "je" of the person's own.
            if rule.theirs and not brief:
                inline, _ = _figures(knowledge, rule, None, today)
                message.append(keyed(rule.theirs_key, who={"key": who_key}, **inline))
        messages.append(message)
    messages.append([part("other.you")])
    answer = with_offer("other_person", messages)
    answer.rules = list(dict.fromkeys(applied))
    return answer


def _their_todo(knowledge: Knowledge, agency: str, who_key: str) -> Part:
    """Theirs to report to their agency: by when and how, where the agency has one way.
    A gemeente is the one where they live, not "je gemeente"."""
    name = {"key": knowledge.agencies[agency].name_key}
    reporting = agency_reporting(knowledge, knowledge.agencies[agency])
    if agency == "gemeente" and "deadline" in reporting:
        return part("other.todo.gemeente", who={"key": who_key}, deadline=reporting["deadline"])
    if {"deadline", "channel"} <= set(reporting):
        return part("other.todo.when", agency=name, **reporting)
    return part("other.todo", agency=name)


# Situations where money is earned: the income tax return is where it goes (rules-reference
# §0.4 tax categories: loon, winst, resultaat uit overige werkzaamheden).
EARNING_SITUATIONS = frozenset(
    {"hobby_income", "paid_services", "trading", "pet_breeding", "side_job", "self_employed"}
)


def agency_follow_up(knowledge: Knowledge, agencies: list[str], situation: str) -> Message:
    """A follow-up about an agency that pays the person nothing: what that agency needs."""
    message: Message = []
    for agency in agencies:
        if agency == "belastingdienst" and situation in EARNING_SITUATIONS:
            message.append(part("followup.tax"))
        elif agency != "belastingdienst":
            message.append(
                part(
                    "followup.not_your_agency", agency={"key": knowledge.agencies[agency].name_key}
                )
            )
    return message or [part("followup.tax_other", **every_reporting(knowledge))]


def registration_answer(knowledge: Knowledge, agencies: list[str]) -> Answer:
    """ "De gemeente geeft het toch door?": the address register (BRP) passes on an address,
    a birth or a death, not what changes in income or household (rules-reference §4)."""
    todo = [a for a in dict.fromkeys(agencies) if a in knowledge.agencies]
    messages: list[Message] = [[part("known.brp")]]
    if todo:
        names = [knowledge.agencies[a].name_key for a in todo]
        messages.append([part("known.brp.todo", agencies={"keys": names})])
    return with_offer("assumption", messages)
