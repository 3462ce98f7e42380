"""One turn of a conversation: what it means given the frame, and the answer to give.

The learned reader says which situation a message is about (and how sure it is); the words
in the message give the benefits and whose they are, ages, amounts and mistakes; the frame
says what the conversation already established. A message without a situation of its own
that changes a fact ("en als het 300 euro is?", "en voor mijn huurtoeslag?", "34") is read
as a follow-up about the situation in the frame.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.checklist.builder import build_checklist, checklist_from_slot
from bot.domain.checklist.detect import (
    asks_for_the_list_again,
    asks_who_needs_to_know,
    detect_events,
)
from bot.domain.checklist.loader import life_events
from bot.domain.checklist.model import AGENCY_OF_DESK
from bot.domain.checklist.render import checklist_answer, gemeente_notes, no_checklist_yet
from bot.domain.checklist.when import event_date
from bot.domain.conversation.entities import MessageFacts
from bot.domain.conversation.facts import already_used
from bot.domain.conversation.frame import Frame
from bot.domain.conversation.masking import AGENCY_WORD, BENEFIT_WORD, masked
from bot.domain.conversation.readings import (
    HINTED,
    NONE_SURE,
    NOTHING,
    READ_MIN,
    READ_SURE,
    SituationReading,
    events_of,
    label_of_event,
    read_ranking,
    situation_of,
    title_key,
)
from bot.domain.conversation.safety import (
    feeling_first,
    private_data_warning,
    relative_ill_note,
)
from bot.domain.knowledge.answers import (
    RELATIVE_WORDS,
    REPORTING_VERDICTS,
    Answer,
    agencies_of,
    agency_follow_up,
    agency_names,
    ask_age,
    ask_benefit,
    assumption_answer,
    benefit_noted,
    clarify_answer,
    condition_answer,
    eligibility_answer,
    keyed,
    mistake_answer,
    no_benefit_answer,
    other_person_answer,
    own_case_answer,
    part,
    registration_answer,
    rules_answer,
    their_benefit_noted,
    unclear_question_answer,
    with_offer,
)
from bot.domain.knowledge.conditions import Person, said_conditions
from bot.domain.knowledge.loader import knowledge
from bot.domain.knowledge.matcher import (
    OTHER_PERSON,
    THEIR,
    Reading,
    read_message,
    without_generic_toeslag,
)
from bot.domain.knowledge.model import Situation
from bot.domain.knowledge.sums import SUMS, plain_money, sums_for
from bot.domain.knowledge.vocabulary import grouped_terms, terms
from bot.shared.text_keys import N_
from bot.shared.words import NEGATIONS, has_any, normalise, sentences, term_spans

# Turns that change or add a fact to the situation being talked about, or ask more about it.
FOLLOW_UP_INTENTS = frozenset(
    {
        "what_if",
        "inform",
        "ask_rules",
        "nlu_fallback",
        "out_of_scope",
        "ask_checklist",
        "ask_permission",
        "ask_conceal",
    }
)
CONCEAL_INTENT = "ask_conceal"  # "kan ik het niet gewoon stil houden?"
WHO_DECIDES = terms("who_decides")  # "wie beslist dat?", also inside a longer question
# "hij staat toch niet ingeschreven": texts conceal.reason.<key> (listed for `make i18n`).
CONCEAL_REASONS = grouped_terms("conceal_reasons")
# A message with a feeling and nothing else to answer ("ik schaam me zo"): no re-answer.
FEELING_ONLY_INTENTS = frozenset({"inform", "nlu_fallback", "out_of_scope"})
BARE_AMOUNT_TURN = 8  # words: a plain number in a turn this short after an amount is one
BENEFIT_ONLY = 8  # words: "ik heb ww" says which benefit; a longer message says more
CONTINUING_TURN = 10  # words: a turn this short carries on the topic unless clearly new
CONTINUING_WORDS = frozenset({"en", "maar", "and", "but", "ook", "also"})  # first word
SHORT_TURN = 15  # words: a question this short without a situation of its own is a follow-up
SURE_NEW_TOPIC = 0.7  # a short "en …?" turn is a follow-up unless the reader is this sure
QUESTION_INTENTS = frozenset({"ask_rules", "what_if", "ask_checklist"})
CHECKLIST_INTENT = "ask_checklist"
# Short social turns speak through their own rules unless the message clearly asks more.
TRIP, TRIP_TOPICS = "abroad", frozenset({"abroad", "abroad_long", "emigrating"})
SMALLTALK_INTENTS = frozenset(
    {"greet", "goodbye", "thanks", "ask_capabilities", "bot_challenge", "ask_privacy", "complain"}
)


@dataclass
class TurnInput:
    text: str
    intent: str | None
    ranking: list[tuple[str, float]]  # the SituationReader's ranking (readings.ranking_of)
    feeling: str | None
    frame: Frame
    pending: str | None  # the question kept while Wegwijs asked for a fact
    kept_checklist: Any  # the `checklist` slot
    today: dt.date
    chosen: str | None = None  # a situation chosen with a button
    # The reader's best label of each sentence of a longer message, with the sentence
    # (readings.sentence_labels_of).
    sentence_labels: list[tuple[str, float, str]] = field(default_factory=list)
    # The facts the message names: the entities of Rasa's parse (FactExtractor).
    facts: MessageFacts = field(default_factory=MessageFacts)
    # Filled by answer_turn: the situation the words name clearly, and the reading of the
    # ranking weighed with it.
    hint: str | None = None
    reading: SituationReading = field(default_factory=SituationReading)
    gemeente: str | None = None  # the gemeente this message names


@dataclass
class TurnResult:
    kind: str  # answered | smalltalk | not_understood (see actions/conversation.py)
    answer: Answer | None
    frame: Frame
    pending: str | None = None
    checklist: dict[str, Any] | None = None  # a new checklist to keep (None: unchanged)
    notes: list[Answer] = field(default_factory=list)  # said before the answer


def merge(known: list[str], new: list[str]) -> list[str]:
    merged = list(known)
    merged += [benefit for benefit in new if benefit not in merged]
    return without_generic_toeslag(merged, knowledge())


_JUST_AN_AGE = re.compile(r"^\s*\d{1,2}\s*(jaar|jr|years?( old)?)?\s*[.!]?\s*$", re.I)


def age_would_refine(frame: Frame, text: str = "") -> bool:
    """The last answer said what changes with the age, and no age is known yet: a bare
    number now ("34", "23 years old") is the person's age; with an amount known, only a
    number said on its own is ("29"; "en als het 50 is?" is money)."""
    if "age" in frame.facts or ("amount" in frame.facts and not _JUST_AN_AGE.match(text)):
        return False
    kb = knowledge()
    rules = [kb.rules[r] for r in frame.last_answer.get("rules") or [] if r in kb.rules]
    return any(rule.by_age for rule in rules)


def _needs_age(situation: Situation, benefits: list[str]) -> bool:
    kb = knowledge()
    for benefit in benefits:
        rule_id = situation.rule_for(benefit, kb.benefits[benefit].family)
        if rule_id is not None and kb.rules[rule_id].asks_age:
            return True
    return False


_THIS_YEAR = re.compile(r"\b(?:dit jaar|this year)\b", re.I)


def _facts(turn: TurnInput, frame: Frame, age_answer: int | None) -> dict[str, Any]:
    """The frame's facts with what this message says: a plain number is a new amount when
    the frame has one ("en als het 50 is?"), a period alone a new period for it."""
    named = turn.facts
    facts = dict(frame.facts)
    age = named.age or age_answer
    if age is not None:
        facts["age"] = age
    if named.amount is not None:
        facts["amount"] = named.amount.euros
        facts["period"] = named.amount.period
    elif (
        named.number is not None
        and "amount" in facts
        and age is None
        and len(turn.text.split()) <= BARE_AMOUNT_TURN
    ):
        facts["amount"] = named.number
    if named.amount is None and "amount" in facts and named.period:  # "elke maand?"
        facts["period"] = named.period
    # "ik heb dit jaar al 18 dagen gehad": added to the trip asked about. A month named
    # ("in oktober al 2 weken weg") may be another calendar year: then it stands alone.
    earlier = already_used(turn.text) and "days" in frame.facts
    if earlier and event_date(turn.text, turn.today) is not None:
        earlier = bool(_THIS_YEAR.search(turn.text))
    for key, days in (("days", named.days), ("work_days", named.work_days)):
        if days is not None:
            facts[key] = days + int(frame.facts.get(key) or 0) if earlier else days
    if named.hours is not None:
        facts["hours"] = named.hours
    if named.member_age is not None:
        facts["member_age"] = named.member_age
    return facts


def _instead_of_the_reason(answer: Answer, rules: frozenset[str], reason: dict[str, Any]) -> None:
    """The reason of one of these rules in the answer, replaced by a reason that fits; with
    none of them in it, the reason goes after the first message."""
    keys = {f"rule.{rule}.why" for rule in rules}
    for message in answer.messages:
        for index, said in enumerate(message):
            if said.get("key") in keys:
                message[index] = reason
                return
    answer.messages.insert(1, [reason])


def _same_rule_note(facts: dict[str, Any], before: dict[str, Any]) -> Answer | None:
    """ "en als het 200 euro is?" when the rule does not change with it: say so, so the
    person knows the new number was heard (an age can change the rule, so it is not here)."""
    if facts.get("amount") != before.get("amount") and facts.get("amount") is not None:
        period = facts.get("period") or "once"
        key = f"follow_up.same.amount.{period}"
        return Answer("same_rule", [[keyed(key, own_amount=plain_money(facts["amount"]))]])
    if facts.get("hours") != before.get("hours") and facts.get("hours") is not None:
        return Answer("same_rule", [[part(N_("follow_up.same.hours"), hours=facts["hours"])]])
    if facts.get("days") != before.get("days") and facts.get("days") is not None:
        return Answer("same_rule", [[part(N_("follow_up.same.days"), days=facts["days"])]])
    return None


# The sentences _same_rule_note says (for `make i18n`).
SAME_RULE_KEYS = (
    N_("follow_up.same.amount.once"),
    N_("follow_up.same.amount.month"),
    N_("follow_up.same.amount.week"),
    N_("follow_up.same.amount.year"),
)


def _is_follow_up(turn: TurnInput, facts_changed: bool) -> bool:
    """A turn without a situation of its own that adds to, or asks more about, the one being
    talked about: a changed fact, another benefit or agency, "hoeveel hou ik over?"."""
    if turn.frame.situation is None or turn.intent not in FOLLOW_UP_INTENTS:
        return False
    return turn.intent == "what_if" or facts_changed or len(turn.text.split()) <= SHORT_TURN


def _short_follow_up(turn: TurnInput) -> bool:
    return turn.intent in FOLLOW_UP_INTENTS and len(turn.text.split()) <= SHORT_TURN


def _names_new_topic(turn: TurnInput) -> bool:
    """The words name another situation, and the reader hears it too. A word alone ("zij
    werkt niet", "hij betaalt niks mee") is no new topic in a conversation about something
    else."""
    if turn.hint in (None, turn.frame.situation):
        return False
    return dict(turn.ranking).get(str(turn.hint), 0.0) >= READ_MIN


def _sums_an_amount(frame: Frame) -> bool:
    """The situation talked about has a limit on money for the person's benefits (a gift,
    a volunteer allowance): a new amount in a short turn is about it."""
    kb = knowledge()
    situation = kb.situations.get(frame.situation or "")
    if situation is None:
        return False
    rules = [situation.rule_for(b, kb.benefits[b].family) for b in frame.benefits]
    return any(rule in SUMS for rule in rules if rule is not None)


# Words that carry no topic in a short follow-up ("en hoe zit het dan met mijn …?").
_FRAME_WORDS = frozenset(terms("frame_words"))


def _only_names_whose(text: str) -> bool:
    """Besides small words the message names only benefits or agencies."""
    words = masked(text).split()
    named = [w for w in words if w in (BENEFIT_WORD, AGENCY_WORD)]
    rest = [w for w in words if w not in (BENEFIT_WORD, AGENCY_WORD, *_FRAME_WORDS)]
    return bool(named) and not rest


def _continues(turn: TurnInput) -> bool:
    """ "en voor mijn zorgtoeslag?", "moet ik dat ook elke maand opgeven": short turns that
    carry on the same topic, even when the reader hears another situation in them, unless
    it is sure or the words and the reader both name a new one."""
    words = turn.text.lower().split()
    # "en mijn versterker en snaren, mag ik die kosten eraf halen?": "en" says it goes on.
    # "do I get less money if they pay me 150 euro a month?": a new amount, the same topic.
    goes_on = (words[:1] and words[0] in CONTINUING_WORDS) or (
        turn.facts.amount is not None and _sums_an_amount(turn.frame)
    )
    longest = SHORT_TURN if goes_on else CONTINUING_TURN
    if turn.frame.situation is not None and _only_names_whose(turn.text):
        return True  # "en voor mijn huurtoeslag?", "what about uwv?": the same topic
    return (
        turn.frame.situation is not None
        and len(words) <= longest
        and turn.reading.confidence < SURE_NEW_TOPIC
        and not _names_new_topic(turn)
        and turn.intent in FOLLOW_UP_INTENTS
    )


def _answers_our_question(turn: TurnInput, reading: Reading) -> bool:
    """Wegwijs asked for a benefit or an age: a short reply answers that question, even
    when a word in it ("woon in Rotterdam") sounds like a situation of its own. So does a
    longer one that names the person's benefits ("we kregen kinderbijslag en huurtoeslag.
    moet ik overal doorgeven dat ze er niet meer is?"), unless it is surely about more."""
    return (
        turn.pending is not None
        and turn.frame.situation is not None
        and turn.chosen is None
        and (len(turn.text.split()) <= SHORT_TURN or bool(reading.had))
        and turn.reading.confidence < SURE_NEW_TOPIC
    )


