"""The conversation frame: follow-ups, whose benefit it is, sums, feelings and safety.

The actions run with rasa-sdk's real Tracker; the parse data is what Rasa's NLU gives
(intent, the SituationReader's ranking). How well the readers read is measured by
`make nlu-cv` and the conversation cases in `make eval`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.questions import (
    ActionAnswerQuestion,
    ActionAnswerYesNo,
    ActionExplainAnswer,
    ActionRepeatAnswer,
)
from bot.domain.conversation.entities import MessageFacts, entities_in
from bot.domain.conversation.facts import Amount, amount_in, bare_amount, durations_days
from bot.domain.conversation.readings import read_ranking
from bot.domain.conversation.safety import feeling_first
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import read_message
from bot.domain.knowledge.sums import sums_for
from bot.shared.private_numbers import (
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    PLACEHOLDER,
    contains_private_number,
    is_bsn,
    redact,
)


def days_in(text: str) -> int | None:
    """The days the message names, as the conversation reads them from the entities."""
    return MessageFacts.from_entities(entities_in(text)).days


def parse(text: str, intent: str, situations: list[tuple[str, float]] = ()) -> dict[str, Any]:
    ranking = [{"name": name, "confidence": conf} for name, conf in situations]
    # The entities Rasa's FactExtractor gives the same text.
    return {
        "text": text,
        "intent": {"name": intent},
        "situations": ranking,
        "entities": entities_in(text),
    }


class Conversation:
    """Turns through the real actions, carrying the slots as Rasa would."""

    def __init__(self, **slots: Any) -> None:
        self.slots: dict[str, Any] = dict(slots)
        self.events: list[dict[str, Any]] = []

    async def say(
        self,
        text: str,
        intent: str,
        situations: list[tuple[str, float]] = (),
        action: Any = None,
        **parsed: Any,
    ) -> list[str]:
        """One user turn; `parsed`: more of Rasa's parse data (entities, feelings)."""
        latest = {**parse(text, intent, situations), **parsed}
        self.events.append({"event": "user", "text": text, "parse_data": latest})
        tracker = Tracker(
            "test", dict(self.slots), latest, list(self.events), False, None, {}, "action_listen"
        )
        dispatcher = CollectingDispatcher()
        result = await (action or ActionAnswerQuestion()).run(dispatcher, tracker, {})
        for event in result:
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        self.events += result
        return [
            part["key"] if "parts" in message else message["response"]
            for message in dispatcher.messages
            for part in message.get("parts") or [message]
        ]


async def test_a_changed_amount_is_answered_for_the_same_situation_with_the_sum() -> None:
    talk = Conversation()
    first = await talk.say(
        "ik heb bijstand en mn oom geeft me 400 euro", "ask_rules", [("gifts", 0.8)]
    )
    assert "rule.gift_bijstand.why" in first and "sum.year.once.under" in first
    again = await talk.say("en als hij het elke maand geeft?", "what_if", [("none", 0.9)])
    assert "rule.gift_bijstand.why" in again
    assert "sum.year.month.over" in again
    assert talk.slots["facts"] == {"amount": 400.0, "period": "month"}
    # A plain number after that is the new amount, with the period kept.
    smaller = await talk.say("en als het 90 is?", "what_if", [("none", 0.9)])
    assert "sum.year.month.under" in smaller  # 90 x 12 = 1.080, under 1.200 (2026)
    assert talk.slots["facts"] == {"amount": 90.0, "period": "month"}


async def test_a_follow_up_about_another_benefit_answers_only_that_benefit() -> None:
    talk = Conversation()
    await talk.say(
        "ik heb aow en huurtoeslag, mijn vriend komt bij me wonen",
        "ask_rules",
        [("partner_moving_in", 0.9)],
    )
    keys = await talk.say("en voor mijn huurtoeslag?", "what_if", [("none", 0.6)])
    assert "rule.partner_toeslagen.why" in keys
    assert "rule.partner_aow.why" not in keys
    assert "verdict.change.allowed_report" in keys  # a change in life, never "ja, dat mag"


async def test_why_explains_the_rules_of_the_last_answer() -> None:
    talk = Conversation()
    await talk.say(
        "ik verkoop mijn oude kleren op vinted, bijstand", "ask_rules", [("used_goods", 0.9)]
    )
    keys = await talk.say("waarom?", "why", action=ActionExplainAnswer())
    assert keys[:2] == ["why.intro", "rule.used_goods_bijstand.why"]
    assert (await Conversation().say("waarom?", "why", action=ActionExplainAnswer()))[0] == (
        "why.general"
    )


async def test_someone_elses_benefit_is_kept_in_the_household_not_as_the_persons_own() -> None:
    talk = Conversation()
    keys = await talk.say(
        "mijn zoon heeft studiefinanciering en gaat op kamers",
        "ask_rules",
        [("child_leaves", 0.9)],
    )
    # The son's benefit is not the person's: his rule, then which benefit the person has.
    assert keys[0] == "other.intro" and keys[-1] == "other.and_you"
    assert talk.slots["pending_question"] == "mijn zoon heeft studiefinanciering en gaat op kamers"
    assert talk.slots["household"] == {"zoon": ["studiefinanciering"]}
    assert talk.slots["benefits"] == []


async def test_two_close_readings_ask_which_one_with_buttons() -> None:
    talk = Conversation(benefits=["bijstand"])
    text = "het gaat om mijn broer, hij wil iets met mij"
    dispatcher_keys = await talk.say(
        text, "ask_rules", [("adult_moving_in", 0.4), ("side_job", 0.35), ("none", 0.1)]
    )
    assert dispatcher_keys == ["clarify.which"]
    assert talk.slots["pending_question"] == text
    keys = await talk.say(
        '/ask_rules{"situation": "adult_moving_in"}',
        "ask_rules",
        entities=[{"entity": "situation", "value": "adult_moving_in"}],
    )
    assert "rule.kostendeler_bijstand.why" in keys


async def test_a_private_number_sent_unasked_is_warned_about_first() -> None:
    keys = await Conversation().say("mijn bsn is 123456782, is mijn ww al betaald", "ask_own_case")
    assert keys[0] == "safety.private_data"
    assert "own_case.intro" in keys


async def test_a_feeling_comes_first_in_one_sentence() -> None:
    talk = Conversation(benefits=["bijstand"])
    keys = await talk.say(
        "ik ben zo bang, ik ben vergeten mijn werk door te geven",
        "ask_rules",
        feelings=[{"name": "fear", "confidence": 0.8}],
    )
    assert keys[:2] == ["feeling.fear", "mistake.intro"]


async def test_a_feeling_in_one_sentence_of_a_question_comes_first() -> None:
    sentences = [
        {"name": "anger", "confidence": 0.7, "sentence": "wat een gedoe!!"},
        {"name": "none", "confidence": 0.8, "sentence": "waarom moet die zorgtoeslag terug?"},
    ]
    keys = await Conversation(benefits=["toeslagen"]).say(
        "wat een gedoe!! waarom moet die zorgtoeslag terug?",
        "ask_rules",
        [("allowance_repayment", 0.8)],
        feelings=[{"name": "fear", "confidence": 0.4}, {"name": "anger", "confidence": 0.3}],
        feeling_sentences=sentences,
    )
    assert keys[0] == "feeling.anger" and "rule.toeslag_final_sum.why" in keys
    sentences[0]["confidence"] = 0.4  # not sure in any sentence: no feeling said
    calm = await Conversation(benefits=["toeslagen"]).say(
        "wat een gedoe!! waarom moet die zorgtoeslag terug?",
        "ask_rules",
        [("allowance_repayment", 0.8)],
        feelings=[{"name": "fear", "confidence": 0.4}],
        feeling_sentences=sentences,
    )
    assert not calm[0].startswith("feeling.")


