"""Agenda templates: the default PMC agenda and strict parsing of user agendas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.errors import PMCError
from assistant.core.meeting import agenda
from assistant.core.meeting.agenda import DEFAULT_AGENDA, SEGMENT_IDS, AgendaSegment

FAST = settings(max_examples=80, deadline=None, database=None)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                               max_size=4),
    max_leaves=20,
)
segment_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(SEGMENT_IDS) | json_values,
        "title": st.text(max_size=10) | json_values,
        "minutes": st.floats(-10, 300) | st.integers(-5, 500) | json_values,
        "per_member": st.booleans() | json_values,
    },
)


def test_default_agenda_is_the_pmc_format() -> None:
    assert [s.id for s in DEFAULT_AGENDA] == list(SEGMENT_IDS)
    challenges = DEFAULT_AGENDA[2]
    assert challenges.id == "challenges" and not challenges.per_member


def test_planned_seconds_scales_per_member_segments_only() -> None:
    assert AgendaSegment("check_in", "C", 1.0, True).planned_seconds(6) == 360
    assert AgendaSegment("challenges", "C", 25.0, False).planned_seconds(6) == 1500
    assert AgendaSegment("check_in", "C", 1.5, True).planned_seconds(0) == 0


def test_default_agenda_round_trips_through_json() -> None:
    assert agenda.from_json(agenda.to_json(DEFAULT_AGENDA)) == DEFAULT_AGENDA


def test_missing_fields_take_defaults() -> None:
    got = agenda.from_json('[{"id": "check_in"}, {"id": "report_back", "minutes": 2}]')
    assert got == (AgendaSegment("check_in", "Check-in", 1.0, True),
                   AgendaSegment("report_back", "Report-back", 2.0, True))
    assert isinstance(got[1].minutes, float)


@pytest.mark.parametrize("text, needle", [
    ("not json", "not valid JSON"),
    ("{}", "non-empty JSON list"),
    ("[]", "non-empty JSON list"),
    ('["check_in"]', "segment 1 must be an object"),
    ('[{"id": "lunch"}]', "segment 1 id must be one of"),
    ('[{"minutes": 3}]', "segment 1 id must be one of"),
    ('[{"id": "check_in"}, {"id": "check_in"}]', "'check_in' appears twice"),
    ('[{"id": "check_in", "minutes": 0}]', "minutes must be a number"),
    ('[{"id": "check_in", "minutes": -1}]', "minutes must be a number"),
    ('[{"id": "check_in", "minutes": 241}]', "minutes must be a number"),
    ('[{"id": "check_in", "minutes": true}]', "minutes must be a number"),
    ('[{"id": "check_in", "minutes": "5"}]', "minutes must be a number"),
    ('[{"id": "check_in", "minutes": NaN}]', "minutes must be a number"),
    ('[{"id": "check_in", "per_member": 1}]', "per_member must be true or false"),
    ('[{"id": "check_in", "title": 5}]', "title must be text"),
])
def test_bad_agendas_are_refused_with_one_line(text: str, needle: str) -> None:
    with pytest.raises(PMCError, match=needle) as exc:
        agenda.from_json(text, "my.json")
    assert str(exc.value).startswith("my.json")
    assert "\n" not in str(exc.value)


def test_boundary_minutes_accepted() -> None:
    got = agenda.from_json('[{"id": "challenges", "minutes": 240, "per_member": false}]')
    assert got[0].minutes == 240.0 and got[0].per_member is False


def test_load_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(agenda.to_json(DEFAULT_AGENDA[:2]), encoding="utf-8")
    assert agenda.load_file(path) == DEFAULT_AGENDA[:2]
    with pytest.raises(PMCError, match="cannot read agenda file"):
        agenda.load_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe[")
    with pytest.raises(PMCError, match="cannot read agenda file"):
        agenda.load_file(bad)
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(PMCError, match=str(broken)):
        agenda.load_file(broken)


@FAST
@given(st.lists(segment_like, max_size=6) | json_values)
def test_from_json_raises_only_pmc_error(data: object) -> None:
    try:
        out = agenda.from_json(json.dumps(data))
    except PMCError:
        return
    assert out and all(s.id in SEGMENT_IDS for s in out)
    assert len({s.id for s in out}) == len(out)
    assert all(0 < s.minutes <= 240 for s in out)


@FAST
@given(st.text(max_size=40))
def test_from_json_on_arbitrary_text_raises_only_pmc_error(text: str) -> None:
    try:
        agenda.from_json(text)
    except PMCError:
        pass


@FAST
@given(st.permutations(SEGMENT_IDS).flatmap(lambda ids: st.tuples(*(
    st.builds(AgendaSegment, st.just(i), st.text(max_size=15),
              st.floats(0.01, 240, allow_nan=False), st.booleans()) for i in ids))),
       st.integers(1, 5))
def test_valid_agendas_round_trip(segments: tuple[AgendaSegment, ...], n: int) -> None:
    chosen = segments[:n]
    assert agenda.from_json(agenda.to_json(chosen)) == chosen


def test_deeply_nested_json_is_a_user_error() -> None:
    with pytest.raises(PMCError):
        agenda.from_json("[" * 100_000)


def test_huge_integer_is_a_user_error() -> None:
    with pytest.raises(PMCError):
        agenda.from_json('[{"id": "check_in", "minutes": ' + "9" * 5000 + "}]")