def _adds_a_detail(turn: TurnInput, reading: Reading, kb: Any) -> bool:
    """ "ze is zwanger van mij trouwens" while talking about a partner who stays over: a
    detail of the situation talked about, not news of its own (a birth)."""
    situation = kb.situations.get(turn.frame.situation or "")
    return (
        situation is not None
        and bool(set(reading.details) & set(situation.details))
        and len(turn.text.split()) <= SHORT_TURN
        and turn.intent in FOLLOW_UP_INTENTS
    )


def _focus(reading: Reading, own: list[str], follow_up: bool) -> list[str]:
    """The benefits to answer for: those a follow-up names (or its agency pays), else all
    the person's own."""
    if not follow_up:
        return own
    kb = knowledge()
    named = [benefit for benefit in reading.had if benefit in own]
    paid_by = [b for b in own if kb.benefits[b].agency in reading.agencies]
    return named or paid_by or own


def word_hint(
    reading: Reading, text: str, intent: str | None, data: Any, trip: bool = False
) -> str | None:
    """The situation or life event the words in the message name clearly: a feature the
    reader's ranking is weighed with (readings.read_ranking). A message Rasa found out of
    scope, or small talk, needs the reader itself to be sure; anger or a greeting with a
    question about a benefit in it ("belachelijk, 3 dagen gewerkt en nu minder ww??") is
    still a question. A place abroad with a length of stay (`trip`) names a trip."""
    asks_too = intent in ("complain", "greet") and reading.asking and bool(reading.benefits)
    if intent == "out_of_scope" or (intent in SMALLTALK_INTENTS and not asks_too):
        return None
    if reading.situation is not None and not (trip and reading.situation not in TRIP_TOPICS):
        return reading.situation
    if trip:  # "12 werkdagen naar kreta", "5 weken bij mn oma in kaapverdie (ze is ziek)"
        return TRIP
    events = detect_events(text, data)
    return label_of_event(events[0], data) if events else None


# Situations of a shared home: what the person's household means for a relative's own
# benefit is part of the answer (a brother on bijstand who lives in: kostendeler).
_SHARED_HOME = frozenset({"household_income", "adult_moving_in"})
_I = frozenset({"ik", "i", "im", "ikke"})
_TOGETHER = frozenset({"we", "wij", "samen", "together", "us"})


def _about_someone_else(text: str) -> bool:
    """ "hij heeft een bijbaantje", "en als ze 2 weken gaat?": "he" or "she", and no "ik"."""
    tokens = set(normalise(text))
    return not tokens & _I and bool(tokens & OTHER_PERSON)


