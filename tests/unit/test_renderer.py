"""The NLG renderer with the real domain and the real catalogs."""

from typing import Any

import pytest

from bot.i18n.catalogs import MessageCatalogs
from bot.nlg.renderer import Renderer, UnknownResponseError
from bot.nlg.responses import load_responses
from bot.shared.settings import SUPPORTED_LANGUAGES


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(load_responses(), MessageCatalogs(), default_language="nl")


def tracker(*user_texts: str, **slots: Any) -> dict[str, Any]:
    return {
        "slots": slots,
        "latest_message": {"text": user_texts[-1] if user_texts else ""},
        "events": [{"event": "user", "text": text} for text in user_texts],
    }


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_response_renders_words_not_keys(renderer: Renderer, language: str) -> None:
    for name, spec in renderer.responses.items():
        rendered = renderer.render(name, tracker(language=language))
        assert rendered["text"] and rendered["text"] != spec.text_key, name
        for button, button_spec in zip(rendered["buttons"], spec.buttons, strict=True):
            assert button["title"] != button_spec.title_key, name
            assert button["payload"] == button_spec.payload


def test_greeting_introduces_and_warns_about_personal_details(renderer: Renderer) -> None:
    text = renderer.render("utter_greet", tracker("hoi"))["text"]
    assert "Wegwijs" in text
    for word in ("BSN", "DigiD", "bank", "beslis"):
        assert word in text


def test_language_follows_the_person_unless_they_chose_one(renderer: Renderer) -> None:
    english = renderer.render("utter_goodbye", tracker("hoi", "bye bye"))["text"]
    dutch = renderer.render("utter_goodbye", tracker("hi", "doei, tot ziens"))["text"]
    assert english != dutch
    assert renderer.render("utter_goodbye", tracker(language="en"))["text"] == english
    chosen = tracker("ik wil doei zeggen", language="en")
    assert renderer.render("utter_goodbye", chosen)["text"] == english


def test_metadata_language_and_default(renderer: Renderer) -> None:
    kiosk = {"latest_message": {"metadata": {"language": "en"}}, "events": []}
    assert renderer.language_for(kiosk) == "en"
    assert renderer.language_for({}) == "nl"
    assert renderer.language_for({"slots": {"language": "xx"}}) == "nl"


def test_menu_offers_the_main_topics_as_buttons(renderer: Renderer) -> None:
    menu = renderer.render("utter_menu", tracker("wat kun je"))
    payloads = [button["payload"] for button in menu["buttons"]]
    assert len(payloads) == 6
    assert all(payload.startswith("/ask_rules") for payload in payloads)


def test_unknown_response_is_an_error(renderer: Renderer) -> None:
    with pytest.raises(UnknownResponseError):
        renderer.render("utter_does_not_exist", tracker())