def test_when_a_trip_starts_is_no_part_of_how_long_it_is() -> None:
    assert durations_days("over 3 weken wil ik 10 dagen naar kreta") == [10]
    assert durations_days("in 2 weeks i go to spain for 5 days") == [5]
    assert durations_days("3 weken geleden was ik 2 weken weg") == [14]
    assert durations_days("al 10 dagen geweest, nu nog 3 weken") == [10, 21]


def test_whose_benefit_is_read_within_its_own_sentence() -> None:
    kb = knowledge()
    own = read_message("ik zet ze duurder op marktplaats. zit in de bijstand. mag dat?", kb)
    assert own.had == ["bijstand"] and own.others == {}
    theirs = read_message("mijn vader is 80. hij heeft aow en wil naar spanje", kb)
    assert theirs.others == {"aow": "parent"}


def test_amounts_periods_and_durations_are_read() -> None:
    assert amount_in("en als het 300 euro per maand is?") == amount_in("€300 p/m")
    assert amount_in("ik krijg 1.200 euro per jaar").euros == 1200  # type: ignore[union-attr]
    assert amount_in("zo 5 per maand voor 20 euro").euros == 100  # type: ignore[union-attr]
    assert amount_in("geen bedrag hier") is None
    assert days_in("3 weken naar turkije") == 21
    # The period may come before the amount, and a bare number with a period is money ...
    assert amount_in("zij geeft me iedere maand 90 euro") == Amount(90.0, "month")
    assert amount_in("en als het er 60 per week is") == Amount(60.0, "week")
    assert amount_in("jaarlijks 500") == Amount(500.0, "year")
    # ... but hours, days and times a week are not.
    assert amount_in("ik werk 12 uur per week") is None
    assert amount_in("twee keer per maand") is None
    assert days_in("twee maanden") == 60
    # Trips named together count together; holiday days are days.
    assert days_in("al 5 vakantiedagen gehad en straks nog 2 weken") == 19
    assert days_in("they pay me 200 a month") is None  # a period, not a stay
    assert bare_amount("en als ze 21 wordt?") is None  # an age, not money


def test_whose_benefit_it_is() -> None:
    kb = knowledge()
    assert read_message("mijn moeder heeft aow en komt bij ons wonen", kb).others == {
        "aow": "parent"
    }
    assert read_message("mijn man en ik hebben allebei aow", kb).had == ["aow"]
    assert read_message("de aow van mijn schoonmoeder", kb).had == []
    assert read_message("wordt de aow van hem dan lager?", kb).had == []  # his, named before
    assert read_message("ik heb ww, mijn vriend heeft wia", kb).had == ["ww"]


def test_a_reading_is_only_sure_when_no_other_is_close() -> None:
    assert read_ranking([("gifts", 0.8), ("none", 0.1)]).label == "gifts"
    close = read_ranking([("gifts", 0.4), ("savings", 0.35)])
    assert close.ask_between == ["gifts", "savings"]
    assert read_ranking([("gifts", 0.4), ("savings", 0.35)], hint="savings").label == "savings"
    assert read_ranking([("none", 0.7), ("gifts", 0.2)]).label is None
    assert read_ranking([("none", 0.5), ("gifts", 0.2)], hint="gifts").label == "gifts"


def test_sums_use_the_figure_valid_on_the_day() -> None:
    kb = knowledge()
    day = dt.date(2026, 6, 1)
    facts = {"amount": 400.0, "period": "month"}
    [part] = sums_for(kb, "gift_bijstand", facts, day)
    assert part["key"] == "sum.year.month.over"
    assert part["args"] == {"amount": 400, "total": 4800, "limit": 1200, "year": 2026}
    assert sums_for(kb, "gift_bijstand", facts, dt.date(2025, 6, 1)) == []  # no figure yet
    days = sums_for(kb, "abroad_bijstand", {"days": 35}, day)
    assert days[0]["key"] == "sum.days.over"


def test_private_numbers_are_recognised_and_phone_numbers_are_not() -> None:
    assert is_bsn("123456782") and not is_bsn("123456789")
    assert contains_private_number("mijn iban is NL91 ABNA 0417 1643 00")
    assert not contains_private_number("bel me op 06 12345678")
    # Named as a BSN, nine digits are warned about even when the check digit is wrong.
    assert contains_private_number("hier is mijn bsn 987 654 321")
    assert not contains_private_number("mijn klantnummer is 987654321")


def test_private_numbers_are_cut_out_and_the_rest_of_the_message_stays() -> None:
    said = redact("mijn bsn is 123456782, en mijn rekening NL91ABNA0417164300. is mijn ww betaald?")
    assert "123456782" not in said and "0417164300" not in said
    assert said.count(PLACEHOLDER) == 2 and said.endswith("is mijn ww betaald?")
    assert contains_private_number(said)  # the warning is still given for it
    assert redact("digid wachtwoord: Zon23ne! dank") == f"digid wachtwoord: {PLACEHOLDER} dank"
    for kept in ("ik ben mijn digid code kwijt", "klantnr 987654321", "op 01-12-2026, 1200 euro"):
        assert redact(kept) == kept


def test_phone_numbers_and_e_mail_addresses_are_cut_out_except_when_asked_for() -> None:
    said = redact("bel me op 06 12345678 of +31 20 123 4567, mail a.jansen@example.nl")
    assert said == (
        f"bel me op {PHONE_PLACEHOLDER} of {PHONE_PLACEHOLDER}, mail {EMAIL_PLACEHOLDER}"
    )
    assert not contains_private_number(said)  # no "deel dit niet" for a phone number
    # The handoff asked for a number: it is sealed, not kept in clear.
    assert redact("op 06 12345678 graag", seal_phone=lambda n: f"<{len(n)}>") == "op <11> graag"


async def test_too_hard_says_the_last_answer_again_shorter() -> None:
    talk = Conversation()
    await talk.say(
        "mijn zus uit polen komt bij mij wonen, ik heb bijstand",
        "ask_rules",
        [("adult_moving_in", 0.9)],
    )
    keys = await talk.say("ik snap het niet", "say_simpler", action=ActionRepeatAnswer())
    assert keys == [
        "simpler.intro",
        "verdict.change.allowed_report",
        "rule.kostendeler_bijstand.todo",
    ]
    assert await Conversation().say("te moeilijk", "say_simpler", action=ActionRepeatAnswer()) == [
        "simpler.nothing"
    ]


async def test_someone_moving_in_with_a_toeslag_hears_of_the_address_register() -> None:
    talk = Conversation()
    keys = await talk.say(
        "mijn vriend trekt bij me in, ik krijg huurtoeslag",
        "ask_rules",
        [("partner_moving_in", 0.9)],
    )
    assert keys.index("rule.brp_move_in.why") > keys.index("verdict.change.allowed_report")