# Rules whose answer turns on whether the person who lives in is 27 or older.
KOSTENDELER_RULES = frozenset({"kostendeler_bijstand", "kostendeler_aio"})
KOSTENDELER_AGE = 27
# Rules whose answer gains from the age of the one who lives in (their income, not a move).
KOSTENDELER_AGE_RULES = KOSTENDELER_RULES | {"household_income_bijstand", "household_income_aio"}
_MY_WORDS = frozenset({"mijn", "mn", "my", "onze", "our"})
_SHE_OR_HE = frozenset({"ze", "zij", "hij", "she", "he"})


# A clause starts after a comma or before "en", "maar", "and" or "but".
_CLAUSE_START = re.compile(r",\s*|\s+(?=(?:en|maar|and|but)\s)", re.I)


def _a_relative_does_it(text: str, terms: tuple[str, ...] = ()) -> bool:
    """ "mn dochter van 17 gaat bij de ah werken": a sentence that starts with a relative
    and has no "ik" in it is about what that relative does. So is a later clause that does
    and names the activity (`terms`): "ik heb bijstand en mn dochter gaat werken"."""
    for sentence in sentences(text):
        if _relative_sentence(sentence):
            return True
        later = _CLAUSE_START.split(sentence)[1:]
        if any(_relative_sentence(c) and has_any(normalise(c), terms) for c in later):
            return True
    return False


def _relative_sentence(sentence: str, pronoun: bool = False) -> bool:
    """ "mn zus doet nagels" (`pronoun`: also "ze doet voor geld nagels"): a relative, or
    "she" or "he", first, and no "ik"."""
    tokens = normalise(sentence)
    if tokens[:1] in (["en"], ["maar"], ["and"], ["but"]):
        tokens = tokens[1:]
    relative_first = len(tokens) >= 2 and tokens[0] in _MY_WORDS and tokens[1] in RELATIVE_WORDS
    pronoun_first = pronoun and len(tokens) >= 2 and tokens[0] in _SHE_OR_HE
    return (relative_first or pronoun_first) and not set(tokens) & _I


def _a_relative_does_what_was_read(turn: TurnInput, situation: Situation) -> bool:
    """ "mn broer heeft ww en klust zwart. ik heb zelf bijstand.": the sentence that names
    the situation (read by the reader, or by its words) is about the relative, though the
    person names a benefit of their own too."""
    return any(
        (label == situation.id or has_any(normalise(sentence), situation.terms))
        and _relative_sentence(sentence, pronoun=turn.frame.last_relative is not None)
        for label, _, sentence in turn.sentence_labels
    )


def _whose_work(read: SituationReading, turn: TurnInput) -> SituationReading:
    """ "hij heeft een bijbaantje bij de bakker": work of someone else in the household is
    their income, not the person's own work."""
    if read.label not in _WORK_TOPICS or turn.facts.others:  # "mijn vrouw heeft ww en …"
        return read
    terms = knowledge().situations[read.label].terms
    if not (_about_someone_else(turn.text) or _a_relative_does_it(turn.text, terms)):
        return read
    frame = turn.frame
    if not frame.benefits and frame.last_relative and frame.household.get(frame.last_relative):
        # "mijn dochter heeft wajong" … "ze mag 8 uur gaan werken", and the person has no
        # benefit whose household income it could be: work for her benefit.
        return read
    return replace(read, label="household_income", ask_between=[])


MOVING_IN = ("partner_moving_in", "adult_moving_in")
NOT_A_COUPLE = terms("not_a_couple")  # "niet als stel hoor", "just friends"
_A_FRIEND_OF_MINE = re.compile(r"\been (vriend|vriendin) van (me|mij)\b|\ba friend of mine\b")
_NOT_A_PARTNER = frozenset({"parent", "child", "sibling", "grandparent"})


# "ik ga weer bij mijn ouders wonen": the person moves, nobody moves in with them.
_I_MOVE_IN_WITH = re.compile(
    r"\b(?:(?:ik|i) (?:ga|trek|verhuis|am|m)|(?:ga|trek|verhuis) ik)\b.{0,30}"
    r"\b(?:bij|in with|back to|to) "
    r"(?:mijn|mn|m n|my) (?:ouders|moeder|vader|ma|pa|oma|opa|parents|mum|mom|dad)\b"
)


def _who_moves_in(read: SituationReading, turn: TurnInput) -> SituationReading:
    """Someone moves in: the member the message names says whether it is a partner ("mijn
    ex wil terugkomen") or another adult ("my mum wants to move in"), rather than a
    question with buttons or a guess; and when the person moves in with their parents, it
    is their move."""
    if read.label in MOVING_IN and _I_MOVE_IN_WITH.search(" ".join(normalise(turn.text))):
        return replace(read, label="moving", ask_between=[])
    pair = set(read.ask_between) == set(MOVING_IN)
    if not pair and (read.label not in MOVING_IN or read.ask_between):
        return read
    members, tokens = set(turn.facts.members), normalise(turn.text)
    friends = has_any(tokens, NOT_A_COUPLE) or _A_FRIEND_OF_MINE.search(" ".join(tokens))
    partner = ("partner" in members or "ex" in tokens) and not friends
    adult = bool(members & _NOT_A_PARTNER) or bool(friends)
    if partner == adult:  # neither, or both ("mijn vriend en zijn zoon"): the reader's call
        return read
    label = MOVING_IN[0] if partner else MOVING_IN[1]
    return replace(read, label=label, ask_between=[])


def _the_named_event(read: SituationReading, text: str, data: Any) -> SituationReading:
    """Of two close readings, the life event the words name ("in maart wordt hij 23"),
    also when a more general word ("een baan") made the words' own hint another."""
    named = [label_of_event(event, data) for event in detect_events(text, data)]
    chosen = [label for label in read.ask_between if label in named]
    return replace(read, label=chosen[0], ask_between=[]) if len(chosen) == 1 else read


def _like_the_words(
    read: SituationReading, hint: str | None, benefits: list[str], kb: Any, data: Any
) -> SituationReading:
    """Two close readings, and the words name a third situation ("bijles" for a hobby):
    the reading whose rule for the person's benefits is the same as that situation's is
    meant, so no question is needed."""
    hinted = situation_of(hint, kb, data) if hint else None
    if not read.ask_between or hinted is None or not benefits:
        return read

    def rules_of(label: str) -> list[str | None] | None:
        return _rules_per_benefit(label, benefits, kb, data)

    same = [label for label in read.ask_between if rules_of(label) == rules_of(hinted)]
    return replace(read, label=same[0], ask_between=[]) if len(same) == 1 else read


def _rules_per_benefit(
    label: str, benefits: list[str], kb: Any, data: Any
) -> list[str | None] | None:
    """The rule a label's situation has for each of these benefits (None: no situation)."""
    situation = kb.situations.get(situation_of(label, kb, data) or "")
    if situation is None:
        return None
    return [situation.rule_for(b, kb.benefits[b].family) for b in benefits]


def _same_answer_anyway(
    read: SituationReading, benefits: list[str], kb: Any, data: Any
) -> SituationReading:
    """Two close readings with the same rule for every benefit the person has (work or
    paid odd jobs, with Wajong): asking which is meant would not change the answer."""
    if len(read.ask_between) < 2 or not benefits:
        return read
    answers = [_rules_per_benefit(label, benefits, kb, data) for label in read.ask_between]
    first = answers[0]
    if first is None or None in first or any(other != first for other in answers[1:]):
        return read
    return replace(read, ask_between=[])


SENTENCE_SAYS_IT = 0.4  # one sentence read this surely, beside only social ones


def _the_sentence_that_says_it(
    ranking: list[tuple[str, float]], sentence_labels: list[tuple[str, float, str]]
) -> list[tuple[str, float]]:
    """ "laat maar zitten. ik ga 1 keer oppassen voor 40 euro": the whole message reads as
    nothing, but one sentence is clearly about a situation and the others surely about
    none (an opener, "forget it"): that sentence's reading is the message's."""
    if not ranking or ranking[0][0] != NOTHING or len(sentence_labels) < 2:
        return ranking
    said = [(label, sure) for label, sure, _ in sentence_labels if label != NOTHING]
    social = [sure for label, sure, _ in sentence_labels if label == NOTHING]
    if len(said) != 1 or said[0][1] < SENTENCE_SAYS_IT or min(social, default=0) < NONE_SURE:
        return ranking
    label, sure = said[0]
    return [(label, sure), *((n, c) for n, c in ranking if n not in (label, NOTHING))]


