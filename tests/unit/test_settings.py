"""User settings: documented defaults, strict keys and types, one-line errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core import locations
from assistant.core import settings as settings_mod
from assistant.core.errors import PMCError
from assistant.core.settings import DEFAULTS_DOC, Settings

FAST = settings(max_examples=80, deadline=None, database=None)
KEYS = [f.name for f in dataclasses.fields(Settings)]


def test_empty_text_gives_defaults() -> None:
    assert settings_mod.parse("") == Settings()


def test_documented_defaults_match_the_code() -> None:
    """Uncommenting every line of DEFAULTS_DOC must give exactly the defaults, key for key."""
    lines = [line[2:] for line in DEFAULTS_DOC.splitlines() if " = " in line]
    assert sorted(line.split(" = ")[0] for line in lines) == sorted(KEYS)
    assert settings_mod.parse("\n".join(lines)) == Settings()


def test_every_key_can_be_set() -> None:
    text = """
        whisper_model = "/models/ct2"
        whisper_backend = "openai-whisper"
        llm_model = "/models/x.gguf"
        language = "de"
        beam_size = 5
        threads = 2
        use_llm = false
        next_meeting_days = 7
    """
    assert settings_mod.parse(text) == Settings("/models/ct2", "openai-whisper", "/models/x.gguf",
                                                "de", 5, 2, False, 7)


@pytest.mark.parametrize("text, needle", [
    ("beam = 2", "unknown setting 'beam'"),
    ("threads = true", "'threads' must be int"),
    ("use_llm = 1", "'use_llm' must be bool"),
    ("beam_size = 2.0", "'beam_size' must be int"),
    ('language = ["en"]', "'language' must be str"),
    ("whisper_model = 3", "'whisper_model' must be str"),
    ("[whisper]\nmodel = 'x'", "unknown setting 'whisper'"),
    ("beam_size = 0", "beam_size >= 1"),
    ("threads = -1", "threads >= 0"),
    ("next_meeting_days = 0", "next_meeting_days >= 1"),
    ('whisper_backend = "whisper.cpp"', "whisper_backend must be"),
    ("use_llm = ", "not valid TOML"),
])
def test_bad_settings_name_the_problem(text: str, needle: str) -> None:
    with pytest.raises(PMCError, match=needle) as exc:
        settings_mod.parse(text, "s.toml")
    assert str(exc.value).startswith("s.toml")


def test_unknown_key_error_lists_known_keys() -> None:
    with pytest.raises(PMCError) as exc:
        settings_mod.parse("colour = 'red'")
    assert all(k in str(exc.value) for k in KEYS)


def test_load_missing_file_is_defaults_and_creates_nothing(pmc_home: Path) -> None:
    assert settings_mod.load() == Settings()
    assert not pmc_home.exists()


def test_load_reads_settings_under_pmc_home(pmc_home: Path) -> None:
    path = locations.settings_path()
    assert path.parent == pmc_home
    locations.ensure(pmc_home)
    path.write_text("threads = 3\nuse_llm = false\n", encoding="utf-8")
    assert settings_mod.load() == Settings(threads=3, use_llm=False)


def test_load_explicit_path_and_bad_bytes(tmp_path: Path) -> None:
    good = tmp_path / "a.toml"
    good.write_text('language = "fr"\n', encoding="utf-8")
    assert settings_mod.load(good).language == "fr"
    bad = tmp_path / "b.toml"
    bad.write_bytes(b"language = '\xff'\n")
    with pytest.raises(PMCError, match="cannot read settings file"):
        settings_mod.load(bad)
    broken = tmp_path / "c.toml"
    broken.write_text("threads = 'x'\n", encoding="utf-8")
    with pytest.raises(PMCError, match=str(broken)):
        settings_mod.load(broken)


toml_scalars = (st.integers(-3, 20).map(str) | st.booleans().map(lambda b: str(b).lower())
                | st.text(alphabet="abcxyz-.0 ", max_size=8).map(lambda s: f'"{s}"')
                | st.floats(-5, 5, allow_nan=False).map(repr)
                | st.just("[1, 2]") | st.just("{a = 1}"))


@FAST
@given(st.lists(st.tuples(st.sampled_from([*KEYS, "other", "Threads"]), toml_scalars),
                max_size=5, unique_by=lambda kv: kv[0]))
def test_parse_raises_only_pmc_error_on_toml(pairs: list[tuple[str, str]]) -> None:
    text = "\n".join(f"{k} = {v}" for k, v in pairs)
    try:
        got = settings_mod.parse(text)
    except PMCError:
        return
    assert got.beam_size >= 1 and got.threads >= 0 and got.next_meeting_days >= 1
    for f in dataclasses.fields(Settings):
        assert type(getattr(got, f.name)) is type(getattr(Settings(), f.name))


@FAST
@given(st.text(max_size=60))
def test_parse_raises_only_pmc_error_on_any_text(text: str) -> None:
    try:
        settings_mod.parse(text)
    except PMCError:
        pass


def test_deeply_nested_toml_is_a_user_error() -> None:
    try:
        settings_mod.parse("threads = " + "[" * 5000)
    except PMCError:
        return
    except RecursionError:
        # pytrace=False: rendering a thousand recursive frames takes seconds.
        pytest.fail("RecursionError escaped settings.parse", pytrace=False)
    pytest.fail("deeply nested value accepted")


def test_contract_model_auto_takes_base_only_when_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.core import models
    from assistant.services import parts

    monkeypatch.setenv("PMC_MODELS_DIR", str(tmp_path / "none"))
    assert parts.contract_model_name(Settings()) is None  # nothing installed: tiny.en's
    assert parts.build_refiner(Settings()) is None
    named = Settings(contract_model="whisper-base")
    assert parts.contract_model_name(named) == "whisper-base"
    with pytest.raises(PMCError, match="pmc models pull whisper-base"):
        parts.build_refiner(named)  # asked for by name: a clear error, not a quiet fallback
    spec = models.spec(parts.AUTO_CONTRACT_MODEL)
    base = tmp_path / "none" / spec.name
    base.mkdir(parents=True)
    for f in spec.files:  # present (right sizes) but not the real files
        with (base / f.name).open("wb") as fh:
            fh.truncate(f.size)
    assert parts.contract_model_name(Settings()) == "whisper-base"
    assert parts.contract_model_name(Settings(whisper_model="whisper-base")) is None
    assert parts.contract_model_name(Settings(), model="whisper-base") is None
    assert parts.build_refiner(Settings()) is None  # fails its check: the meeting's model
    with pytest.raises(PMCError, match="sha256"):
        parts.build_refiner(named)


def test_contract_beam_gives_the_contracts_pass_its_own_transcriber(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.services import parts

    monkeypatch.setenv("PMC_MODELS_DIR", str(tmp_path / "none"))  # base not installed
    assert parts.refiner_model_name(Settings(contract_beam_size=1)) is None
    # Only the beam differs: the meeting's model, built again with the contracts beam.
    assert parts.refiner_model_name(Settings(contract_beam_size=5)) == "whisper-tiny.en"
    assert parts.refiner_model_name(Settings(contract_beam_size=5),
                                    model="whisper-base") == "whisper-base"
    assert parts.refiner_model_name(Settings(beam_size=5, contract_beam_size=5)) is None
    with pytest.raises(PMCError, match="contract_beam_size >= 1"):
        settings_mod.parse("contract_beam_size = 0")