async def test_selling_home_baked_food_names_the_nvwa_after_the_verdict() -> None:
    talk = Conversation()
    keys = await talk.say(
        "ik heb bijstand en wil zelfgemaakte jam verkopen op de braderie",
        "ask_rules",
        [("hobby_income", 0.9)],
    )
    assert keys[0].startswith("verdict.") and "rule.food_nvwa.why" in keys
    knitted = await Conversation().say(
        "ik heb bijstand en wil gebreide sjaals verkopen op de braderie",
        "ask_rules",
        [("hobby_income", 0.9)],
    )
    assert "rule.food_nvwa.why" not in knitted


async def test_a_fact_word_in_a_short_reply_keeps_the_topic() -> None:
    talk = Conversation()
    await talk.say(
        "mijn nicht komt bij mij wonen, ik heb bijstand", "ask_rules", [("adult_moving_in", 0.9)]
    )
    # "werkt" names work to the term lists, but the reader does not hear work in it.
    keys = await talk.say("ze is 31, werkt niet", "inform", [("none", 0.6)])
    assert "rule.kostendeler_bijstand.why" in keys and not any("work" in k for k in keys)


async def test_asking_about_an_agency_the_checklist_does_not_name_answers_that_only() -> None:
    talk = Conversation()
    first = await talk.say(
        "ik zat in de ziektewet en ben weer beter, wie moet dat weten?",
        "ask_checklist",
        [("recovered", 0.9)],
    )
    assert any(k.startswith("checklist.") for k in first)
    keys = await talk.say("moet de gemeente het ook weten?", "ask_rules", [("none", 0.7)])
    assert "followup.not_your_agency" in keys
    assert not any(k.startswith("checklist.") for k in keys)


async def test_asking_about_an_agency_on_the_checklist_gives_the_list_again() -> None:
    talk = Conversation()
    await talk.say(
        "ik heb bijstand en ga verhuizen, wie moet dat weten?", "ask_checklist", [("moving", 0.9)]
    )
    keys = await talk.say("moet de gemeente het ook weten?", "ask_rules", [("none", 0.7)])
    assert "followup.not_your_agency" not in keys
    assert any(k.startswith("checklist.") for k in keys)


async def test_a_question_about_a_relatives_benefit_is_answered_for_theirs_and_followed_up() -> (
    None
):
    talk = Conversation()
    first = await talk.say(
        "mijn oma heeft aow en er komt een vriend bij haar inwonen",
        "ask_rules",
        [("partner_moving_in", 0.8)],
    )
    assert "other.intro" in first and "ask.benefit" not in " ".join(first)
    rule_keys = [key for key in first if key.startswith("rule.")]
    # The rule for her AOW, in words about her (never the "je" of the person's own rule),
    # not a question about the person's own benefit.
    assert rule_keys == ["rule.partner_aow.theirs"]
    again = await talk.say("wordt die van haar dan lager?", "what_if", [("none", 0.9)])
    assert "other.intro" in again and [k for k in again if k.startswith("rule.")] == rule_keys


async def test_a_new_number_that_does_not_change_the_rule_is_said_back() -> None:
    talk = Conversation()
    first = await talk.say(
        "ik heb bijstand en verkoop zelfgemaakte kaarsen", "ask_rules", [("hobby_income", 0.8)]
    )
    assert not first[0].startswith("follow_up.same")
    again = await talk.say("en als het 70 euro per maand wordt?", "what_if", [("none", 0.9)])
    assert again[0] == "follow_up.same.amount.month"
    assert [k for k in again if k.startswith("rule.")] == [
        k for k in first if k.startswith("rule.")
    ]
    hours = await talk.say("het kost me zo 5 uur", "inform", [("none", 0.9)])
    assert hours[0] == "follow_up.same.hours"


async def test_someone_elses_income_is_answered_for_the_persons_own_benefits() -> None:
    talk = Conversation()
    keys = await talk.say(
        "ik heb ww en zorgtoeslag, mijn vrouw gaat meer verdienen. telt dat mee?",
        "ask_rules",
        [("household_income", 0.8)],
    )
    assert "rule.household_income_uwv.why" in keys  # UWV looks at her income only for a TW
    assert "rule.household_income_toeslagen.why" in keys
    assert talk.slots["benefits"] == ["ww", "zorgtoeslag"]


async def test_a_short_follow_up_with_two_close_readings_goes_on_without_asking() -> None:
    talk = Conversation()
    await talk.say("ik heb bijstand en mijn oom geeft me 300 euro", "ask_rules", [("gifts", 0.8)])
    keys = await talk.say(
        "en voor mijn huurtoeslag dan?",
        "ask_rules",
        [("household_income", 0.42), ("platform_dac7", 0.38), ("none", 0.1)],
    )
    assert "clarify.which" not in keys and talk.slots["situation"] == "gifts"
    assert "rule.toeslagen_savings.why" in keys  # the gift rule for a toeslag


async def test_who_decides_inside_a_question_is_said_before_the_rules() -> None:
    talk = Conversation()
    keys = await talk.say(
        "ik heb bijstand en doe soms klusjes voor een oom. wie bepaalt of dat meetelt?",
        "ask_rules",
        [("paid_services", 0.8)],
    )
    assert keys[0] == "no_decision.who" and any(k.startswith("rule.") for k in keys)
    plain = await Conversation().say(
        "ik heb bijstand en doe soms klusjes voor een oom", "ask_rules", [("paid_services", 0.8)]
    )
    assert "no_decision.short" not in plain


async def test_an_age_said_later_makes_the_answer_precise_without_asking_first() -> None:
    talk = Conversation()
    first = await talk.say(
        "ik heb bijstand en vlecht soms haar voor buurmeisjes", "ask_rules", [("hobby_income", 0.8)]
    )
    assert "rule.income_bijstand.why" in first and "ask.age" not in first
    young = await talk.say("ik ben 24", "inform", [("none", 0.9)])
    assert "rule.income_bijstand_under27.why" in young
    older = await talk.say("en als ik 31 was?", "what_if", [("none", 0.9)])
    assert "rule.income_bijstand_27plus.why" in older


async def test_a_reason_not_to_report_is_answered_with_the_fact() -> None:
    talk = Conversation()
    await talk.say(
        "ik heb bijstand en mijn vriend slaapt vaak hier", "ask_rules", [("partner_moving_in", 0.8)]
    )
    keys = await talk.say("moet dat echt? hij heeft toch zijn eigen woning", "ask_conceal")
    assert keys[:2] == ["conceal.short", "conceal.reason.own_home"]
    assert any(key.startswith("rule.") for key in keys)


def test_every_reason_not_to_report_has_a_text() -> None:
    from bot.domain.conversation.turn import CONCEAL_REASONS
    from bot.i18n.maintenance import extract_template

    template = extract_template()
    assert CONCEAL_REASONS and all(f"conceal.reason.{key}" in template for key in CONCEAL_REASONS)


async def test_losing_a_job_gives_the_list_with_childcare_running_on() -> None:
    talk = Conversation()
    keys = await talk.say(
        "mijn contract stopt eind van de maand, ik krijg kinderopvangtoeslag. nu?",
        "ask_rules",
        [("job_lost", 0.8)],
    )
    assert "event.job_lost.toeslagen" in keys and "event.job_lost.uwv" in keys


async def test_a_second_change_the_words_and_the_reader_name_goes_on_the_same_list() -> None:
    text = "ik heb ww. mijn vriend komt bij me wonen en ik ga werken bij de bakker"
    both = await Conversation().say(
        text, "ask_rules", [("partner_moving_in", 0.56), ("side_job", 0.3)]
    )
    assert "checklist.intro" in both and "event.work_start.uwv" in both
    # Words alone, without the reader hearing it, add no second change.
    one = await Conversation().say(text, "ask_rules", [("partner_moving_in", 0.9)])
    assert "event.work_start.uwv" not in one