def answer_turn(turn: TurnInput, age_answer: int | None = None) -> TurnResult:
    kb, data = knowledge(), life_events()
    frame = turn.frame
    reading = read_message(turn.text, kb)
    trip = bool(turn.facts.destinations) and turn.facts.days is not None
    hint = word_hint(reading, turn.text, turn.intent, data, trip)
    gemeente = turn.facts.gemeente
    ranking = _the_sentence_that_says_it(turn.ranking, turn.sentence_labels)
    read = _whose_work(
        _who_moves_in(read_ranking(ranking, hint, frame.situation, _covers(kb)), turn), turn
    )
    read = _news_not_context(_trip_not_a_move(read, turn), turn)
    read = _like_the_words(read, hint, merge(frame.benefits, reading.had), kb, data)
    read = _same_answer_anyway(read, merge(frame.benefits, reading.had), kb, data)
    read = _the_named_event(read, turn.text, data)
    turn = replace(turn, hint=hint, reading=read, gemeente=gemeente)
    if _denies_its_reading(turn, reading, kb, data):  # "wij gaan niet scheiden hoor"
        turn = replace(turn, reading=SituationReading())
    elif reading.assumption and turn.reading.confidence < READ_SURE:
        # "mijn werkgever geeft het toch door?": about what agencies know; no question
        # which topic is meant, the words' topic at most
        hinted = SituationReading(turn.hint, HINTED) if turn.hint else SituationReading()
        turn = replace(turn, reading=hinted)
    if turn.chosen and turn.pending:  # a button answers "which did you mean?": reread the question
        benefits = reading.benefits
        reading = read_message(turn.pending, kb)
        reading.benefits = merge(reading.benefits, benefits)
    _resolve_pronouns(reading, frame)
    frame.note_others(reading.other_words)
    frame.benefits = merge(frame.benefits, reading.had)
    if gemeente is not None:
        frame.facts["gemeente"] = gemeente
    said = said_conditions(kb, turn.text)  # "ik ben alleenstaande moeder": for every answer
    if said:
        frame.facts["conditions"] = {**(frame.facts.get("conditions") or {}), **said}
    notes = [note for note in (private_data_warning(turn.text),) if note is not None]
    feeling = feeling_first(turn.feeling, turn.text, reading.mistake)
    if feeling is not None:
        notes.append(feeling)
    elif (ill := relative_ill_note(turn.text)) is not None:
        notes.append(ill)
    if feeling is not None and _only_a_feeling(turn, reading):
        result = TurnResult("answered", _heard(frame), frame, turn.pending)
    else:
        result = _answer(turn, reading, frame, kb, data, age_answer)
    answer = result.answer
    if turn.intent == CONCEAL_INTENT and answer and answer.kind not in ("conceal", "need_benefit"):
        answer.messages.insert(0, [part("conceal.short"), *_conceal_reasons(turn.text)])
    if answer and answer.rules and turn.intent != "ask_permission" and _asks_who_decides(turn):
        answer.messages.insert(0, [_who_decides(kb, frame.benefits)])  # then the rules
    if feeling is not None and result.kind == "not_understood":
        # Only a feeling, no question ("jullie zijn allemaal fraudejagers"): it is heard, and
        # the person is invited to say more; "ik begrijp je niet" would read as not listening.
        result = TurnResult("answered", _heard(frame), frame)
    elif feeling is not None and result.kind == "smalltalk" and turn.intent == "complain":
        notes.remove(feeling)  # the complaint's own reply acknowledges it
    fact_note = (
        _student_note(turn, result.frame)
        or _unpaid_note(turn, result.frame)
        or _family_not_a_partner_note(turn)
    )
    if fact_note is not None and result.answer is not None:
        result.answer.messages.insert(0, [part(fact_note)])
    result.notes = notes + result.notes
    return result


def _free_of_reporting(
    frame: Frame, kb: Any, data: Any, agencies: list[str]
) -> list[dict[str, Any]]:
    """The reason of each rule for the person's benefits (or those the agencies named pay)
    in the situation a "mistake" is about that needs no report: maybe there was none."""
    benefits = frame.benefits or [b for b, info in kb.benefits.items() if info.agency in agencies]
    known = [kb.rules[rule] for rule in _rules_of_the_topic(frame, kb, data, benefits)]
    if not known or any(rule.verdict != "allowed" for rule in known):
        return []
    return [part(f"rule.{rule.id}.why") for rule in known if not rule.figures]


def _mistake_sums(frame: Frame, kb: Any, data: Any, today: dt.date) -> list[dict[str, Any]]:
    """The sums of the situation a mistake is about, with the person's numbers."""
    rules = _rules_of_the_topic(frame, kb, data, frame.benefits)
    return [part for rule in rules for part in sums_for(kb, rule, frame.facts, today)]


def _rules_of_the_topic(frame: Frame, kb: Any, data: Any, benefits: list[str]) -> list[str]:
    """The rules, once each, of the situation in the frame for these benefits."""
    situation_id = situation_of(frame.situation, kb, data) if frame.situation else None
    if situation_id is None:
        return []
    situation = kb.situations[situation_id]
    rules = (situation.rule_for(benefit, kb.benefits[benefit].family) for benefit in benefits)
    return list(dict.fromkeys(rule for rule in rules if rule is not None))


_QUESTION_STARTS = frozenset(
    {"mag", "kan", "moet", "is", "wat", "hoe", "wanneer", "can", "may", "must", "do", "what"}
)


STUDYING, STOPS_STUDYING = terms("studying"), terms("stops_studying")
# Where a person of 27+ at home makes the bijstand or AIO lower, unless they study.
_KOSTENDELER_TOPICS = frozenset(
    {"child_turns_27", "housemate_moving_in", "adult_moving_in", "household_income", "child_leaves"}
)
_KOSTENDELER_BENEFITS = frozenset({"bijstand", "aio"})


UNPAID = terms("unpaid")
# "wanneer wordt de ww betaald?": about the person's own payment.
WHEN_WORDS, PAID_WORDS = terms("when_words"), terms("paid_words")
_WORK_TOPICS = frozenset({"side_job", "paid_services", "hobby_income"})


TOESLAGPARTNER = terms("toeslagpartner_words")
_FAMILY = frozenset({"child", "parent"})


def _family_not_a_partner_note(turn: TurnInput) -> str | None:
    """ "wordt mijn dochter mijn toeslagpartner?": a child or parent never is (since 2025),
    though for huurtoeslag their income counts."""
    asks = has_any(normalise(turn.text), TOESLAGPARTNER)
    return (
        N_("toeslagen.family_not_partner") if asks and _FAMILY & set(turn.facts.members) else None
    )


def _unpaid_note(turn: TurnInput, frame: Frame) -> str | None:
    """Work for WW that brings no money ("ik krijg er toch geen geld voor?"): the hours
    still count."""
    working = frame.situation in _WORK_TOPICS and "ww" in frame.benefits
    return N_("ww.unpaid_counts") if working and has_any(normalise(turn.text), UNPAID) else None


def _student_note(turn: TurnInput, frame: Frame) -> str | None:
    """ "hij studeert nog en krijgt studiefinanciering" about a child of 27 at home: then
    no kostendeler; "en als hij stopt met studeren?": then one after all."""
    topics = {frame.situation, *(frame.last_answer.get("events") or [])}
    if not (topics & _KOSTENDELER_TOPICS and _KOSTENDELER_BENEFITS & set(frame.benefits)):
        return None
    tokens = normalise(turn.text)
    if has_any(tokens, STOPS_STUDYING):
        return N_("student.stops")
    if has_any(tokens, STUDYING):
        return N_("student.no_kostendeler")
    return None


