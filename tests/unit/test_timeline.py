"""Turn timelines for imported meetings: strict parsing, sorted turns, text ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.errors import PMCError
from assistant.core.meeting import timeline
from assistant.core.meeting.agenda import SEGMENT_IDS
from assistant.core.meeting.timeline import TimelineTurn

FAST = settings(max_examples=100, deadline=None, database=None)
MEMBERS = ["Ana", "Ben"]


def doc(*turns: dict[str, object]) -> str:
    return json.dumps({"turns": list(turns)})


def turn(speaker: object = "Ana", segment: object = "check_in", start: object = 0.0,
         end: object = 1.0, **extra: object) -> dict[str, object]:
    return {"speaker": speaker, "segment": segment, "start": start, "end": end, **extra}


def test_valid_timeline_is_sorted_and_canonicalised() -> None:
    text = doc(turn("ben", "report_back", 10, 20.5, text="I finished everything"),
               turn(" ANA ", "check_in", 0, 10))
    assert timeline.parse(text, MEMBERS) == [TimelineTurn("Ana", "check_in", 0.0, 10.0),
                                             TimelineTurn("Ben", "report_back", 10.0, 20.5)]


def test_text_field_is_ignored() -> None:
    out = timeline.parse(doc(turn(text="secret words")), MEMBERS)
    assert "secret" not in repr(out)
    assert not hasattr(out[0], "text")


def test_touching_turns_are_fine_but_overlaps_are_not() -> None:
    timeline.parse(doc(turn(start=0, end=5), turn("Ben", start=5, end=6)), MEMBERS)
    with pytest.raises(PMCError, match="overlap at 4.00 s"):
        timeline.parse(doc(turn(start=0, end=5), turn("Ben", start=4, end=6)), MEMBERS)


@pytest.mark.parametrize("text, needle", [
    ("nope", "not valid JSON"),
    ("[]", "no 'turns' list"),
    ('{"turns": []}', "no 'turns' list"),
    ('{"turns": {}}', "no 'turns' list"),
    ('{"turns": [3]}', "turn 1 must be an object"),
    (doc(turn(), turn("Zed", start=2, end=3)), "turn 2 names 'Zed', who is not a member"),
    (doc(turn(speaker=None)), "turn 1 names None"),
    (doc(turn(segment="lunch")), "segment 'lunch' must be one of"),
    (doc(turn(start="0")), "numeric 'start' and 'end'"),
    (doc(turn(end=True)), "numeric 'start' and 'end'"),
    (doc(turn(end=None)), "numeric 'start' and 'end'"),
    ('{"turns": [{"speaker": "Ana", "segment": "check_in", "start": 0, "end": Infinity}]}',
     "numeric 'start' and 'end'"),
    ('{"turns": [{"speaker": "Ana", "segment": "check_in", "start": NaN, "end": 1}]}',
     "numeric 'start' and 'end'"),
    (doc(turn(start=-1, end=1)), "negative or empty time"),
    (doc(turn(start=2, end=2)), "negative or empty time"),
    (doc(turn(start=3, end=2)), "negative or empty time"),
])
def test_bad_timelines_are_refused(text: str, needle: str) -> None:
    with pytest.raises(PMCError, match=needle) as exc:
        timeline.parse(text, MEMBERS, "t.json")
    assert str(exc.value).startswith("t.json")


def test_load(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(doc(turn()), encoding="utf-8")
    assert timeline.load(path, MEMBERS) == [TimelineTurn("Ana", "check_in", 0.0, 1.0)]
    with pytest.raises(PMCError, match="does not exist"):
        timeline.load(tmp_path / "missing.json", MEMBERS)
    with pytest.raises(PMCError, match="does not exist"):
        timeline.load(tmp_path, MEMBERS)  # a directory is not a timeline file
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"turns": "\xff"}')
    with pytest.raises(PMCError, match="not readable UTF-8"):
        timeline.load(bad, MEMBERS)


REPO = Path(__file__).resolve().parents[2]


def test_demo_timeline_parses() -> None:
    path = REPO / "assistant" / "demo" / "demo_circle.timeline.json"
    speakers = {t["speaker"] for t in json.loads(path.read_text(encoding="utf-8"))["turns"]}
    turns = timeline.load(path, sorted(speakers))
    assert len(turns) > 5
    assert all(a.end <= b.start + 1e-6 for a, b in zip(turns, turns[1:], strict=False))


def test_demo_timeline_is_found_as_package_data() -> None:
    from assistant.core.locations import package_data

    assert (package_data("demo") / "demo_circle.timeline.json").is_file()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids,
                                                               max_size=3),
    max_leaves=15,
)
turn_like = st.fixed_dictionaries({}, optional={
    "speaker": st.sampled_from(["Ana", "ben", " Ana", "Zed"]) | json_values,
    "segment": st.sampled_from(SEGMENT_IDS) | json_values,
    "start": st.floats(-5, 100) | st.integers(-5, 100) | json_values,
    "end": st.floats(-5, 100) | st.integers(-5, 100) | json_values,
    "text": json_values,
})


@FAST
@given(st.one_of(json_values, st.fixed_dictionaries({"turns": st.lists(turn_like, max_size=5)})))
def test_parse_raises_only_pmc_error_on_any_json(data: object) -> None:
    try:
        out = timeline.parse(json.dumps(data), MEMBERS)
    except PMCError:
        return
    assert out == sorted(out, key=lambda t: t.start)
    assert all(t.speaker in MEMBERS and 0 <= t.start < t.end for t in out)


@FAST
@given(st.text(max_size=50))
def test_parse_raises_only_pmc_error_on_any_text(text: str) -> None:
    try:
        timeline.parse(text, MEMBERS)
    except PMCError:
        pass


def test_huge_integer_time_is_a_user_error() -> None:
    with pytest.raises(PMCError):
        timeline.parse(doc(turn(start=0, end=10**400)), MEMBERS)


def test_overlong_integer_is_a_user_error() -> None:
    with pytest.raises(PMCError):
        timeline.parse('{"turns": [{"start": ' + "9" * 5000 + "}]}", MEMBERS)