def test_a_plain_number_is_an_amount_only_when_nothing_else_is_counted() -> None:
    assert bare_amount("en als het 1.500 is?") == 1500
    assert bare_amount("ze is 15") is None  # an age
    assert bare_amount("en 6 weken?") is None  # a duration
    assert bare_amount("2 of 3 keer") is None


async def test_thoughts_of_not_wanting_to_live_get_the_crisis_line_first() -> None:
    keys = await Conversation().say(
        "ik weet het echt niet meer",
        "inform",
        [("none", 0.9)],
        feelings=[{"name": "none", "confidence": 0.6}, {"name": "crisis", "confidence": 0.35}],
    )
    assert keys[0] == "feeling.crisis"


async def test_a_bare_age_after_an_answer_for_both_ages_makes_it_precise() -> None:
    talk = Conversation(benefits=["bijstand"])
    await talk.say(
        "krijg ik als vrijwilliger in de bijstand een vergoeding",
        "ask_rules",
        [("volunteering", 0.8)],
    )
    assert "rule.volunteer_bijstand_27plus.why" in await talk.say("41", "inform", [("none", 0.9)])
    # Hours are no age.
    talk = Conversation(benefits=["bijstand"])
    await talk.say(
        "krijg ik als vrijwilliger in de bijstand een vergoeding",
        "ask_rules",
        [("volunteering", 0.8)],
    )
    assert "age" not in (talk.slots.get("facts") or {})
    await talk.say("20 uur", "inform", [("none", 0.9)])
    assert "age" not in (talk.slots.get("facts") or {})


async def test_a_mistake_with_an_amount_gets_the_sum_after_the_calm_part() -> None:
    keys = await Conversation(benefits=["bijstand"]).say(
        "oeps, mijn broer geeft me al een jaar 300 euro per maand en dat heb ik nooit gemeld",
        "ask_rules",
        [("gifts", 0.8)],
    )
    assert keys[0] == "mistake.intro" and "sum.year.month.over" in keys


async def test_a_relatives_agency_in_a_follow_up_answers_for_the_relatives_benefit() -> None:
    talk = Conversation()
    await talk.say(
        "mijn opa heeft aow en wil voor altijd in suriname gaan wonen",
        "ask_rules",
        [("emigrating", 0.8)],
    )
    # "ze"/"hij" afterwards: the relative named before, not the person.
    await talk.say("hij heeft ook zorgtoeslag", "inform", [("none", 0.9)])
    assert talk.slots["household"] == {"opa": ["aow", "zorgtoeslag"]}
    keys = await talk.say("moet hij dat zelf aan de svb melden?", "ask_rules", [("none", 0.9)])
    assert "followup.not_your_agency" not in keys  # his list, with his AOW at the SVB
    assert keys[0] == "checklist.intro" and any(k.startswith("event.emigrating") for k in keys)


async def test_her_benefit_asked_next_to_the_own_is_answered_after_the_own() -> None:
    keys = await Conversation().say(
        "ik heb bijstand en mijn vriend met ww komt bij me wonen, wat gebeurt er met zijn ww?",
        "ask_rules",
        [("partner_moving_in", 0.8)],
    )
    assert "rule.partner_moving_in_bijstand.why" in keys or any("bijstand" in k for k in keys)
    assert "other.intro" in keys and keys.index("other.intro") > 0


async def test_anger_with_a_question_about_a_benefit_is_answered_too() -> None:
    keys = await Conversation().say(
        "wat een onzin!! 2 dagen uitzendwerk gedaan en nu krijg ik minder ww??",
        "complain",
        [("none", 0.5), ("side_job", 0.2)],
        feelings=[{"name": "anger", "confidence": 0.8}],
    )
    assert keys[0] == "feeling.anger" and any(k.startswith("rule.") for k in keys)


async def test_a_statement_that_denies_the_situation_read_goes_on_with_the_topic() -> None:
    talk = Conversation(benefits=["aow"])
    await talk.say("mijn vrouw en ik doen vrijwilligerswerk", "ask_rules", [("volunteering", 0.8)])
    before = talk.slots["situation"]
    await talk.say("wij gaan niet scheiden hoor", "inform", [("separation", 0.7)])
    assert talk.slots["situation"] == before


async def test_studying_says_whether_the_child_of_27_is_a_kostendeler() -> None:
    talk = Conversation(benefits=["bijstand"])
    await talk.say(
        "mijn dochter wordt volgende maand 27 en woont thuis",
        "ask_rules",
        [("child_birthday", 0.8)],
    )
    keys = await talk.say("ze krijgt nog stufi", "inform", [("none", 0.9)])
    assert keys[0] == "student.no_kostendeler"
    keys = await talk.say("en als ze klaar met studeren is?", "what_if", [("none", 0.9)])
    assert keys[0] == "student.stops"


async def test_unpaid_work_next_to_ww_still_counts_in_hours() -> None:
    talk = Conversation(benefits=["ww"])
    await talk.say(
        "ik help 2 dagen per week in de zaak van mijn neef", "ask_rules", [("side_job", 0.8)]
    )
    keys = await talk.say("ik doe het voor niks hoor", "inform", [("none", 0.9)])
    assert keys[0] == "ww.unpaid_counts"


async def test_when_the_ww_is_paid_is_answered_with_what_is_known() -> None:
    keys = await Conversation(benefits=["ww"]).say(
        "op welke dag wordt het geld gestort?", "ask_rules"
    )
    assert keys[:2] == ["own_case.intro", "own_case.paid.uwv"]


async def test_a_new_amount_stays_with_a_topic_that_has_a_limit_on_money_only() -> None:
    talk = Conversation(benefits=["wia"])
    await talk.say("ik ben vrijwilliger bij de bieb", "ask_rules", [("volunteering", 0.8)])
    await talk.say(
        "krijg ik minder als ze mij 120 euro per maand betalen?",
        "ask_rules",
        [("paid_services", 0.5)],
    )
    assert talk.slots["situation"] == "volunteering"
    talk = Conversation(benefits=["kinderbijslag"])
    await talk.say("mijn zoon gaat bij zijn vader wonen", "ask_rules", [("child_leaves", 0.8)])
    await talk.say(
        "mag ik in de tussentijd eenmalig 40 euro van mijn oom krijgen?",
        "ask_rules",
        [("gifts", 0.6)],
    )
    assert talk.slots["situation"] == "gifts"


def test_a_relative_named_further_back_still_owns_the_benefit() -> None:
    kb = knowledge()
    theirs = read_message("mijn zus woont in utrecht en zit sinds kort in de bijstand", kb)
    assert theirs.others == {"bijstand": "sibling"}
    # A word of the person's own comes first: the benefit is theirs.
    own = read_message("mijn zus woont in utrecht en krijgt niks, heb zelf bijstand", kb)
    assert own.had == ["bijstand"]


async def test_the_member_who_moves_in_decides_between_partner_and_another_adult() -> None:
    close = [("partner_moving_in", 0.4), ("adult_moving_in", 0.35)]
    parent = await Conversation().say(
        "mijn vader komt bij mij in huis, ik heb bijstand", "ask_rules", close
    )
    assert "rule.kostendeler_bijstand.why" in parent
    friends = await Conversation().say(
        "een vriendin van me trekt bij me in, gewoon vriendinnen. ik heb bijstand",
        "ask_rules",
        close,
    )
    assert "rule.kostendeler_bijstand.why" in friends
    partner = await Conversation().say(
        "mijn ex wil terugkomen, ik heb bijstand", "ask_rules", close
    )
    assert "clarify.which" not in partner and "rule.kostendeler_bijstand.why" not in partner


