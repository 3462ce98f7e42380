"""The situation reader reads what people do, not which benefit or agency they name."""

from __future__ import annotations

from bot.domain.conversation.masking import masked


def test_benefit_and_agency_names_become_one_generic_word() -> None:
    assert masked("heb een WW-uitkering, moet het UWV dat weten?") == (
        "heb een uitkering moet het instantie dat weten"
    )
    assert masked("mn zorgtoeslag en de belastingdienst") == "mn uitkering en de instantie"


def test_names_that_say_what_a_message_is_about_stay() -> None:
    # A survivor's benefit, sickness benefit and student finance tell the situation.
    assert masked("ik krijg anw sinds mijn man er niet meer is") == (
        "ik krijg anw sinds mijn man er niet meer is"
    )
    assert "ziektewet" in masked("ik zit in de ziektewet")
