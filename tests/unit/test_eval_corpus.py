"""The evaluation corpus: a deterministic generator, the fixed split, per-class scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.reports import evaluate
from assistant.core.store.store import Store
from assistant.services import evaluation
from benchmarks.eval import generate, split

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "eval"


def test_generator_is_deterministic_and_seed_dependent() -> None:
    a = generate.generate(3)
    assert a == generate.generate(3)
    assert a != generate.generate(3, seed=generate.SEED + 1)
    assert [m["name"] for m in a] == ["gen_001", "gen_002", "gen_003"]


def test_committed_generated_meetings_are_what_the_generator_writes() -> None:
    for m in generate.generate(40):
        path = CORPUS / split.split_of(m["name"]) / f"{m['name']}.json"
        assert json.loads(path.read_text()) == m, f"{path} differs: rerun the generator"


def test_generated_truth_is_consistent() -> None:
    for m in generate.generate(40):
        names = {x["name"] for x in m["members"]}
        assert 5 <= len(names) <= 8 and len({x["voice"] for x in m["members"]}) == len(names)
        said = {t["speaker"] for t in m["turns"]}
        assert said <= names
        previous = {**m["previous_contracts"], **m.get("earlier_contracts", {})}
        for name, items in m["truth"]["report_back"].items():
            assert name in said
            assert [i["item"] for i in items] == previous[name]
        for items in m["truth"]["contracts"].values():
            assert all(t["keys"] and t["class"] in generate.CLASSES for t in items)


def test_corpus_size_and_breadth() -> None:
    contracts = reports = 0
    classes: set[str] = set()
    meetings = split.scripts("dev") + split.scripts("test")
    for path in meetings:
        truth = json.loads(path.read_text())["truth"]
        for items in truth["contracts"].values():
            contracts += len(items)
            classes |= {t.get("class", "untagged") for t in items}
        for items in truth["report_back"].values():
            reports += len(items)
            classes |= {t["class"] for t in items}
        for items in truth.get("not_contracts", {}).values():
            classes |= {t["class"] for t in items}
    assert len(meetings) >= 40 and contracts >= 250 and reports >= 200
    assert set(generate.CLASSES) <= classes


def test_split_rule_is_fixed_and_every_file_obeys_it() -> None:
    assert split.split_of("gen_001") == split.split_of("gen_001")
    got = {split.split_of(f"m{i}") for i in range(20)}
    assert got == {"dev", "test"}
    assert split.check() == []
    assert split.scripts("dev") and split.scripts("test")


def test_split_check_finds_a_misplaced_file(tmp_path: Path) -> None:
    name = next(f"x{i}" for i in range(100) if split.split_of(f"x{i}") == "test")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / f"{name}.json").write_text(json.dumps({"name": name}))
    assert split.check(tmp_path) == [f"{tmp_path / 'dev' / name}.json: belongs in test/"]


def _scripted() -> dict:  # type: ignore[type-arg]
    return {
        "name": "t", "circle": "Tau", "meeting_date": "2026-03-30",
        "members": [{"name": "Ana"}, {"name": "Ben"}],
        "previous_contracts": {"Ana": ["Finish the review", "Book the lab"]},
        "earlier_contracts": {"Ben": ["Email Kim"]},
        "turns": [],
        "truth": {
            "contracts": {"Ana": [{"action": "Write methods", "keys": ["methods"],
                                   "class": "segmentation"},
                                  {"action": "Call Kim", "keys": ["call"], "class": "spoken"}],
                          "Ben": [{"action": "Plot", "keys": ["plot"], "class": "spoken"}]},
            "not_contracts": {"Ana": [{"text": "maybe tidy", "keys": ["tidy"],
                                       "class": "hedge"}],
                              "Ben": [{"text": "you should run", "keys": ["run"],
                                       "class": "advice"}]},
            "report_back": {
                "Ana": [{"item": "Finish the review", "status": "done", "class": "rb_meaning"},
                        {"item": "Book the lab", "status": "not_reported",
                         "class": "rb_unmentioned"}],
                "Ben": [{"item": "Email Kim", "status": "partial", "class": "rb_absent"}]},
        },
    }


def test_per_class_scoring_traps_and_coverage() -> None:
    store = Store(":memory:")
    script = _scripted()
    circle, date = evaluation.prepare_circle(store, script)
    meetings = store.meetings(circle)
    assert [m.date for m in meetings] == ["2026-03-02", "2026-03-16"]  # two back, one back
    m = store.create_meeting(circle, date.isoformat(), "2026-04-13", "import")
    ana, ben = store.members(circle)
    store.add_item(m.id, ana.id, "Write the methods")
    store.add_item(m.id, ana.id, "Tidy the desk")  # a hedge drafted: trap and extra
    store.add_item(m.id, ben.id, "Plot the data")
    store.add_item(m.id, ben.id, "Run the model", tentative=True)  # tentative: not a trap
    review = next(i for i in store.items(meetings[1].id, ana.id) if "review" in i.text)
    kim = store.items(meetings[0].id, ben.id)[0]
    store.set_report_back(m.id, review.id, "done", confirmed=False)
    store.set_report_back(m.id, kim.id, "done", confirmed=False)
    s = evaluate.score_meeting(store, m.id, script)
    c = s.classes
    assert (c["segmentation"].found, c["segmentation"].truth) == (1, 1)
    assert (c["spoken"].found, c["spoken"].truth) == (1, 2)
    assert (c["hedge"].traps_drafted, c["hedge"].traps) == (1, 1)
    assert (c["advice"].traps_drafted, c["advice"].traps) == (0, 1)
    assert (c["rb_meaning"].report_right, c["rb_absent"].report_right) == (1, 0)
    # Unmentioned and not listed: the status is right, but the recap leaves it out.
    assert (c["rb_unmentioned"].report_right, c["rb_unmentioned"].report_total) == (1, 1)
    assert (s.covered, s.open_items) == (2, 3)
    assert s.coverage == pytest.approx(2 / 3)
    assert (s.report_right, s.report_total) == (2, 3)
    assert any("expected partial" in x and "rb_absent" in x for x in s.misses)
    assert s.extras == ["Ana: Tidy the desk"]
    total = evaluate.Score()
    total.add(s)
    total.add(s)
    assert (total.found, total.truth, total.classes["hedge"].traps) == (4, 6, 2)
    store.close()


def test_text_condition_runs_the_real_analysis_without_models() -> None:
    from assistant.core.drafting.contracts import Drafter

    script = json.loads(split.scripts("dev")[0].read_text())
    store = Store(":memory:")
    circle, date = evaluation.prepare_circle(store, script)
    mid = evaluation.text_meeting(store, circle, date, script, Drafter(None))
    s = evaluate.score_meeting(store, mid, script)
    assert s.truth == sum(len(v) for v in script["truth"]["contracts"].values())
    assert s.drafted > 0 and s.found > 0 and s.report_total > 0
    store.close()