async def test_a_place_abroad_with_a_length_of_stay_is_a_trip() -> None:
    keys = await Conversation().say(
        "mijn tante is ziek, ik wil 3 weken bij haar in ghana zijn. ik heb bijstand",
        "ask_rules",
        [("sick", 0.38), ("abroad", 0.3)],
    )
    assert "rule.abroad_bijstand.why" in keys


async def test_a_child_is_never_a_toeslagpartner() -> None:
    keys = await Conversation().say(
        "mijn zoon komt terug naar huis, wordt hij mijn toeslagpartner? ik heb huurtoeslag",
        "ask_rules",
        [("adult_moving_in", 0.8)],
    )
    assert keys[0] == "toeslagen.family_not_partner"


async def test_a_forgotten_form_on_ww_hears_of_the_monthly_income_form() -> None:
    keys = await Conversation().say("ik ben mijn formulier vergeten, ik heb ww", "inform")
    assert "mistake.ww_income_form" in keys


async def test_a_topic_named_only_in_a_denial_keeps_the_topic() -> None:
    talk = Conversation(benefits=["ww"])
    await talk.say("ik ga 2 maanden naar canada, ik heb ww", "ask_rules", [("abroad_long", 0.8)])
    keys = await talk.say(
        "moet ik de gemeente het ook laten weten? ik ga namelijk niet voorgoed weg hoor",
        "ask_rules",
        [("emigrating", 0.55)],
        situation_sentences=[
            {
                "name": "none",
                "confidence": 0.8,
                "sentence": "moet ik de gemeente het ook laten weten?",
            },
            {
                "name": "none",
                "confidence": 0.5,
                "sentence": "ik ga namelijk niet voorgoed weg hoor",
            },
        ],
    )
    assert not any(key.startswith("checklist.") for key in keys)
    assert "rule.abroad_ww.why" in keys or any("agency" in key for key in keys)


async def test_each_change_in_a_long_message_is_on_the_list_with_its_own_date() -> None:
    text = (
        "Op 3 april trekt mijn vriendin bij me in. In juni begin ik met een nieuwe klus van 16 uur."
    )
    sentences = [
        {
            "name": "partner_moving_in",
            "confidence": 0.9,
            "sentence": "Op 3 april trekt mijn vriendin bij me in.",
        },
        {
            "name": "side_job",
            "confidence": 0.8,
            "sentence": "In juni begin ik met een nieuwe klus van 16 uur.",
        },
    ]
    talk = Conversation(benefits=["bijstand"])
    await talk.say(text, "ask_rules", [("partner_moving_in", 0.7)], situation_sentences=sentences)
    kept = talk.slots["checklist"]
    assert kept["events"] == ["partner_moving_in", "work_start"]
    assert kept["event_days"]["partner_moving_in"].endswith("-04-03")
    assert kept["event_days"]["work_start"].endswith("-06-01")


async def test_a_follow_up_that_only_names_a_benefit_keeps_the_topic_however_sure_the_reader() -> (
    None
):
    talk = Conversation()
    await talk.say(
        "ik heb bijstand en verkoop mijn oude spullen", "ask_rules", [("used_goods", 0.9)]
    )
    keys = await talk.say("en voor mijn huurtoeslag?", "ask_rules", [("household_income", 0.8)])
    assert any(key.startswith("rule.") and "used" in key for key in keys), keys


async def test_work_of_someone_else_at_home_is_their_income() -> None:
    talk = Conversation(benefits=["bijstand"])
    keys = await talk.say(
        "zij heeft nu een baantje in de supermarkt", "inform", [("side_job", 0.7)]
    )
    assert "rule.work_bijstand.why" not in keys
    assert talk.slots["situation"] == "household_income"


def test_half_a_year_is_a_duration() -> None:
    assert days_in("ze gaat een half jaar naar portugal") == 182


def test_asking_whether_to_report_is_no_missed_report() -> None:
    kb = knowledge()
    assert not read_message("hoeft dat niet doorgegeven te worden?", kb).mistake
    assert not read_message("she says they will never find out, should she tell uwv", kb).mistake
    assert read_message("ik heb het nooit doorgegeven aan de gemeente", kb).mistake


async def test_a_parent_moving_in_leaves_the_aow_as_it_is() -> None:
    keys = await Conversation(benefits=["aow"]).say(
        "mijn vader komt bij me inwonen", "ask_rules", [("adult_moving_in", 0.8)]
    )
    assert "rule.adult_aow_family.why" in keys and "rule.adult_aow.why" not in keys


def test_condolences_only_where_someone_died() -> None:
    assert feeling_first("grief", "mijn zoon gaat bij zijn oma in marokko wonen") is None
    assert feeling_first("grief", "mijn oma is vorige week overleden") is not None


async def test_a_child_staying_abroad_for_months_is_a_long_stay_abroad() -> None:
    keys = await Conversation(benefits=["kinderbijslag"]).say(
        "mijn zoon gaat 5 maanden bij zijn tante in turkije wonen",
        "ask_rules",
        [("child_leaves", 0.8)],
    )
    assert any(key.startswith("rule.abroad_kinderbijslag") for key in keys), keys


async def test_a_since_sentence_is_context_and_the_other_sentence_the_news() -> None:
    sentences = [
        {
            "name": "partner_died",
            "confidence": 0.7,
            "sentence": "sinds mijn vrouw overleed heb ik anw.",
        },
        {
            "name": "paid_services",
            "confidence": 0.7,
            "sentence": "nu knip ik soms buren voor geld.",
        },
    ]
    keys = await Conversation().say(
        "sinds mijn vrouw overleed heb ik anw. nu knip ik soms buren voor geld.",
        "ask_rules",
        [("partner_died", 0.6)],
        situation_sentences=sentences,
    )
    assert any(key.startswith("rule.anw_income") for key in keys), keys


async def test_after_a_mistake_a_short_question_is_about_putting_it_right() -> None:
    talk = Conversation(benefits=["ww"])
    await talk.say("i left my extra hours off the income form", "inform")
    keys = await talk.say("how do i fix it", "out_of_scope")
    assert "mistake.intro" in keys


async def test_why_report_it_says_what_to_report_too() -> None:
    talk = Conversation()
    await talk.say("ik heb bijstand en doe vrijwilligerswerk", "ask_rules", [("volunteering", 0.9)])
    keys = await talk.say("waarom moet ik het melden?", "why", action=ActionExplainAnswer())
    assert "rule.volunteer_bijstand.todo" in keys


async def test_a_number_said_alone_after_an_age_rule_is_the_age() -> None:
    talk = Conversation()
    await talk.say(
        "ik heb bijstand en krijg 90 euro per maand vrijwilligersvergoeding",
        "ask_rules",
        [("volunteering", 0.9)],
    )
    keys = await talk.say("29", "inform")
    assert "rule.volunteer_bijstand_27plus.why" in keys


async def test_a_mistake_about_something_free_of_reporting_says_the_rule() -> None:
    keys = await Conversation().say(
        "de gemeente wil geld terug want ik heb mijn verkopen niet gemeld, het waren mijn"
        " eigen oude spullen. ik heb bijstand",
        "inform",
        [("used_goods", 0.8)],
    )
    assert keys.index("mistake.maybe_free") < keys.index("rule.used_goods_bijstand.why")