def _denies_its_reading(turn: TurnInput, reading: Reading, kb: Any, data: Any) -> bool:
    """A statement that names the situation read only to say it is not so, while another
    situation is being talked about: it goes on with that one (not a question: "mag ik
    niet gewoon vrijwilligerswerk doen?" asks about volunteering)."""
    label = turn.reading.label
    words = turn.text.lower().split()
    question = "?" in turn.text or (words[:1] and words[0] in _QUESTION_STARTS)
    if label is None or turn.frame.situation is None:
        return False
    if _only_in_a_denial(turn, label):  # "moet de gemeente het ook weten? ik ga niet voorgoed"
        return True
    return not question and situation_of(label, kb, data) in reading.denied


# Changes often told with a negation: "ik heb geen werk meer", "niet meer ziek".
_SAID_WITH_A_NEGATION = frozenset({"job_lost", "separation", "recovered", "child_leaves"})


def _only_in_a_denial(turn: TurnInput, label: str) -> bool:
    """A question without the label of its own, next to a statement with a negation ("I'm
    not leaving for good"): the label comes from what the person says is not so."""
    if label in _SAID_WITH_A_NEGATION or "?" not in turn.text or not turn.sentence_labels:
        return False
    questions = [(name, s) for name, _, s in turn.sentence_labels if "?" in s]
    denials = [
        s for _, _, s in turn.sentence_labels if "?" not in s and NEGATIONS & set(normalise(s))
    ]
    return bool(denials) and all(name != label for name, _ in questions)


def _resolve_pronouns(reading: Reading, frame: Frame) -> None:
    """ "ze heeft ook huurtoeslag": a benefit of "her" is the relative named before."""
    last = frame.last_relative
    if last is None or last == "other":
        return
    for benefit, word in reading.other_words.items():
        if word == "other":
            reading.other_words[benefit] = last


def _conceal_reasons(text: str) -> list[dict[str, Any]]:
    """The fact behind each reason given for not reporting ("hij heeft een eigen huis")."""
    tokens = normalise(text)
    return [
        keyed(f"conceal.reason.{key}")
        for key, words in CONCEAL_REASONS.items()
        if has_any(tokens, words)
    ]


def _who_decides(kb: Any, benefits: list[str]) -> dict[str, Any]:
    """ "Ik beslis niets. Dat doet je gemeente.": the agencies that pay the person."""
    agencies = agency_names(kb, benefits)
    if not agencies:
        return part("no_decision.short")
    return part("no_decision.who", agencies={"keys": agencies})


def _asks_who_decides(turn: TurnInput) -> bool:
    return has_any(normalise(turn.text), WHO_DECIDES)


def _only_a_feeling(turn: TurnInput, reading: Reading) -> bool:
    """ "ik schaam me er zo voor", "ik kan het niet meer aan": nothing new to answer."""
    return (
        turn.intent in FEELING_ONLY_INTENTS
        and turn.hint is None
        and "?" not in turn.text
        and not (reading.had or reading.others or reading.agencies)
        and turn.facts.amount is None
        and turn.facts.days is None
    )


REGISTRATION = terms("registration_words")  # "ingeschreven", "burgerzaken", "registered"


def _has_rules(label: str | None, kb: Any, data: Any) -> bool:
    """The situation has rules per benefit (not only general ones, like the WW form)."""
    situation = kb.situations.get(situation_of(label, kb, data) or "") if label else None
    return situation is None or bool(situation.rules)


def _covers(kb: Any) -> dict[str, tuple[str, ...]]:
    """Each situation's `covers`, for readings.read_ranking."""
    return {key: situation.covers for key, situation in kb.situations.items() if situation.covers}


def _asks_about_the_register(turn: TurnInput, reading: Reading, frame: Frame) -> bool:
    """ "De gemeente geeft het overlijden toch door?" after a list, or "ik sta toch ingeschreven
    op mijn nieuwe adres?": about the address register, not the gemeente's benefits desk."""
    if not reading.assumption:
        return False
    named = has_any(normalise(turn.text), REGISTRATION)
    after_a_list = frame.last_answer.get("kind") == "checklist"
    return named or (after_a_list and "gemeente" in reading.agencies)


def _registration_answer(frame: Frame, kb: Any) -> Answer:
    if frame.last_answer.get("kind") == "checklist":
        agencies = [str(a) for a in frame.last_answer.get("agencies") or []]
    else:
        agencies = agencies_of(kb, frame.benefits)
    return registration_answer(kb, agencies)


def _heard(frame: Frame) -> Answer:
    """After a feeling alone: go on at the person's pace, or say what it is about."""
    key = N_("feeling.go_on") if frame.situation is not None else N_("feeling.tell_more")
    return with_offer("feeling", [[part(key)]])


