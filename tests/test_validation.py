"""pydantic's validation errors said in the reader's language (review/validation.py): the common
types from the catalog with their values, pydantic's own English text in English and for a type
the catalog does not name."""

from __future__ import annotations

import copy
import pickle
from typing import Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from review.i18n import N_, Phrase
from review.validation import problem_message, problem_said


class Row(BaseModel):
    name: str
    load: int = Field(default=0, ge=0)
    share: float = Field(default=0.5, le=1)
    language: Literal["de", "en", "fr"] = "de"
    email: str = ""


def _errors(data: dict) -> list:
    with pytest.raises(ValidationError) as raised:
        Row.model_validate(data)
    return raised.value.errors()


@pytest.mark.parametrize(
    ("data", "german"),
    [
        ({}, "fehlt, ist aber erforderlich"),
        ({"name": "x", "load": "zwei"}, "muss eine ganze Zahl sein"),
        ({"name": "x", "load": -1}, "muss mindestens 0 sein"),
        ({"name": "x", "share": 1.5}, "darf höchstens 1 sein"),
        ({"name": "x", "language": "it"}, "muss 'de', 'en' oder 'fr' sein"),
    ],
)
def test_common_types_are_said_in_german_and_as_pydantic_in_english(data, german) -> None:
    (error,) = _errors(data)
    assert problem_said(error, "de") == german
    assert problem_said(error, "en") == error["msg"]  # English reads as pydantic writes it
    assert str(problem_message(error)) == error["msg"]  # and so does str(), for logs


def test_a_type_the_catalog_lacks_keeps_pydantics_words() -> None:
    (error,) = _errors({"name": ["a list"]})
    assert error["type"] == "string_type"  # in the catalog; a type that is not:
    unknown = {**error, "type": "uuid_parsing", "msg": "Input should be a valid UUID"}
    assert problem_said(unknown, "de") == "Input should be a valid UUID"


def test_peerplans_own_validator_is_said_in_the_readers_language() -> None:
    said = Phrase(N_("min_load %(min)s is above max_load %(max)s"), min=5, max=2)
    error = {
        "type": "value_error",
        "msg": f"Value error, {said}",
        "ctx": {"error": ValueError(said)},
    }
    assert problem_said(error, "de") == "min_load 5 ist größer als max_load 2"
    assert problem_said(error, "en") == "min_load 5 is above max_load 2"
    plain = {"type": "value_error", "msg": "Value error, bad", "ctx": {"error": ValueError("bad")}}
    assert problem_said(plain, "de") == "bad"


def test_a_problem_survives_a_copy_and_a_pickle() -> None:
    (error,) = _errors({"name": "x", "language": "it"})
    problem = problem_message(error)
    for again in (copy.deepcopy(problem), pickle.loads(pickle.dumps(problem))):
        assert again == problem and again("de") == "muss 'de', 'en' oder 'fr' sein"