def test_the_placeholder_for_a_private_number_names_no_mistake() -> None:
    assert not read_message(
        f"kun je zijn dossier bekijken? zijn bsn is {PLACEHOLDER}", knowledge()
    ).mistake


async def test_a_later_answer_never_reads_as_undoing_an_earlier_one() -> None:
    talk = Conversation(benefits=["ww"])
    first = await talk.say("ik ga 10 uur per week werken", "ask_rules", [("side_job", 0.9)])
    assert "answer.earlier_still_holds" not in first
    later = await talk.say(
        "en mijn moeder woont nu bij mij, verandert dat iets?",
        "ask_rules",
        [("adult_moving_in", 0.9)],
    )
    assert "answer.earlier_still_holds" in later


def test_the_words_do_not_overrule_an_unsure_reading_of_the_current_situation() -> None:
    ranking = [("volunteering", 0.49), ("gifts", 0.28), ("none", 0.05)]
    assert read_ranking(ranking, "gifts").label == "gifts"
    assert read_ranking(ranking, "gifts", current="volunteering").label == "volunteering"
    assert read_ranking(ranking, "gifts", current="abroad").label == "gifts"


def test_no_condolences_for_a_birth_whose_words_hold_a_loss_word() -> None:
    assert feeling_first("grief", "mijn vrouw is net bevallen, moet ik de svb bellen?") is None
    assert feeling_first("grief", "ik ben doodmoe van al die formulieren") is None
    assert feeling_first("grief", "mijn vrouw is vorige maand overleden") is not None


async def test_a_line_for_single_parents_is_one_question_when_not_known() -> None:
    talk = Conversation()
    keys = await talk.say(
        "ik ben 34, heb bijstand en kan 12 uur per week gaan werken in een bakkerij",
        "ask_rules",
        [("side_job", 0.9)],
    )
    assert "rule.work_bijstand_27plus.why" in keys
    assert "rule.work_bijstand_27plus.single_parent" not in keys
    assert keys[-1] == "condition.single_parent.question"  # instead of the offer
    yes = await talk.say("ja", "affirm", action=ActionAnswerYesNo())
    assert yes[:2] == ["condition.yes", "rule.work_bijstand_27plus.single_parent"]
    # Known now: the next answer has the line and asks nothing.
    again = await talk.say("en als het 20 uur wordt?", "what_if", [("none", 0.7)])
    assert "rule.work_bijstand_27plus.single_parent" in again
    assert "condition.single_parent.question" not in again
    done = await talk.say("ja", "affirm", action=ActionAnswerYesNo())
    assert done == ["utter_what_more"]  # nothing was asked: a yes asks what more


async def test_no_to_the_question_leaves_the_line_out_for_good() -> None:
    talk = Conversation()
    await talk.say("ik heb bijstand, ik ben 40 en ga werken", "ask_rules", [("side_job", 0.9)])
    no = await talk.say("nee", "deny", action=ActionAnswerYesNo())
    assert no[0] == "condition.no"
    again = await talk.say("en als ik 10 uur werk?", "what_if", [("none", 0.7)])
    assert not any(key.endswith(".single_parent") or key.startswith("condition.") for key in again)


async def test_who_says_they_are_a_single_parent_gets_the_line_without_a_question() -> None:
    keys = await Conversation().say(
        "alleenstaande moeder met bijstand, ik kan 3 ochtenden werken",
        "ask_rules",
        [("side_job", 0.9)],
    )
    assert "rule.work_bijstand.single_parent" in keys
    assert "condition.single_parent.question" not in keys
    # Someone who has no such line (WW) is asked nothing.
    ww = await Conversation().say(
        "ik heb ww en ga 2 dagen werken", "ask_rules", [("side_job", 0.9)]
    )
    assert not any(key.startswith("condition.") for key in ww)


def test_fear_hears_about_fines_only_where_a_report_or_its_consequences_are_the_worry() -> None:
    def key(text: str, mistake: bool = False) -> str:
        answer = feeling_first("fear", text, mistake)
        assert answer is not None
        return str(answer.messages[0][0]["key"])

    assert key("ik weet niet waar ik moet beginnen, ik ben bang") == "feeling.fear.worry"
    assert key("ik ben bang, krijg ik nu een boete?") == "feeling.fear"
    assert key("ik ben het vergeten te melden", mistake=True) == "feeling.fear"
    assert key("word ik opgepakt? gevangenis?") == "feeling.fear.prison"


async def test_a_missed_report_to_uwv_says_how_high_its_fine_can_be() -> None:
    ww = await Conversation().say("ik heb ww en ben vergeten mijn bijbaan te melden", "ask_rules")
    assert "mistake.intro" in ww and "mistake.fine.uwv" in ww
    gemeente = await Conversation().say(
        "ik heb bijstand en ben vergeten iets te melden", "ask_rules"
    )
    assert "mistake.intro" in gemeente and "mistake.fine.uwv" not in gemeente


async def test_a_day_out_on_ww_is_no_holiday_day_and_a_trip_is_counted() -> None:
    day = await Conversation(benefits=["ww"]).say(
        "moet ik een dagje naar zee doorgeven?", "ask_rules", [("abroad", 0.8)]
    )
    assert "rule.abroad_ww_day.why" in day and "rule.abroad_ww.why" not in day
    trip = await Conversation(benefits=["ww"]).say(
        "over 2 weken ga ik 12 dagen naar spanje", "ask_rules", [("abroad", 0.8)]
    )
    assert "rule.abroad_ww_days.why" in trip and any(k.startswith("sum.") for k in trip)


async def test_a_relatives_benefit_said_first_is_noted_and_her_work_answered_for_it() -> None:
    talk = Conversation()
    noted = await talk.say(
        "ik regel de papieren van mijn zoon, hij heeft een wajong uitkering", "inform"
    )
    assert noted == ["answer.their_benefit_noted"]
    work = await talk.say("hij kan 6 uur per week in een fietsenwinkel werken", "ask_rules",
                          [("side_job", 0.8)])  # fmt: skip
    assert "other.intro" in work and "rule.wajong_income.theirs" in work


async def test_moving_in_with_ones_parents_is_a_move_not_someone_moving_in() -> None:
    keys = await Conversation(benefits=["studiefinanciering"]).say(
        "na de zomer trek ik weer in bij mijn vader", "ask_rules", [("adult_moving_in", 0.6)]
    )
    assert any(k.startswith("checklist.") for k in keys)
    assert not any("moving_in" in k for k in keys)


async def test_asked_whether_to_report_for_him_the_answer_is_about_his_benefit() -> None:
    talk = Conversation(benefits=["zorgtoeslag"])
    await talk.say(
        "mijn vriend heeft ww en gaat 10 dagen naar portugal", "ask_rules", [("abroad", 0.8)]
    )
    keys = await talk.say("moet ik dat voor hem regelen?", "ask_rules", [("none", 0.8)])
    assert "other.intro" in keys and "other.todo.when" in keys  # his to report, to UWV


async def test_a_child_who_starts_working_is_household_income_not_the_persons_work() -> None:
    keys = await Conversation(benefits=["bijstand"]).say(
        "mijn zoon van 16 gaat vakkenvullen, 8 uur in de week", "ask_rules", [("side_job", 0.8)]
    )
    assert "rule.household_income_bijstand.why" in keys
    mine = await Conversation(benefits=["bijstand"]).say(
        "mijn zoon is 16 en ik ga zelf vakkenvullen", "ask_rules", [("side_job", 0.8)]
    )
    assert "rule.household_income_bijstand.why" not in mine


