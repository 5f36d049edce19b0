"""SIGKILL while a contracts turn is being drafted during the meeting, then `pmc meeting
resume`: every item approved during the meeting is there once, unchanged.

A real subprocess (tests/privacy/live_draft_child.py) records the short crash-test meeting
in an encrypted home, drafts each contracts turn during the meeting with the real models
(Whisper tiny.en, SmolLM2) and approves each draft at once; it is killed while the second
member's turn is being drafted. Then the real `pmc meeting resume` recovers the unlisted
chunk, transcribes the meeting and drafts the members not drafted yet. The child holds each
draft after the first inside its second hearing, so the kill always lands mid-draft.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from assistant.core.drafting.textnorm import words
from assistant.services.resume import ACTIVE_S

from .conftest import Run
from .test_crash_phases import Child, approved_items, build_meeting, open_store, setup_home

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]
CIRCLE, DATE = "Crash Circle", "2026-03-05"


def test_sigkill_during_an_in_meeting_draft_then_resume(secret_pmc: Run, pmc_home: Path,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         tiny_en_dir: Path,
                                                         smollm_path: Path) -> None:
    before = setup_home(pmc_home, monkeypatch)
    wav, plan, _ = build_meeting(tmp_path)
    child = Child([sys.executable, "-m", "tests.privacy.live_draft_child", CIRCLE, str(wav),
                   str(plan), DATE], secret_pmc.environ(), stream="stdout")
    # Inside Tom's draft: his turn being heard again (the child holds it there).
    assert child.wait_for(lambda s: s.startswith("hearing")), child.lines
    assert child.kill(), "the child ended before it was killed"
    killed = time.monotonic()
    mid = int(child.lines[0].split()[1])
    assert "drafted Maya" in child.lines and "drafted Tom" not in child.lines, child.lines
    during = [int(x.split()[1]) for x in child.lines if x.startswith("approved ")]
    assert during, child.lines  # Maya's draft was approved before the kill
    approved = approved_items(pmc_home)
    assert set(during) <= set(approved) and set(before) <= set(approved)

    time.sleep(max(0.0, ACTIVE_S + 0.5 - (time.monotonic() - killed)))
    res = secret_pmc("meeting", "resume")
    assert f"meeting {mid}: drafted" in res.stderr, res.stderr

    # Every approved item there once, with the same text, still approved.
    assert approved_items(pmc_home) == approved
    store = open_store(pmc_home)
    try:
        assert store.meeting(mid).status == "drafted"
        items = store.items(mid)
        for iid in during:
            item = store.item(iid)
            same = [i for i in items if i.member_id == item.member_id
                    and words(i.text) == words(item.text)]
            assert [i.id for i in same] == [iid], (item.text, [i.text for i in same])
        # The members not drafted before the kill were drafted by the resume, once.
        names = store.member_names(store.circle(CIRCLE))
        drafted = {names[i.member_id] for i in items if i.origin in ("llm", "rule")}
        assert {"Maya", "Tom"} <= drafted, drafted
        for member in {i.member_id for i in items}:
            texts = [" ".join(words(i.text)) for i in items if i.member_id == member]
            assert len(texts) == len(set(texts)), texts
    finally:
        store.close()