def _answer(
    turn: TurnInput,
    reading: Reading,
    frame: Frame,
    kb: Any,
    data: Any,
    age_answer: int | None,
) -> TurnResult:
    label = turn.chosen or turn.reading.label
    tokens = normalise(turn.text)
    when_paid = has_any(tokens, WHEN_WORDS) and has_any(tokens, PAID_WORDS)
    if turn.intent == "ask_own_case" or (when_paid and label is None):
        return TurnResult("answered", own_case_answer(kb, frame.benefits, when_paid), frame)
    if _asks_about_the_register(turn, reading, frame):
        return TurnResult("answered", _registration_answer(frame, kb), frame)
    if reading.mistake:
        if label is not None:
            frame.new_situation(label)
        frame.facts = _facts(turn, frame, age_answer)
        frame.last_answer = {
            "kind": "mistake",
            "agencies": reading.agencies,
            # "waarom eigenlijk?" afterwards: the reasons of the rule that was missed
            "rules": _rules_of_the_topic(frame, kb, data, frame.benefits),
        }
        answer = mistake_answer(kb, reading, frame.benefits)
        sums = _mistake_sums(frame, kb, data, turn.today)
        if sums:  # "ze betalen al maanden 450 per maand": how it adds up, after the calm part
            answer.messages.insert(1, sums)
        free = _free_of_reporting(frame, kb, data, reading.agencies)
        if free:  # "ze willen 3000 terug, maar het waren mijn eigen oude spullen"
            answer.messages.insert(1, [part(N_("mistake.maybe_free")), *free])
        return TurnResult("answered", answer, frame)
    answers_ours = _answers_our_question(turn, reading)
    if _continues(turn) or answers_ours or _adds_a_detail(turn, reading, kb):
        label = None  # the topic goes on: no reading of this turn's own, so nothing to ask
    elif turn.chosen is None and turn.reading.ask_between:
        choices = [(title_key(label, kb, data), label) for label in turn.reading.ask_between]
        return TurnResult("answered", clarify_answer(choices), frame, turn.text)
    after_mistake = frame.last_answer.get("kind") == "mistake" and frame.situation is None
    if label is None and after_mistake and _short_follow_up(turn):  # "how do i fix it?"
        reading.agencies = list(frame.last_answer.get("agencies") or []) + reading.agencies
        return TurnResult("answered", mistake_answer(kb, reading, frame.benefits), frame)
    facts = _facts(turn, frame, age_answer)
    facts_changed = facts != frame.facts
    follow_up = False
    if label is None and (answers_ours or _is_follow_up(turn, facts_changed)):
        if frame.last_answer.get("kind") == "mistake":  # "hoeveel moet ik terugbetalen?"
            reading.agencies = list(frame.last_answer.get("agencies") or []) + reading.agencies
            return TurnResult("answered", mistake_answer(kb, reading, frame.benefits), frame)
        label, follow_up = frame.situation, True
        earlier = frame.last_answer.get("earlier")
        if earlier and reading.benefits and not _has_rules(label, kb, data):
            # "en mn zorgtoeslag?" after the WW form was explained: about the change before
            label = str(earlier)
    wants_list = turn.intent == CHECKLIST_INTENT or asks_who_needs_to_know(turn.text)
    if label is None:
        return _without_situation(turn, reading, frame, kb, data, wants_list)
    earlier = frame.situation if frame.situation != label else frame.last_answer.get("earlier")
    frame.new_situation(label)
    frame.facts = facts
    situation_id = situation_of(label, kb, data)
    kept_events = list(frame.last_answer.get("events") or [])
    if follow_up and kept_events:  # the same events as the answer this follows up on
        events = kept_events
    else:
        events = events_of(label, turn.pending or turn.text, data)
    for other in _also_said(turn, data):
        events += [e for e in events_of(other, turn.text, data) if e not in events]
    if not (follow_up and kept_events) and any(data.events[e].kind == "life" for e in events):
        # A change at home with more news in the same message ("… en ik ga werken"): the
        # other changes the words name, and the reader hears too, go on the same list.
        # Asked who must know, every change the words name goes on it.
        ranked = _heard_anywhere(turn)
        events += [
            e
            for e in _news_named(turn.text, data)
            if e not in events
            and (wants_list or ranked.get(label_of_event(e, data), 0.0) >= READ_MIN)
        ]
        events += [e for e in _sure_in_a_sentence(turn, data) if e not in events]
    life = [e for e in events if data.events[e].kind == "life"]
    if events and (wants_list or situation_id is None or (len(events) >= 2 and life)):
        elsewhere = _agencies_not_on_the_list(turn, reading, frame, data, kb) if follow_up else []
        theirs = _relatives_of_agencies(reading, frame, kb) if elsewhere else {}
        if theirs and situation_id is not None and kb.situations[situation_id].rules:
            return _relatives_answer(turn, frame, kb, theirs, situation_id)
        if theirs:  # "moet hij het zelf aan de svb melden?": the list for his benefits
            return _checklist(turn, frame, events, data, kb, list(theirs), theirs=True)
        if elsewhere:  # "moet de gemeente het ook weten?" after a list without the gemeente
            answer = with_offer("agency", [agency_follow_up(kb, elsewhere, situation_id or "")])
            return TurnResult("answered", answer, frame)
        return _checklist(turn, frame, events, data, kb, list(reading.others))
    assert situation_id is not None
    situation = kb.situations[situation_id]
    theirs = _their_benefits_in_the_household(turn, reading, frame, situation, kb)
    if theirs:  # "en als ze 2 weken naar italie gaat?" about the wife's ww, also as a follow-up
        return _relatives_answer(turn, frame, kb, theirs, situation_id)
    benefits = _focus(reading, frame.benefits, follow_up)
    relatives = _relatives_asked_about(reading, frame, follow_up)
    if not benefits and situation.rules and relatives:
        # A relative's own benefit ("mijn zus heeft ww en verkoopt taarten", "mijn moeder
        # heeft aow, haar vriend trekt bij haar in"): the rule for theirs, theirs to report.
        answer = other_person_answer(kb, relatives, situation_id, turn.today)
        frame.last_answer = {
            "situation": situation_id,
            "kind": "other_person",
            "others": relatives,
            "sources": answer.rules,
        }
        if situation.kind == "permission" or turn.pending is not None:
            return TurnResult("answered", answer, frame)
        # A change at home ("mijn zoon gaat op kamers") may touch the person's own benefits
        # too: after theirs, ask which the person has, and answer for those next.
        asked = ask_benefit()
        answer = Answer(
            answer.kind, [*answer.messages[:-1], [part("other.and_you")]], asked.buttons
        )
        return TurnResult("answered", answer, frame, turn.text)
    reading.situation = situation_id
    reading.age = facts.get("age")
    asks_age = benefits and facts.get("age") is None and _needs_age(situation, benefits)
    if asks_age and turn.pending is None:
        return TurnResult("answered", ask_age(), frame, turn.text)
    if not benefits and situation.rules:
        if turn.pending is None:
            return TurnResult("answered", ask_benefit(), frame, turn.text)
        return TurnResult("answered", no_benefit_answer(kb), frame)
    change = (label in data.events and data.events[label].kind == "life") or label == "inheritance"
    before = dict(frame.last_answer)
    person = Person(
        benefits=merge(frame.benefits, benefits),
        known=dict(facts.get("conditions") or {}),
        said=turn.text,
        household=tuple(frame.household),
    )
    answer = rules_answer(kb, reading, benefits, turn.today, facts, change, person)
    if facts.get("member_age") is not None and set(answer.rules) & KOSTENDELER_AGE_RULES:
        # "mijn kleinzoon van 22": said with that age, not only "iemand van 27 of ouder".
        age = int(facts["member_age"])
        if age >= KOSTENDELER_AGE:
            answer.messages.insert(1, [part(N_("kostendeler.age.over"), age=age)])
        else:  # under 27: a kostendeler rule's "je bijstand wordt lager" is not for them
            under = part(N_("kostendeler.age.under"), age=age)
            _instead_of_the_reason(answer, KOSTENDELER_RULES, under)
    said_sum = any(p["key"].startswith("sum.") for message in answer.messages for p in message)
    same = follow_up and answer.rules == before.get("rules") and not said_sum
    note = _same_rule_note(facts, before.get("facts") or {}) if same else None
    if note is not None:
        answer.messages[0:0] = note.messages
    if turn.intent == "ask_permission":  # "dus ik hoef het niet te melden?"
        answer.messages.insert(0, [part("no_decision.short")])
    if reading.assumption:
        known = assumption_answer(kb, reading, benefits).messages[:-1]
        answer.messages[0:0] = known
    if "gemeente" in facts and _reports_to_gemeente(kb, answer.rules):
        answer.messages.insert(-1, gemeente_notes(data, facts["gemeente"]))
    if (
        follow_up
        and reading.agencies
        and not any(kb.benefits[b].agency in reading.agencies for b in frame.benefits)
    ):  # "moet de belastingdienst het ook weten?": an agency that pays them nothing
        theirs = _relatives_of_agencies(reading, frame, kb)
        if theirs and situation.rules:  # "moet zij het aan de svb doorgeven?": her AOW
            return _relatives_answer(turn, frame, kb, theirs, situation_id)
        answer.messages[0:0] = [agency_follow_up(kb, reading.agencies, situation_id)]
    named_theirs = _theirs_asked_about(turn.text, reading, kb)
    asked_theirs = named_theirs
    if not follow_up:  # "ik heb aow, mijn vrouw heeft ww. we gaan 6 weken weg": hers too
        asked_theirs = {**_theirs_in_it(reading, situation, kb), **named_theirs}
    elif situation_id in _SHARED_HOME:  # "ik ben 45, hij is 39": still about his bijstand
        kept = {b: word for word, held in frame.household.items() for b in held}
        asked_theirs = {**kept, **named_theirs}
    if asked_theirs and situation.rules:  # "… ik heb bijstand. wat gebeurt er met haar ww?"
        # Named in passing: whose, and who reports; the rule too when asked about theirs,
        # or when they do it together ("we gaan 6 weken naar indonesie").
        together = bool(_TOGETHER & set(normalise(turn.text)))
        brief = not (named_theirs or together or situation_id in _SHARED_HOME)
        about_theirs = other_person_answer(kb, asked_theirs, situation_id, turn.today, brief)
        answer.messages[-1:-1] = about_theirs.messages[:-2]
    still = _earlier_still_holds(frame, kb, data, situation, benefits, answer.rules)
    if still:
        answer.messages.insert(-1, still)
    frame.last_answer = {
        "situation": situation_id,
        "rules": answer.rules,
        "benefits": benefits,
        "events": events,
        "facts": facts,
    }
    if answer.asks:
        frame.last_answer["asks"] = answer.asks
    if earlier and not situation.rules:  # general only: a benefit named next is the earlier's
        frame.last_answer["earlier"] = earlier
    return TurnResult("answered", answer, frame)


def _earlier_still_holds(
    frame: Frame,
    kb: Any,
    data: Any,
    situation: Situation,
    benefits: list[str],
    rules: list[str],
) -> list[dict[str, Any]]:
    """Keep what was said to report per agency; an answer that has nothing to report to an
    agency that an earlier answer, about something else, said must hear it, says that the
    earlier answer still holds (two answers must never read as a contradiction)."""
    situation_id = situation.id
    reports: dict[str, bool] = {}
    for benefit in benefits:
        base = situation.rule_for(benefit, kb.benefits[benefit].family)
        if base is None:
            continue
        variants = {variant.rule for variant in kb.rules[base].variants}
        applied = next((r for r in rules if r == base or r in variants), base)
        agency = kb.benefits[benefit].agency
        reports[agency] = reports.get(agency, False) or (
            kb.rules[applied].verdict in REPORTING_VERDICTS
        )
    notes = []
    for agency, now in reports.items():
        earlier = [
            s for s, said in frame.said.get(agency, {}).items() if said and s != situation_id
        ]
        if not now and earlier and earlier[-1] in kb.situations:
            notes.append(
                part(
                    N_("answer.earlier_still_holds"),
                    topic={"key": title_key(earlier[-1], kb, data)},
                    agency={"key": kb.agencies[agency].name_key},
                )
            )
        frame.said.setdefault(agency, {})[situation_id] = now
    return notes