async def test_the_age_of_who_moves_in_says_whether_they_are_a_kostendeler() -> None:
    talk = Conversation(benefits=["bijstand"])
    young = await talk.say(
        "mijn neef komt een tijdje bij me wonen, hij is 23", "ask_rules", [("adult_moving_in", 0.8)]
    )
    assert "kostendeler.age.under" in young
    assert "rule.kostendeler_bijstand.why" not in young  # not "je bijstand wordt lager"
    older = await talk.say("en als hij 29 is?", "what_if", [("none", 0.8)])
    assert "kostendeler.age.over" in older and "kostendeler.age.under" not in older


async def test_two_close_readings_where_one_answer_covers_the_other_are_not_asked() -> None:
    talk = Conversation(benefits=["bijstand"])
    keys = await talk.say(
        "ik heb al veel van mijn eigen spullen online verkocht, krijg ik nu een brief",
        "ask_rules",
        [("used_goods", 0.4), ("platform_dac7", 0.35), ("none", 0.1)],
    )
    assert "clarify.which" not in keys
    assert "rule.dac7.why" in keys


async def test_does_the_register_not_pass_it_on_after_a_list_names_who_still_must_hear() -> None:
    talk = Conversation()
    await talk.say(
        "mijn vrouw is overleden, ik heb huurtoeslag", "ask_rules", [("partner_died", 0.9)]
    )
    keys = await talk.say("maar de gemeente geeft dat toch door aan iedereen?", "ask_rules")
    assert keys[:2] == ["known.brp", "known.brp.todo"]
    assert "followup.not_your_agency" not in keys  # "je noemde geen uitkering van je gemeente"


def test_a_report_left_undone_in_the_past_is_a_mistake() -> None:
    kb = knowledge()
    for text in (
        "ik heb een half jaar oppaswerk gedaan en niks tegen de gemeente gezegd",
        "die maanden extra werk heb ik nooit in de inkomstenopgave gezet",
    ):
        assert read_message(text, kb).mistake, text
    for text in ("hoef ik niks te melden als het onbetaald is?", "moet ik niets doorgeven"):
        assert not read_message(text, kb).mistake, text


def test_a_close_reading_whose_answer_covers_the_other_is_given_without_asking() -> None:
    covers = {"platform_dac7": ("used_goods",)}
    close = [("used_goods", 0.4), ("platform_dac7", 0.35)]
    assert read_ranking(close, covers=covers).label == "platform_dac7"
    assert read_ranking(close, covers=covers).ask_between == []
    assert read_ranking(close).ask_between == ["used_goods", "platform_dac7"]


async def test_a_message_surely_felt_takes_the_feeling_of_its_surest_sentence() -> None:
    text = (
        "WAAROM krijg ik een rekening van toeslagen?? "
        "ik snap er echt helemaal niks van, dit slaat toch echt nergens op"
    )
    sentences = [
        {
            "name": "fear",
            "confidence": 0.45,
            "sentence": "WAAROM krijg ik een rekening van toeslagen??",
        },
        {
            "name": "anger",
            "confidence": 0.7,
            "sentence": "ik snap er echt helemaal niks van, dit slaat toch echt nergens op",
        },
    ]
    felt = [{"name": "fear", "confidence": 0.48}, {"name": "anger", "confidence": 0.44}]
    keys = await Conversation(benefits=["huurtoeslag"]).say(
        text,
        "ask_rules",
        [("allowance_repayment", 0.8)],
        feelings=[*felt, {"name": "none", "confidence": 0.05}],
        feeling_sentences=sentences,
    )
    assert keys[0] == "feeling.anger"
    calm = await Conversation(benefits=["huurtoeslag"]).say(
        text,
        "ask_rules",
        [("allowance_repayment", 0.8)],
        feelings=[*felt, {"name": "none", "confidence": 0.3}],
        feeling_sentences=sentences,
    )
    assert not calm[0].startswith("feeling.")


async def test_a_why_about_another_topic_is_answered_as_its_own_question() -> None:
    talk = Conversation(benefits=["ww"])
    keys = await talk.say(
        "waarom moet ik eigenlijk elke maand dat formulier invullen",
        "why",
        [("ww_income_form", 0.8)],
        action=ActionExplainAnswer(),
    )
    assert keys == []
    assert talk.events[-1]["event"] == "followup"
    assert talk.events[-1]["name"] == "action_answer_question"
    keys = await talk.say(
        "waarom moet ik eigenlijk elke maand dat formulier invullen",
        "why",
        [("ww_income_form", 0.8)],
    )
    assert "rule.ww_income_form.why" in keys
    unsure = await Conversation().say(
        "waarom dan", "why", [("ww_income_form", 0.3)], action=ActionExplainAnswer()
    )
    assert unsure[0] == "why.general"


async def test_a_relative_who_is_ill_gets_a_kind_word_first() -> None:
    keys = await Conversation(benefits=["ww"]).say(
        "mijn vader ligt in het ziekenhuis in turkije, ik wil er 2 weken heen",
        "ask_rules",
        [("abroad", 0.8)],
    )
    assert keys[0] == "feeling.relative_ill" and "rule.abroad_ww" in " ".join(keys)
    calm = await Conversation(benefits=["ww"]).say(
        "ik wil 2 weken naar turkije", "ask_rules", [("abroad", 0.8)]
    )
    assert "feeling.relative_ill" not in calm


async def test_a_why_the_reader_does_not_hear_as_a_new_topic_explains_the_last_answer() -> None:
    talk = Conversation(benefits=["bijstand"])
    await talk.say("ik wil 3 weken naar marokko", "ask_rules", [("abroad", 0.9)])
    keys = await talk.say(
        "waarom maar 4 weken",  # the words alone hint at work ("weken"): not heard
        "why",
        [("none", 0.64), ("abroad", 0.33)],
        action=ActionExplainAnswer(),
    )
    assert keys[0] == "why.intro" and "rule.abroad_bijstand.why" in keys


def test_ww_holidays_count_in_working_days_and_a_restated_trip_counts_once() -> None:
    assert durations_days("2 weken naar spanje", work_days=True) == [10]
    assert durations_days("2 weken naar spanje") == [14]
    restated = "nog 2 weken naar kreta, dat zijn 10 werkdagen"
    assert durations_days(restated) == [14]
    assert durations_days(restated, work_days=True) == [10]
    kb, day = knowledge(), dt.date(2026, 6, 1)
    [over] = sums_for(kb, "abroad_ww", {"days": 28, "work_days": 22}, day)
    assert over["key"] == "sum.days.over" and over["args"]["days"] == 22
    [under] = sums_for(kb, "abroad_ww", {"days": 21, "work_days": 15}, day)
    assert under["key"] == "sum.days.under"


def test_days_already_taken_are_added_to_the_trip_asked_about() -> None:
    from bot.domain.conversation.facts import already_used

    assert already_used("oh ik heb dit jaar al 9 dagen vrij gehad")
    assert already_used("i already had 4 days off this year")
    assert not already_used("ik ga 9 dagen weg")


