"""A headless live meeting for the crash tests: `python -m tests.privacy.live_child ...`.

Runs the real MeetingSession (timekeeper, consent, Recorder sealing chunks into PMC_HOME,
turns saved as they close, live Whisper transcription) on a recording played by a
FileSource, with the timekeeper driven by a plan of actions at given meeting seconds, as a
timekeeper pressing keys would. Nothing is faked but the microphone.

    python -m tests.privacy.live_child CIRCLE AUDIO.wav PLAN.json YYYY-MM-DD [--fast]
        [--call CALL.wav]

PLAN.json: [{"at": seconds, "do": "next" | "speak", "member": index}, ...]. Prints
`meeting ID`, then `started T` (time.monotonic() when the audio began: the parent kills
relative to it), then `ended ID` after `MeetingSession.end()`. With --fast the file is
fed as fast as the recorder writes and the meeting clock jumps to each action's time: the
same store rows and chunks as a real-time meeting, in a second or two, without live
transcription. With --call a second FileSource plays the call track (a circle by video).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
import threading
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from assistant.core import settings as settings_mod
    from assistant.core.audio.recorder import FileSource
    from assistant.services import parts
    from assistant.services.session import MeetingSession

    circle_name, wav, plan_path, date = argv[:4]
    fast = "--fast" in argv
    plan = json.loads(Path(plan_path).read_text())
    settings = settings_mod.load()
    store = parts.open_store()
    circle = store.circle(circle_name)
    present = store.members(circle)
    now = [0.0]

    def fake_clock() -> float:
        return now[0]

    clock = fake_clock if fast else time.monotonic
    session = MeetingSession.create(store, circle, present, clock, dt.date.fromisoformat(date))
    print(f"meeting {session.meeting.id}", flush=True)
    for m in present:
        session.set_consent(m.id, True)
    source = FileSource(Path(wav), realtime=not fast)
    call = None
    if "--call" in argv:
        call = FileSource(Path(argv[argv.index("--call") + 1]), realtime=not fast)
    session.start(record=True, source=source, call_source=call)
    print(f"started {source.started_at!r}", flush=True)
    tk = session.timekeeper

    if not fast:
        def load_live() -> None:  # as the TUI does: the model loads while the meeting runs
            session.attach_live(parts.build_transcriber(settings), lambda seg: None)
        threading.Thread(target=load_live, daemon=True).start()

    t0 = source.started_at or time.monotonic()
    for step in plan:
        at = float(step["at"])
        if fast:
            now[0] = at
        else:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
        if step["do"] == "next":
            session.act(tk.next_turn)
        else:
            session.act(functools.partial(tk.speaking, int(step["member"])))
    source.wait()
    if call is not None:
        call.wait()
    if fast:
        now[0] = source.seconds
    session.end()
    # As the end screen does: let live transcription catch up, then stop its thread, so
    # the interpreter never exits while CTranslate2 is still decoding (that segfaults).
    session.finish_live()
    for live in (session.live, session.call_live):
        if live is not None:
            live.close()
    print(f"ended {session.meeting.id}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