_SINCE = frozenset({"sinds", "since"})
# Who someone is ("ik ben alleenstaande moeder, mijn dochter is 6"), not what changes.
_STATUS = frozenset({"alleenstaand", "alleenstaande", "single"})


# "we hebben zorgtoeslag en kindgebonden budget": what someone gets, not a change.
_HAVING = frozenset({"heb", "hebben", "heeft", "krijg", "krijgen", "krijgt", "have", "get", "gets"})
HAVING_SENTENCE = 8  # words


def _how_things_are(sentence: str) -> bool:
    """ "ik ben sinds vorig jaar mijn baan kwijt": a "since" sentence is context, not news;
    so is a sentence that says who someone is, or which benefits they get, and names no
    change ("kindgebonden budget" is no birth)."""
    tokens = normalise(sentence)
    words = set(tokens)
    if _SINCE & words:
        return True
    status = bool(_STATUS & words)
    having = bool(_HAVING & words) and len(tokens) <= HAVING_SENTENCE
    if not (status or having) or detect_events(sentence, life_events()):
        return False
    return status or bool(read_message(sentence, knowledge()).had)


# A stay abroad for a while is a trip, also when a child goes or someone "moves" there.
_A_STAY_NOT_A_MOVE = frozenset({"child_leaves", "moving", "sick"})
LONG_TRIP_DAYS = 90


def _trip_not_a_move(read: SituationReading, turn: TurnInput) -> SituationReading:
    """ "mijn dochter gaat een half jaar naar een school in spanje": a stay abroad."""
    days = turn.facts.days
    if read.label not in _A_STAY_NOT_A_MOVE or not turn.facts.destinations or days is None:
        return read
    return replace(read, label="abroad_long" if days >= LONG_TRIP_DAYS else TRIP, ask_between=[])


def _news_not_context(read: SituationReading, turn: TurnInput) -> SituationReading:
    """ "since my husband passed away i get anw. i do alterations for people": the label of a
    "since" sentence is how things are; a sure label of another sentence is the news."""
    if read.label is None or not turn.sentence_labels:
        return read
    heard = [(label, sure, s) for label, sure, s in turn.sentence_labels if label == read.label]
    if not heard or not all(_how_things_are(s) for _, _, s in heard):
        return read
    news = [
        (sure, label)
        for label, sure, s in turn.sentence_labels
        if label not in (NOTHING, read.label) and sure >= READ_SURE and not _how_things_are(s)
    ]
    return replace(read, label=max(news)[1], ask_between=[]) if news else read


SENTENCE_SURE = 0.6  # a sentence read this surely names a change of its own


def _sure_in_a_sentence(turn: TurnInput, data: Any) -> list[str]:
    """ "… En in april begin ik met een baan.": the life events of a sentence the reader is
    sure of, also where no listed words name them."""
    return [
        event
        for label, confidence, sentence in turn.sentence_labels
        if label != NOTHING and confidence >= SENTENCE_SURE and not _how_things_are(sentence)
        for event in events_of(label, sentence, data)
        if data.events[event].kind == "life"
    ]


def _news_named(text: str, data: Any) -> list[str]:
    """The life events the words name outside "since" sentences (how things already are)."""
    named: list[str] = []
    for sentence in sentences(text):
        if not _how_things_are(sentence):
            named += [e for e in detect_events(sentence, data) if e not in named]
    return named


def _also_said(turn: TurnInput, data: Any) -> list[str]:
    """The reader's further labels that the message bears out: words name them, one of its
    sentences reads as one, or it names a place for a trip. "i found a job for 3 days a
    week" is no trip, however much "3 days" sounds like one."""
    borne_out = {label_of_event(event, data) for event in _news_named(turn.text, data)}
    borne_out |= {label for label, _, _ in turn.sentence_labels}
    if turn.hint:
        borne_out.add(turn.hint)
    if turn.facts.destinations:
        borne_out |= {TRIP, "abroad_long"}
    return [label for label in turn.reading.also if label in borne_out]


def _heard_anywhere(turn: TurnInput) -> dict[str, float]:
    """How sure the reader is of each label, in the whole message or in one sentence."""
    heard = dict(turn.ranking)
    for label, confidence, sentence in turn.sentence_labels:
        if label != NOTHING and not _how_things_are(sentence):
            heard[label] = max(heard.get(label, 0.0), confidence)
    return heard


def _agencies_not_on_the_list(
    turn: TurnInput, reading: Reading, frame: Frame, data: Any, kb: Any
) -> list[str]:
    """The agencies a follow-up asks about when the checklist it follows gives none of them
    anything to do (empty when it names none, or one that is on the list, or a benefit: "en
    de belastingdienst voor mijn zorgtoeslag?" asks for the list with that benefit)."""
    if frame.last_answer.get("kind") != "checklist" or not reading.agencies or reading.benefits:
        return []
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    if previous is None:
        return []
    listed = {AGENCY_OF_DESK[item.desk] for item in previous.items if item.needs_action}
    if any(agency in listed for agency in reading.agencies):
        return []
    return list(reading.agencies)


def _theirs_asked_about(text: str, reading: Reading, kb: Any) -> dict[str, str]:
    """A relative's benefit asked about by "her"/"haar" ("wat gebeurt er met haar ww?")
    next to the person's own: answered after the person's own."""
    tokens = normalise(text)
    return {
        benefit: word
        for benefit, word in reading.other_words.items()
        if any(
            start > 0 and tokens[start - 1] in THEIR
            for term in kb.benefits[benefit].terms
            for start, _ in term_spans(tokens, term)
        )
    }


def _theirs_in_it(reading: Reading, situation: Situation, kb: Any) -> dict[str, str]:
    """The relatives' benefits this message names that the situation has a rule for: the
    change touches them too ("mijn zoon krijgt studiefinanciering en gaat op kamers")."""
    return {
        benefit: word
        for benefit, word in reading.other_words.items()
        if kb.benefits[benefit].family in situation.rules
    }


# "moet ik dat voor hem doorgeven?": the person asks about the relative's duty.
_ON_THEIR_BEHALF = re.compile(
    r"\bvoor (?:hem|haar|hen)\b|\bfor (?:him|her|them)\b|\bnamens\b", re.I
)


def _their_benefits_in_the_household(
    turn: TurnInput, reading: Reading, frame: Frame, situation: Situation, kb: Any
) -> dict[str, str]:
    """A message about what "she" or "he" does (no "ik") after the conversation named that
    relative's benefits: the activity is theirs, for those benefits."""
    last = frame.last_relative
    theirs_read = _a_relative_does_what_was_read(turn, situation)
    for_them = _about_someone_else(turn.text) or _ON_THEIR_BEHALF.search(turn.text) or theirs_read
    if last is None or (reading.had and not theirs_read) or not for_them:
        return {}
    if situation.kind != "permission":  # a change at home touches the person's own benefits
        return {}
    return {
        benefit: last
        for benefit in frame.household.get(last, [])
        if kb.benefits[benefit].family in situation.rules
    }


def _relatives_of_agencies(reading: Reading, frame: Frame, kb: Any) -> dict[str, str]:
    """The relatives' benefits paid by the agencies a follow-up names."""
    agency_of = {benefit_id: benefit.agency for benefit_id, benefit in kb.benefits.items()}
    return frame.relatives_paid_by(list(reading.agencies), agency_of)


def _relatives_answer(
    turn: TurnInput, frame: Frame, kb: Any, relatives: dict[str, str], situation_id: str
) -> TurnResult:
    """The rule for a relative's own benefit, theirs to report to their agency."""
    answer = other_person_answer(kb, relatives, situation_id, turn.today)
    frame.last_answer = {
        "situation": situation_id,
        "kind": "other_person",
        "others": relatives,
        "sources": answer.rules,
    }
    return TurnResult("answered", answer, frame)


