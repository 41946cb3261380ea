"""Instrument texts in English and Welsh, with Welsh falling back to English."""

from django.utils import translation

from caremap.instruments.definition import Instrument, Text
from caremap.instruments.sources import read_source, shipped_paths


def test_a_plain_string_is_english_and_serves_every_language():
    text = Text.of("Housing and safety")
    assert text.get("en") == "Housing and safety"
    assert text.get("cy") == "Housing and safety"


def test_welsh_is_used_when_given_and_english_otherwise():
    text = Text.of({"en": "Wellbeing", "cy": "Llesiant"})
    assert text.get("cy") == "Llesiant"
    assert text.get("en") == "Wellbeing"
    assert text.get(None) == "Wellbeing"
    with translation.override("cy"):
        assert str(text) == "Llesiant"
    with translation.override("en"):
        assert str(text) == "Wellbeing"


def test_every_text_of_the_default_instrument_reads_in_welsh_or_english():
    path = next(p for p in shipped_paths() if p.stem == "recovery-capital-profile")
    instrument = Instrument.from_dict(read_source(path)[0])
    with translation.override("cy"):
        assert str(instrument.title) == instrument.title.cy != ""
        for item in instrument.items:
            # Never blank: the Welsh where there is some, else the English.
            assert str(item.text) == (item.text.cy or item.text.en) != ""
