"""Prompt templates: TOML data files in `prompts/`, loaded into a strict model.

Two kinds: an LLM prompt (`Prompt`, `load`) and a word list that primes Whisper
(`Words`, `load_words`). A prompt file must have exactly the fields of its model with
the right types;
anything else is refused, so a typo in a prompt file fails at load time rather
than silently changing what the model is asked.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from assistant.core import locations


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    max_tokens: int
    temperature: float
    system: str
    user: str
    schema: str

    def schema_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.schema)
        return data

    def render(self, **values: str) -> str:
        return self.user.format(**values)


def parse(data: dict[str, Any], source: str) -> Prompt:
    expected = {f.name: f.type for f in fields(Prompt)}
    if set(data) != set(expected):
        missing, extra = set(expected) - set(data), set(data) - set(expected)
        raise ValueError(f"{source}: missing {sorted(missing)}, unknown {sorted(extra)}")
    kinds: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float)}
    for key, kind in expected.items():
        if not isinstance(data[key], kinds[str(kind)]) or isinstance(data[key], bool):
            raise ValueError(f"{source}: '{key}' must be {kind}")
    prompt = Prompt(**data)
    prompt.schema_dict()  # must be valid JSON
    return prompt


@cache
def load(name: str) -> Prompt:
    path = locations.package_data("prompts") / f"{name}.toml"
    with path.open("rb") as fh:
        return parse(tomllib.load(fh), str(path))


@dataclass(frozen=True)
class Words:
    """A vocabulary list for Whisper's prompt: domain words, one space between each."""

    name: str
    version: int
    words: str

    def listed(self) -> list[str]:
        return self.words.split()


def parse_words(data: dict[str, Any], source: str) -> Words:
    expected = {"name": str, "version": int, "words": str}
    if set(data) != set(expected):
        missing, extra = set(expected) - set(data), set(data) - set(expected)
        raise ValueError(f"{source}: missing {sorted(missing)}, unknown {sorted(extra)}")
    for key, kind in expected.items():
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise ValueError(f"{source}: '{key}' must be {kind.__name__}")
    if not data["words"].split():
        raise ValueError(f"{source}: 'words' is empty")
    return Words(**data)


@cache
def load_words(name: str) -> Words:
    path = locations.package_data("prompts") / f"{name}.toml"
    with path.open("rb") as fh:
        return parse_words(tomllib.load(fh), str(path))