def _relatives_asked_about(reading: Reading, frame: Frame, follow_up: bool) -> dict[str, str]:
    """Whose benefit the question is about when it is not the person's own: the relatives
    this message names, or, in a follow-up ("gaat haar aow dan omlaag?"), those the answer
    it follows was about."""
    relatives = dict(reading.other_words)
    kept = frame.last_answer.get("others") if follow_up else None
    if isinstance(kept, dict):  # "haar aow" is still the mother's
        relatives = {**relatives, **{str(b): str(w) for b, w in kept.items()}}
    return relatives


def _reports_to_gemeente(kb: Any, rules: list[str]) -> bool:
    """The answer has something to report to the gemeente: its own deadlines then matter."""
    return any(
        kb.rules[rule].agency == "gemeente" and kb.rules[rule].verdict in REPORTING_VERDICTS
        for rule in rules
    )


def _without_situation(
    turn: TurnInput, reading: Reading, frame: Frame, kb: Any, data: Any, wants_list: bool
) -> TurnResult:
    """No situation in this message or the frame: lists, assumptions, benefits alone."""
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    if previous is not None and turn.gemeente is not None:  # "ik woon in Zwolle" afterwards
        again = build_checklist(
            data,
            kb,
            previous.events,
            previous.benefits,
            turn.today,
            turn.gemeente,
            previous.event_day,
            previous.event_days,
        )
        return TurnResult(
            "answered", checklist_answer(data, kb, again), frame, None, again.as_slot()
        )
    if wants_list or asks_for_the_list_again(turn.text):
        if previous is None:
            return TurnResult("answered", no_checklist_yet(), frame)
        return TurnResult("answered", checklist_answer(data, kb, previous), frame)
    if turn.intent in SMALLTALK_INTENTS:
        return TurnResult("smalltalk", None, frame, turn.pending)
    if turn.intent == "ask_own_case":
        return TurnResult("answered", own_case_answer(kb, frame.benefits), frame)
    if reading.assumption:
        return TurnResult("answered", assumption_answer(kb, reading, frame.benefits), frame)
    if reading.eligibility and (reading.benefits or turn.intent in QUESTION_INTENTS):
        return TurnResult("answered", eligibility_answer(kb, reading), frame)
    if reading.benefits and reading.asking and turn.intent in QUESTION_INTENTS:
        return TurnResult("answered", unclear_question_answer(kb, reading.benefits), frame)
    if turn.intent == "ask_permission":
        return TurnResult("answered", Answer("no_decision", [[part("no_decision")]]), frame)
    if turn.intent == CONCEAL_INTENT:
        reasons = _conceal_reasons(turn.text)
        return TurnResult("answered", with_offer("conceal", [[part("conceal"), *reasons]]), frame)
    if reading.had and (len(turn.text.split()) <= BENEFIT_ONLY or not reading.asking):
        # "ik ben alleenstaande moeder van een meisje van 7 en ik heb bijstand": who they are
        return TurnResult("answered", benefit_noted(kb, reading.had), frame)
    if reading.other_words and not reading.had and not reading.asking:
        # "ik ben vader van een dochter met wajong, ik regel haar papieren": who has what.
        return TurnResult("answered", their_benefit_noted(kb, reading.other_words), frame)
    return TurnResult("not_understood", None, frame, turn.pending)


def _checklist(
    turn: TurnInput,
    frame: Frame,
    events: list[str],
    data: Any,
    kb: Any,
    others: list[str],
    *,
    theirs: bool = False,
) -> TurnResult:
    """The list for the person's benefits; without benefits of their own (or `theirs`), for
    the benefits of the relative they ask for ("mijn vader heeft aio en wil 3 maanden naar
    marokko")."""
    benefits = others if theirs else (frame.benefits or others)
    if not benefits and turn.pending is None:
        return _first_steps_and_ask_benefit(turn, frame, events, data, kb)
    previous = checklist_from_slot(data, kb, turn.kept_checklist, turn.today)
    text = turn.pending or turn.text
    gemeente = frame.facts.get("gemeente") or (previous.gemeente if previous else None)
    day, days = event_date(text, turn.today), _dates_per_event(turn, text, events, data)
    checklist = build_checklist(data, kb, events, benefits, turn.today, gemeente, day, days)
    desks = dict.fromkeys(AGENCY_OF_DESK[item.desk] for item in checklist.to_do)
    frame.last_answer = {
        "situation": frame.situation,
        "events": events,
        "kind": "checklist",
        "agencies": list(desks),
    }
    return TurnResult(
        "answered", checklist_answer(data, kb, checklist), frame, None, checklist.as_slot()
    )


def _first_steps_and_ask_benefit(
    turn: TurnInput, frame: Frame, events: list[str], data: Any, kb: Any
) -> TurnResult:
    """A life event whose list has desks for everyone (a birth: the BRP and the SVB; a
    partner's death: the ANW at the SVB) gets those first, then the question which benefit
    the person has; other events get only the question."""
    asked = ask_benefit()
    if not any(data.events[event].always for event in events if event in data.events):
        return TurnResult("answered", asked, frame, turn.text)
    day = event_date(turn.text, turn.today)
    days = _dates_per_event(turn, turn.text, events, data)
    checklist = build_checklist(data, kb, events, [], turn.today, None, day, days)
    listed = checklist_answer(data, kb, checklist)
    answer = Answer(listed.kind, [*listed.messages[:-1], *asked.messages], asked.buttons)
    return TurnResult("answered", answer, frame, turn.text)


def _dates_per_event(
    turn: TurnInput, text: str, events: list[str], data: Any
) -> dict[str, dt.date]:
    """ "Op 1 maart gaan we samenwonen. In mei wordt mijn zoon 18.": each event on the date
    of the sentence that names it (by its words, or by the reader's label of it)."""
    heard = {sentence: label for label, _, sentence in turn.sentence_labels}
    days: dict[str, dt.date] = {}
    for sentence in sentences(text):  # the reader's own split: its labels are found again
        day = event_date(sentence, turn.today)
        if day is None:
            continue
        named = detect_events(sentence, data)
        label = heard.get(sentence)
        if label not in (None, NOTHING):
            named += events_of(str(label), sentence, data)
        for event in named:
            if event in events and event not in days:
                days[event] = day
    return days


def answer_yes_no(frame: Frame, yes: bool, today: dt.date) -> TurnResult | None:
    """ "Ja" or "nee" to the question the last answer ended with ("Ben je alleenstaande
    ouder?"); None when it asked none (then a yes or no only closes the answer)."""
    asked = frame.last_answer.get("asks")
    if not isinstance(asked, str) or asked not in knowledge().conditions:
        return None
    frame.facts["conditions"] = {**(frame.facts.get("conditions") or {}), asked: yes}
    frame.last_answer = {k: v for k, v in frame.last_answer.items() if k != "asks"}
    rules = [str(rule) for rule in frame.last_answer.get("rules") or []]
    return TurnResult("answered", condition_answer(knowledge(), rules, asked, yes, today), frame)


def answer_again(frame: Frame, kept_checklist: Any, today: dt.date) -> TurnResult:
    """The answer for the situation in the frame, again (after a language switch, or
    shorter after "ik snap het niet"): a follow-up that changes nothing."""
    turn = TurnInput("", "what_if", [], None, frame, None, kept_checklist, today)
    return answer_turn(turn)


def with_the_context_of(
    text: str,
    ranking: list[tuple[str, float]],
    sentence_labels: list[tuple[str, float, str]],
    frame: Frame,
) -> Frame:
    """ "my wife moved to poland with the kids, i get kinderbijslag. i'd like to talk to
    someone": a request for a person whose message says who the person is and what it is
    about. The frame keeps that, so a question during or after the handoff goes on from
    there instead of starting from nothing."""
    kb, data = knowledge(), life_events()
    reading = read_message(text, kb)
    frame.note_others(reading.other_words)
    frame.benefits = merge(frame.benefits, reading.had)
    hint = word_hint(reading, text, "ask_rules", data)
    ranked = _the_sentence_that_says_it(ranking, sentence_labels)
    read = read_ranking(ranked, hint, frame.situation, _covers(kb))
    if read.label is not None and not read.ask_between:
        frame.new_situation(read.label)
        frame.last_answer = {"situation": read.label, "kind": "handoff_context"}
    return frame
