"""A headless live meeting that drafts during the meeting, for the crash test:
`python -m tests.privacy.live_draft_child CIRCLE AUDIO.wav PLAN.json YYYY-MM-DD`.

The real MeetingSession records a file (fed as fast as the recorder writes, the meeting
clock jumping to each planned key press, as `live_child --fast` does); then, as the
timekeeper screen's worker does for each contracts turn it moved past, each turn is heard
again from the audio kept in memory and drafted by `LiveDrafts.contracts_turn` with the
real models, and every draft is approved at once, one transaction each. Prints `meeting
ID`, `drafting NAME` before each turn, `approved ITEM_ID` after each approval and `drafted
NAME` after each member; then `waiting` and sleeps, still recording, until killed. From
the second member on, each contracts turn prints `hearing` and is held there (see `Held`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from assistant.core.speech.types import Transcriber


def main(argv: list[str]) -> int:
    from assistant.core import settings as settings_mod
    from assistant.core.audio.recorder import FileSource
    from assistant.services import parts
    from assistant.services.session import MeetingSession

    circle_name, wav, plan_path, date = argv[:4]
    plan = json.loads(Path(plan_path).read_text())
    settings = settings_mod.load()
    store = parts.open_store()
    circle = store.circle(circle_name)
    present = store.members(circle)
    now = [0.0]
    session = MeetingSession.create(store, circle, present, lambda: now[0],
                                    dt.date.fromisoformat(date))
    print(f"meeting {session.meeting.id}", flush=True)
    for m in present:
        session.set_consent(m.id, True)
    source = FileSource(Path(wav), realtime=False)
    session.start(record=True, source=source)
    tk = session.timekeeper
    for step in plan:
        now[0] = float(step["at"])
        if step["do"] == "next":
            session.act(tk.next_turn)
        else:
            session.act(functools.partial(tk.speaking, int(step["member"])))
    source.wait()
    live = parts.build_transcriber(settings)
    session.transcriber = live  # as the live pass loads it
    hold = threading.Event()

    class Held:
        """The contracts pass's model, as the app builds it, held once the first member is
        drafted: the test then kills this process inside the next member's draft, every
        time (drafting one turn takes about a second, too short to aim a kill at)."""

        def __init__(self, inner: Transcriber) -> None:
            self.inner = inner
            self.name = inner.name
            self.model_dir = getattr(inner, "model_dir", None)

        def transcribe(self, *args: Any, **kw: Any) -> Any:
            if hold.is_set():
                print("hearing", flush=True)
                time.sleep(60)
            return self.inner.transcribe(*args, **kw)

    refiner = Held(parts.build_refiner(settings) or live)
    drafts = session.drafts
    names = dict(zip(session.member_ids, tk.members, strict=True))
    for entry in [e for e in tk.log if e.segment == "contracts" and e.member is not None]:
        member_id = session.member_ids[entry.member or 0]
        spans = drafts.spans(member_id, "contracts", [(entry.start, entry.end)])
        print(f"drafting {names[member_id]}", flush=True)
        drafts.begin()
        drafts.contracts_turn(spans, lambda: parts.build_drafter(settings),
                              settings.contract_pass, refiner=lambda: refiner)
        for item in store.items(session.meeting.id, member_id):
            if item.status == "draft":
                store.set_item_status(item.id, "approved")
                print(f"approved {item.id}", flush=True)
        print(f"drafted {names[member_id]}", flush=True)
        hold.set()
    print("waiting", flush=True)
    time.sleep(600)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