def test_a_later_clause_about_a_relative_who_works_is_theirs() -> None:
    from bot.domain.conversation.turn import _a_relative_does_it

    work = knowledge().situations["side_job"].terms
    assert _a_relative_does_it("ik zit in de bijstand en mijn zoon gaat werken bij de bakker", work)
    assert not _a_relative_does_it("mijn vader heeft aow en ik wil gaan werken", work)
    assert not _a_relative_does_it("ik heb ww en mijn vrouw is ziek", work)


def test_who_the_person_is_is_no_household_member() -> None:
    kb = knowledge()
    assert read_message("ik ben alleenstaande vader van twee jongens en heb ww", kb).members == []
    assert read_message("ik woon bij mijn vader", kb).members == ["parent"]


def test_a_relatives_aow_is_not_lower_and_nothing_is_theirs_to_report() -> None:
    from bot.domain.knowledge.answers import other_person_answer

    answer = other_person_answer(knowledge(), {"aow": "father"}, "side_job", dt.date(2026, 6, 1))
    keys = [p["key"] for message in answer.messages for p in message if "key" in p]
    assert "rule.aow_no_income_test.theirs" in keys
    assert not {"other.todo", "other.todo.when"} & set(keys)


def test_close_readings_with_the_same_rule_for_every_benefit_need_no_question() -> None:
    from bot.domain.checklist.loader import life_events
    from bot.domain.conversation.readings import SituationReading
    from bot.domain.conversation.turn import _same_answer_anyway

    kb, data = knowledge(), life_events()
    close = SituationReading("side_job", 0.3, ask_between=["side_job", "paid_services"])
    assert _same_answer_anyway(close, ["wajong"], kb, data).ask_between == []
    # bijstand has a rule of its own for paid odd jobs: the question stays
    assert _same_answer_anyway(close, ["bijstand"], kb, data).ask_between
    assert _same_answer_anyway(close, ["wajong", "bijstand"], kb, data).ask_between
    assert _same_answer_anyway(close, [], kb, data).ask_between  # no benefit known: ask


def test_one_clear_sentence_beside_a_social_one_is_the_message_reading() -> None:
    from bot.domain.conversation.turn import _the_sentence_that_says_it

    ranking = [("none", 0.35), ("paid_services", 0.3), ("gifts", 0.2)]
    labels = [("none", 0.95, "laat maar."), ("paid_services", 0.5, "ik pas 1 keer op voor 40 euro")]
    assert _the_sentence_that_says_it(ranking, labels)[0] == ("paid_services", 0.5)
    unsure_opener = [("none", 0.6, "hmm."), ("paid_services", 0.5, "ik pas 1 keer op")]
    assert _the_sentence_that_says_it(ranking, unsure_opener) == ranking
    two = [("gifts", 0.5, "ik krijg geld."), ("paid_services", 0.5, "ik pas op")]
    assert _the_sentence_that_says_it(ranking, two) == ranking


def test_a_benefit_can_have_a_rule_of_its_own_beside_its_family() -> None:
    moving_in = knowledge().situations["adult_moving_in"]
    assert moving_in.rule_for("huurtoeslag", "toeslagen") == "medebewoner_toeslagen"
    assert moving_in.rule_for("zorgtoeslag", "toeslagen") == "housemate_not_partner_toeslagen"


def test_work_done_without_reporting_or_an_income_filled_in_too_low_is_a_mistake() -> None:
    kb = knowledge()
    for text in (
        "ik heb een paar maanden geklust zonder het door te geven",
        "heb een half jaar schoongemaakt zonder het te melden. wat moet ik nu doen",
        "ik heb bij toeslagen mijn inkomen te laag ingevuld",
        "i have done some cleaning without telling the gemeente",
    ):
        assert read_message(text, kb).mistake, text
    assert not read_message("mag ik een keer klussen zonder het te melden?", kb).mistake


def test_a_number_with_a_verb_of_earning_is_money() -> None:
    assert amount_in("hoeveel houd ik als ik 350 verdien") == Amount(350, None)
    assert amount_in("i earn 500") == Amount(500, None)
    assert amount_in("ik werk 12 uur") is None


def test_savings_are_set_against_both_limits_and_aio_trips_against_13_weeks() -> None:
    kb, day = knowledge(), dt.date(2026, 6, 1)
    alone, together = sums_for(kb, "savings_bijstand", {"amount": 9000.0}, day)
    assert alone["key"] == "sum.assets_alone.over" and together["key"].endswith(".under")
    assert sums_for(kb, "savings_bijstand", {"amount": 90.0, "period": "month"}, day) == []
    [trip] = sums_for(kb, "abroad_aio", {"days": 105}, day)
    assert trip["key"] == "sum.days.over" and trip["args"]["limit"] == 91


def test_a_sentence_that_says_which_benefits_someone_gets_is_no_news() -> None:
    from bot.domain.conversation.turn import _how_things_are

    assert _how_things_are("wij krijgen kindgebonden budget en huurtoeslag.")
    assert not _how_things_are("ik krijg kinderbijslag en onze zoon is vannacht geboren")


def test_a_partners_income_is_set_against_the_couples_norm_of_the_last_verified_year() -> None:
    kb = knowledge()
    over, hedge = sums_for(kb, "partner_bijstand", {"amount": 2600.0}, dt.date(2026, 3, 1))
    assert over["key"] == "sum.partner_income.over" and over["args"]["year"] == 2025
    assert hedge["key"] == "figure.not_sure"  # 2026 is not verified
    [under] = sums_for(kb, "partner_bijstand", {"amount": 900.0}, dt.date(2025, 9, 1))
    assert under["key"] == "sum.partner_income.under" and under["args"]["limit"] == 1955.8


def test_a_typo_is_a_term_but_a_shorter_other_word_is_not() -> None:
    from bot.shared.words import normalise, term_spans

    assert term_spans(normalise("ze is gisteren bevalen van een zoon"), "bevallen")
    assert not term_spans(normalise("moet ik uwv nog bellen"), "bevallen")


async def test_why_after_a_list_gives_the_reasons_of_its_desks() -> None:
    talk = Conversation(benefits=["kinderbijslag", "huurtoeslag"])
    listed = await talk.say(
        "mijn vrouw en ik zijn uit elkaar, de kinderen blijven bij mij",
        "ask_checklist",
        [("separation", 0.9)],
    )
    assert "checklist.intro" in listed
    keys = await talk.say("waarom moet de svb dat weten", "why", action=ActionExplainAnswer())
    assert keys[0] == "why.intro" and any(key.startswith("event.separation.") for key in keys)


def test_a_relatives_gemeente_is_where_they_live_not_the_persons() -> None:
    from bot.domain.knowledge.answers import other_person_answer

    answer = other_person_answer(
        knowledge(), {"bijstand": "sister"}, "paid_services", dt.date(2026, 6, 1)
    )
    keys = [p["key"] for message in answer.messages for p in message if "key" in p]
    assert "other.todo.gemeente" in keys and "other.todo.when" not in keys


async def test_a_benefit_named_after_a_general_answer_is_about_the_change_before_it() -> None:
    talk = Conversation(benefits=["ww", "zorgtoeslag"])
    await talk.say(
        "ik kan per 1 april 20 uur gaan werken bij een bakker", "ask_rules", [("side_job", 0.9)]
    )
    await talk.say("hoe werkt dat maandformulier van uwv", "ask_rules", [("ww_income_form", 0.9)])
    keys = await talk.say("en mn zorgtoeslag?", "what_if", [("none", 0.9)])
    assert any(key.startswith("rule.") and "toeslagen" in key for key in keys), keys
