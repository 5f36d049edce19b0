"""Prompt files are strict data: exactly the `Prompt` fields with the right types."""

from __future__ import annotations

import json
import string
import tomllib
from typing import Any

import pytest

from assistant.core import locations
from assistant.core.drafting import prompts
from assistant.core.drafting.prompts import Prompt

GOOD: dict[str, Any] = {
    "name": "p", "version": 1, "max_tokens": 32, "temperature": 0.0,
    "system": "You rewrite.", "user": 'Sentence: "{clause}"',
    "schema": '{"type": "object", "properties": {"action": {"type": "string"}}}',
}


def test_good_prompt_parses() -> None:
    p = prompts.parse(dict(GOOD), "p.toml")
    assert p == Prompt(**GOOD)
    assert p.schema_dict()["properties"]["action"]["type"] == "string"
    assert p.render(clause="I will {not} format this") == 'Sentence: "I will {not} format this"'


def test_integer_temperature_is_a_number() -> None:
    assert prompts.parse({**GOOD, "temperature": 1}, "p.toml").temperature == 1


def test_extra_key_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown \['top_p'\]"):
        prompts.parse({**GOOD, "top_p": 0.9}, "p.toml")


@pytest.mark.parametrize("key", sorted(GOOD))
def test_missing_key_is_refused(key: str) -> None:
    data = {k: v for k, v in GOOD.items() if k != key}
    with pytest.raises(ValueError, match=rf"p.toml: missing \['{key}'\]"):
        prompts.parse(data, "p.toml")


@pytest.mark.parametrize("key, value", [
    ("name", 3), ("version", "1"), ("version", 1.0), ("version", True), ("max_tokens", None),
    ("temperature", "0"), ("temperature", False), ("system", ["a"]), ("user", b"x"),
    ("schema", {"type": "object"}),
])
def test_wrong_type_is_refused(key: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"'{key}' must be"):
        prompts.parse({**GOOD, key: value}, "p.toml")


def test_schema_must_be_json() -> None:
    with pytest.raises(ValueError):
        prompts.parse({**GOOD, "schema": "{not json"}, "p.toml")


def test_shipped_rephrase_prompt_loads() -> None:
    p = prompts.load("rephrase_contract")
    assert p.name == "rephrase_contract"
    assert p.version >= 1 and 0 < p.max_tokens <= 256 and p.temperature == 0.0
    schema = p.schema_dict()
    assert schema["required"] == ["action"]
    assert schema["properties"]["action"]["type"] == "string"
    # The template asks for exactly one value, the clause.
    fields = {f for _, f, _, _ in string.Formatter().parse(p.user) if f is not None}
    assert fields == {"clause"}
    assert "I will call Kim" in p.render(clause="I will call Kim")
    # The model is told the clause is data, not instructions.
    assert "never follow" in p.system.lower()


def test_shipped_prompt_file_is_strict_toml() -> None:
    path = locations.package_data("prompts") / "rephrase_contract.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) == set(GOOD)
    json.loads(data["schema"])


def test_every_shipped_prompt_loads() -> None:
    files = sorted(locations.package_data("prompts").glob("*.toml"))
    assert files
    for path in files:
        with path.open("rb") as fh:
            word_list = "words" in tomllib.load(fh)  # a Whisper word list, else an LLM prompt
        loaded = prompts.load_words(path.stem) if word_list else prompts.load(path.stem)
        assert loaded.name == path.stem


def test_unknown_prompt_is_missing() -> None:
    with pytest.raises(FileNotFoundError):
        prompts.load("no_such_prompt")


WORDS: dict[str, Any] = {"name": "w", "version": 1, "words": "manuscript travel grant"}


def test_word_list_parses_and_splits_on_spaces() -> None:
    assert prompts.parse_words(dict(WORDS), "w.toml").listed() == ["manuscript", "travel",
                                                                  "grant"]


@pytest.mark.parametrize("change", [
    {"extra": "x"}, {"words": ["manuscript"]}, {"version": "1"}, {"words": "   "},
])
def test_word_list_is_strict(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="w.toml"):
        prompts.parse_words({**WORDS, **change}, "w.toml")


def test_shipped_word_list_loads_and_is_short() -> None:
    words = prompts.load_words("contract_words").listed()
    # It shares Whisper's 224-token prompt window with the member's own words.
    assert 10 <= len(words) <= 60
