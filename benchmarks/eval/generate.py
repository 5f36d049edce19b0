"""Seeded generator of scripted PMC meetings for the evaluation corpus.

`python -m benchmarks.eval.generate` writes `gen_NNN.json` meetings into
`benchmarks/eval/dev/` or `benchmarks/eval/test/` by the split rule in
`benchmarks/eval/split.py`. The same seed always gives the same files, so the
corpus can be regenerated and diffed. Every truth item carries a failure class
(see CLASSES) so that `pmc eval` can report per class.

Meetings are built member by member: what they promised last time (or two
meetings ago when they missed the last one), how they report back on it (with
or without a status word), and what they promise now, in one of many spoken
styles, next to hedges, advice to others and other talk that is no contract.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.eval import split

HERE = Path(__file__).resolve().parent
SEED = 20261201

# Truth classes (contracts, report-back and traps). The five failure classes
# and the further variations the corpus is meant to cover.
CLASSES = {
    "plain": "a plain first-person contract",
    "segmentation": "two contracts in one sentence, run-on or without punctuation",
    "spoken": "gonna, I'll, fillers, hesitations",
    "self_correction": "a contract revised in the same breath (only the second counts)",
    "conditional": "a contract with a condition (once X, I'll Y)",
    "dates_numbers": "dates and numbers said many ways",
    "vocabulary": "the field's own terms and the member's previous contract's words",
    "two_turns": "a contract spread over two turns",
    "same_as_last_time": "'same as last time': the previous contract again",
    "hedge": "a hedge next to a contract (not a contract)",
    "non_commitment": "'I'll be honest', 'I'll just say thank you' (not a contract)",
    "advice": "advice to someone else (not the speaker's contract)",
    "framing": "framing talk in the contracts round (not a contract)",
    "rb_cue": "report-back with a status word",
    "rb_meaning": "report-back answered without any status word",
    "rb_tricky": "report-back whose cue words mislead",
    "rb_absent": "report-back on the contract of a member absent last time",
    "rb_same": "report-back carried over by 'same as last time'",
    "rb_unmentioned": "an open item the member does not mention (expected: not reported)",
}

VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
          "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
VARIANTS = ["", "+m1", "+m2", "+m3", "+m4", "+m7", "+f1", "+f2", "+f3", "+f4"]

NAMES = ["Amara", "Bea", "Chen", "Dolores", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
         "Kofi", "Lucia", "Malik", "Nadia", "Oskar", "Petra", "Quinn", "Rosa", "Stefan",
         "Tara", "Umar", "Vera", "Wendy", "Xavier", "Yara", "Zane", "Aditi", "Bruno", "Carmen",
         "Dmitri", "Esther", "Fatima", "Gideon", "Hana", "Ivo", "Julia", "Kenji", "Leila",
         "Marco", "Nina", "Olga", "Pablo", "Rahul", "Sara", "Tomas", "Ulla", "Vikram"]

# Per field: topics (2-3 words the member would say), instruments, data, a venue, terms.
FIELDS: dict[str, dict[str, list[str]]] = {
    "glaciology": {"topic": ["glacier melt", "sea ice", "ice core"],
                   "tool": ["ground radar", "drill rig"], "data": ["melt season", "core"],
                   "venue": ["polar workshop"], "term": ["ablation", "firn density"]},
    "ecology": {"topic": ["pollinator survey", "wetland plots", "beetle traps"],
                "tool": ["camera traps", "soil corer"], "data": ["transect", "plot"],
                "venue": ["ecology society meeting"], "term": ["species richness",
                                                            "canopy cover"]},
    "neuroscience": {"topic": ["memory task", "mouse imaging", "sleep study"],
                     "tool": ["two photon microscope", "EEG cap"], "data": ["imaging", "EEG"],
                     "venue": ["neuroscience retreat"], "term": ["hippocampus",
                                                              "spike sorting"]},
    "linguistics": {"topic": ["dialect survey", "vowel study", "child speech"],
                    "tool": ["recording booth", "annotation tool"],
                    "data": ["interview", "corpus"], "venue": ["phonetics workshop"],
                    "term": ["vowel formants", "code switching"]},
    "chemistry": {"topic": ["catalyst paper", "polymer films", "solvent screen"],
                  "tool": ["mass spectrometer", "glove box"], "data": ["spectra", "yield"],
                  "venue": ["chemistry symposium"], "term": ["titration", "crystal structure"]},
    "economics": {"topic": ["housing paper", "wage survey", "trade model"],
                  "tool": ["panel data software", "survey platform"],
                  "data": ["census", "wage"], "venue": ["labour economics workshop"],
                  "term": ["regression discontinuity", "elasticity"]},
    "astronomy": {"topic": ["galaxy survey", "exoplanet paper", "star cluster"],
                  "tool": ["telescope time", "spectrograph"], "data": ["light curve",
                                                                       "photometry"],
                  "venue": ["astronomy meeting"], "term": ["redshift", "transit timing"]},
    "epidemiology": {"topic": ["vaccine study", "flu cohort", "outbreak report"],
                     "tool": ["case database", "sample freezer"],
                     "data": ["cohort", "case"], "venue": ["public health conference"],
                     "term": ["incidence rate", "confounders"]},
    "materials": {"topic": ["battery paper", "thin films", "alloy tests"],
                  "tool": ["electron microscope", "furnace"], "data": ["tensile",
                                                                       "diffraction"],
                  "venue": ["materials conference"], "term": ["grain boundaries",
                                                           "annealing"]},
    "history": {"topic": ["archive chapter", "letters project", "oral history"],
                "tool": ["archive scanner", "reading room"], "data": ["archive", "letter"],
                "venue": ["history seminar"], "term": ["provenance", "manuscript catalogue"]},
    "computer science": {"topic": ["compiler paper", "benchmark suite", "parser project"],
                         "tool": ["build server", "test cluster"], "data": ["benchmark",
                                                                           "log"],
                         "venue": ["systems workshop"], "term": ["garbage collector",
                                                              "type checker"]},
    "marine biology": {"topic": ["coral survey", "kelp forest", "plankton samples"],
                       "tool": ["research boat", "dive gear"], "data": ["reef", "plankton"],
                       "venue": ["marine science meeting"], "term": ["bleaching",
                                                                  "salinity"]},
    "statistics": {"topic": ["simulation study", "missing data paper", "bayesian model"],
                   "tool": ["compute cluster", "simulation code"],
                   "data": ["simulation", "trial"], "venue": ["statistics conference"],
                   "term": ["posterior", "bootstrap"]},
    "psychology": {"topic": ["attention study", "stress survey", "reading experiment"],
                   "tool": ["eye tracker", "testing room"], "data": ["survey", "reaction time"],
                   "venue": ["psychology convention"], "term": ["effect size",
                                                             "preregistration"]},
    "geology": {"topic": ["fault mapping", "river sediment", "rock samples"],
                "tool": ["field vehicle", "thin section saw"], "data": ["core sample",
                                                                        "sediment"],
                "venue": ["geology field meeting"], "term": ["stratigraphy", "outcrop"]},
}

PEOPLE = ["my advisor", "my supervisor", "my coauthor", "the lab manager", "my committee chair",
          "the department head", "my mentor", "the editor"]
PEOPLE_KEYS = {"my advisor": "advisor|adviser", "my supervisor": "supervisor",
               "my coauthor": "coauthor|co-author|co author", "the lab manager": "manager",
               "my committee chair": "chair|committee", "the department head": "head",
               "my mentor": "mentor", "the editor": "editor"}
SECTIONS = ["introduction", "methods", "results", "discussion", "abstract"]
NUMBERS = [("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"), ("six", "6"),
           ("ten", "10"), ("twenty", "20")]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass
class Action:
    """One thing a member could promise: base form, past form, keys that mark it found."""

    base: str       # "draft the methods section of the glacier melt paper"
    past: str       # "drafted the methods section of the glacier melt paper"
    noun: str       # "the methods section" (how they refer back to it)
    keys: list[str]
    label: str      # written form, as a contract would be recorded


def _k(word: str) -> str:
    return word.lower()


def _topic_key(topic: str) -> str:
    return _k(topic.split()[0])


def actions_for(field_: dict[str, list[str]], rng: random.Random) -> list[Action]:
    """Every action frame instantiated for one member's field (shuffled)."""
    topic = rng.choice(field_["topic"])
    tool = rng.choice(field_["tool"])
    data = rng.choice(field_["data"])
    venue = rng.choice(field_["venue"])
    term = rng.choice(field_["term"])
    person = rng.choice(PEOPLE)
    section = rng.choice(SECTIONS)
    n_word, n_digit = rng.choice(NUMBERS[:4])
    out = [
        Action(f"draft the {section} section of the {topic} paper",
               f"drafted the {section} section of the {topic} paper",
               f"the {section} section", ["draft", section, _topic_key(topic)],
               f"Draft the {section} section of the {topic} paper"),
        Action(f"send the {topic} draft to {person}", f"sent the {topic} draft to {person}",
               f"the {topic} draft", ["send|sent", PEOPLE_KEYS[person]],
               f"Send the {topic} draft to {person}"),
        Action(f"read {n_word} papers on {term}", f"read {n_word} papers on {term}",
               f"the {term} papers", [f"{n_word}|{n_digit}", "paper", _k(term.split()[-1])],
               f"Read {n_word} papers on {term}"),
        Action(f"book the {tool} for next week", f"booked the {tool}", f"the {tool} booking",
               ["book", _k(tool.split()[-1])], f"Book the {tool} for next week"),
        Action(f"clean the {data} data", f"cleaned the {data} data", f"the {data} data",
               ["clean", _k(data.split()[0])], f"Clean the {data} data"),
        Action(f"make {n_word} slides for the group meeting",
               f"made {n_word} slides for the group meeting", "the slides",
               [f"{n_word}|{n_digit}", "slide"], f"Make {n_word} slides for the group meeting"),
        Action(f"submit the abstract to the {venue}", f"submitted the abstract to the {venue}",
               "the abstract", ["submit", "abstract"], f"Submit the abstract to the {venue}"),
        Action(f"ask {person} for feedback on the figures",
               f"asked {person} for feedback on the figures", "the feedback on the figures",
               ["feedback", "figure"], f"Ask {person} for feedback on the figures"),
        Action("schedule a meeting with my committee", "scheduled the committee meeting",
               "the committee meeting", ["schedule", "committee"],
               "Schedule a meeting with my committee"),
        Action(f"write {n_word} pages of the {topic} chapter",
               f"wrote {n_word} pages of the {topic} chapter", f"the {topic} chapter",
               [f"{n_word}|{n_digit}", "page", "chapter"],
               f"Write {n_word} pages of the {topic} chapter"),
        Action(f"prepare the poster for the {venue}", f"prepared the poster for the {venue}",
               "the poster", ["poster"], f"Prepare the poster for the {venue}"),
        Action(f"apply for the travel grant to the {venue}",
               f"applied for the travel grant to the {venue}", "the travel grant",
               ["apply|application", "travel grant|grant"],
               f"Apply for the travel grant to the {venue}"),
        Action(f"calibrate the {tool}", f"calibrated the {tool}", f"the {tool}",
               ["calibrat", _k(tool.split()[-1])], f"Calibrate the {tool}"),
        Action(f"back up the {data} files", f"backed up the {data} files", "the backup",
               ["back up|backup|back-up", "file"], f"Back up the {data} files"),
        Action(f"update my CV and the {topic} webpage", "updated my CV and the webpage",
               "the CV and webpage", ["cv|c.v.|c v", "web"],
               f"Update my CV and the {topic} webpage"),
        Action(f"plan the field work for the {topic} project",
               f"planned the field work for the {topic} project", "the field work plan",
               ["plan", "field"], f"Plan the field work for the {topic} project"),
        Action(f"run the {term} analysis on the {data} data",
               f"ran the {term} analysis on the {data} data", f"the {term} analysis",
               ["run|ran", "analysis"], f"Run the {term} analysis on the {data} data"),
        Action(f"review {rng.choice(NAMES)}'s manuscript",
               "reviewed the manuscript", "the manuscript review", ["review", "manuscript"],
               "Review the manuscript"),
        Action("block two hours every morning for writing",
               "blocked two hours every morning for writing", "the writing time",
               ["block", "hour|morning"], "Block two hours every morning for writing"),
        Action(f"order the parts for the {tool}", f"ordered the parts for the {tool}",
               "the parts order", ["order", "part"], f"Order the parts for the {tool}"),
    ]
    rng.shuffle(out)
    return out


# --- spoken forms ------------------------------------------------------------------------
PLAIN = ["I will {a}.", "My contract is to {a}.", "I'm going to {a}.", "I plan to {a}.",
         "For the next two weeks, I want to {a}.", "My goal is to {a}.",
         "I commit to {a}.", "This time I will {a}.", "Over the next two weeks I'll {a}.",
         "What I will do is {a}."]
SPOKEN = ["So, um, I'm gonna {a}, yeah.", "Uh, I'll {a}. I guess that's it.",
          "Okay so basically I'm gonna {a}.", "Um, right, so I'll, uh, {a}.",
          "Yeah so, like, I'm gonna {a}, that's my thing.", "Hmm. Let's see. I'll {a}.",
          "Well, you know, I'm gonna {a}, for real this time.",
          "So yeah, er, gonna {a}, I think, no, definitely."]
TWO = ["I will {a} and I'll {b}.", "First I'll {a}, then I'll {b}.",
       "first i will {a} second i will {b}", "i'm going to {a} and then {b} before we meet",
       "My contract has two parts. I'll {a}, and I'll also {b}.",
       "I'm gonna {a} and I'm gonna {b}.", "so i will {a} and also i will {b} this week",
       "Two things. One, {a}. Two, {b}."]
CORRECT = ["My contract is to {big}. Actually no, that's too much. I'll just {a}.",
           "I'll {big}, well, no, let me scale that back, I'll {a}.",
           "I'm going to {big}, hmm, no, scratch that, realistically I'll {a}.",
           "So I was going to say {big}, but honestly I'll only {a}."]
CONDITION = ["Once the {w} arrives, I'll {a}.", "As soon as {p} replies, I will {a}.",
             "When the {w} is back, I'm going to {a}.",
             "After the holiday I will {a}.", "If the {w} comes in on time, I'll {a}."]
WAITS = ["data", "samples", "reviews", "new laptop", "funding letter", "permit"]
HEDGES = ["Maybe I'll {h} too, if I have time.", "I might {h}, but I haven't decided.",
          "I'd like to {h} at some point.", "If there's time, perhaps I'll {h}.",
          "I should probably {h}, but no promises.", "I may also {h} but I have not decided.",
          "Ideally I would {h}, we'll see.", "I'm thinking about whether to {h}.",
          "I could {h}, I don't know yet.", "It would be nice to {h} someday."]
NONCOMMIT = ["I'll be honest, this was a rough couple of weeks.",
             "I'll just say thank you to everyone for listening.",
             "I'll admit I was nervous about today.", "I'll tell you, the deadline scared me.",
             "I'll say it again, this group really helps.",
             "I'll be brief today, I'm tired."]
FRAMING = [("Okay, is it my turn? Right.", "turn"), ("Let me see, where are my notes.", "notes"),
           ("Sorry, can you hear me? Okay, good.", "hear"), ("Give me a second. Okay.", "give me"),
           ("Right, so, contracts.", "contracts")]
ADVICE = ["You should {h}.", "Maybe you could {h} first.", "Have you thought about trying to {h}?",
          "{n}, why don't you {h}?", "I think you need to {h}.",
          "What helped me was to {h}, you could try that too."]
DATES = [("by Friday", "friday"), ("by the twentieth", "20|twentieth"),
         ("on March 3", "3|third"), ("by the 15th", "15|fifteenth"),
         ("next Tuesday", "tuesday"), ("by the end of next week", "next week|end of"),
         ("before Thursday the 12th", "12|twelfth|thursday"), ("on the second of April",
                                                               "april|2|second"),
         ("by Monday morning", "monday")]
SAME = ["Same as last time: I'll {a}.", "My contract is the same as last time, {a}.",
        "I'm carrying over my contract, I will {a}.", "Again, {a}. Same as before."]

# Report-back: "{n}" is the item's noun phrase, "{past}" its past form.
RB_CUE = {
    "done": ["I finished {n}, so that one is done.", "Done. I {past}.",
             "That's completed, I {past}."],
    "partial": ["I did part of {n}, so partly done.", "I only got halfway through {n}.",
                "{n}, partially. I started but didn't finish."],
    "not_done": ["I didn't get to {n} at all.", "I have not done {n}, no time.",
                 "Not done. I never started {n}."],
    "dropped": ["I dropped {n}, it wasn't needed any more.", "I gave up on {n}.",
                "{n}, I decided to drop it."],
    "carried_over": ["I'm carrying {n} over to the next two weeks.",
                     "{n} is still in progress, I'll roll it over."],
}
RB_MEANING = {
    "done": ["I {past}, so that one is complete.", "{n}? All of it, every bit, last Thursday.",
             "I {past} and {p} already signed off on it.",
             "Good news, {n} is behind me, I {past} on Tuesday."],
    "partial": ["I {past_half}, the rest is still open.",
                "I got through about a third of {n} before the week ran out.",
                "{n}: the first half is there, the second half is not."],
    "not_done": ["I never even opened {n}.", "{n} sat on my desk untouched.",
                 "Nothing happened with {n}, the teaching ate all my time."],
    "dropped": ["I've taken {n} off my list for good, it doesn't matter now.",
                "{n} is off the table, the project changed direction.",
                "I won't be doing {n} anymore, we cancelled it."],
}
RB_TRICKY = {
    "not_done": ["Not finished, I got stuck on {n} right at the start.",
                 "I started to think about {n} but did not actually do any of it.",
                 "I couldn't finish {n}, I didn't even begin it properly."],
    "partial": ["I did the first part of {n} but have not touched the second, so partially.",
                "I didn't finish {n}, but I did about half of it.",
                "Not done completely, I got most of {n} finished though."],
    "dropped": ["I decided not to do {n} after all, I'm dropping that one.",
                "I did not do {n} and I won't, I'm letting it go.",
                "I didn't finish {n}, and I've dropped it now, it no longer matters."],
    "done": ["I didn't think I would manage, but {n} is done.",
             "No problems with {n}, I finished it.",
             "It was not easy, but I did finish {n}."],
}
RB_ABSENT = ["I missed the last meeting, so this is about {n} from before. ",
             "I wasn't here last time. Going back to {n}: ",
             "Since I was away last time, my update is on {n}. "]
CHECK_IN = ["Hi everyone, I'm doing fine, a bit tired.", "Hello. Good week, busy but good.",
            "Hey all. Honestly I feel behind on everything.", "Morning. I'm okay, thanks.",
            "Hi, I'm happy to be here, it was a long week.", "Hello, all good on my side.",
            "Hi. Stressed, but glad we're meeting."]
APPREC = ["Thank you all for the advice today.", "I appreciate how honest everyone was.",
          "Thanks for listening, it helped.", "Thank you for the ideas on my challenge."]
CHALLENGE = ["My challenge is that I keep putting off {n}. I think I'm afraid it won't be good.",
             "I'm stuck with {n}. Every time I sit down I find something else to do.",
             "My problem is time. {n} needs a full day and I never have one."]


@dataclass
class Builder:
    rng: random.Random
    turns: list[dict[str, str]] = field(default_factory=list)

    def say(self, speaker: str, segment: str, text: str) -> None:
        self.turns.append({"speaker": speaker, "segment": segment, "text": text})


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _half(a: Action) -> str:
    words = a.past.split()
    return f"{words[0]} the first part of {a.noun}" if len(words) > 1 else a.past


def _report(rng: random.Random, a: Action, status: str, style: str, person: str) -> str:
    pool = {"rb_cue": RB_CUE, "rb_meaning": RB_MEANING, "rb_tricky": RB_TRICKY}[style][status]
    return _cap(rng.choice(pool).format(n=a.noun, past=a.past, past_half=_half(a), p=person))


def meeting(index: int, rng: random.Random) -> dict[str, Any]:
    """One meeting, fully determined by `rng`'s state."""
    n_members = rng.randint(5, 8)
    names = rng.sample(NAMES, n_members)
    field_names = list(FIELDS)
    fields = {n: FIELDS[rng.choice(field_names)] for n in names}
    acts = {n: actions_for(fields[n], rng) for n in names}
    voices = rng.sample([v + rng.choice(VARIANTS) for v in VOICES], len(VOICES))
    members = [{"name": n, "voice": voices[i % len(voices)], "speed": rng.choice(
        [145, 150, 155, 160, 165, 170, 175])} for i, n in enumerate(names)]
    date = dt.date(2026, 1, 5) + dt.timedelta(days=7 * rng.randint(0, 40))
    # Who was away last time (reports on the meeting before), who is away today.
    absent_last = set(rng.sample(names, rng.choice([0, 1, 1, 2])))
    away_today = set(rng.sample([n for n in names if n not in absent_last],
                                rng.choice([0, 0, 0, 1])))
    present = [n for n in names if n not in away_today]
    prev: dict[str, list[str]] = {}
    earlier: dict[str, list[str]] = {}
    prev_acts: dict[str, list[Action]] = {}
    contracts: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    traps: dict[str, list[dict[str, Any]]] = {}
    report: dict[str, list[dict[str, str]]] = {}
    same_last: dict[str, bool] = {}
    for n in names:
        k = rng.choice([1, 1, 1, 2])
        chosen = acts[n][:k]
        del acts[n][:k]
        prev_acts[n] = chosen
        (earlier if n in absent_last else prev)[n] = [a.label for a in chosen]
        same_last[n] = n in present and rng.random() < 0.12
    b = Builder(rng)
    # Check-in: some members, one with a non-commitment.
    for n in rng.sample(present, max(2, len(present) // 2)):
        if rng.random() < 0.25:
            text = rng.choice(NONCOMMIT)
            traps.setdefault(n, []).append({"text": text, "keys": _trap_keys(text),
                                            "class": "non_commitment"})
        else:
            text = rng.choice(CHECK_IN)
        b.say(n, "check_in", text)
    # Report-back.
    for n in present:
        parts = []
        person = rng.choice(PEOPLE)
        items = []
        for j, a in enumerate(prev_acts[n]):
            if same_last[n] and j == 0:
                status, style = "carried_over", "rb_same"
            else:
                style = rng.choice(["rb_cue", "rb_meaning", "rb_meaning", "rb_tricky"])
                choices = list({"rb_cue": RB_CUE, "rb_meaning": RB_MEANING,
                                "rb_tricky": RB_TRICKY}[style])
                status = rng.choice(choices)
            cls = "rb_absent" if n in absent_last else style
            if j > 0 and rng.random() < 0.15:  # the second item is not mentioned at all
                items.append({"item": a.label, "status": "not_reported",
                              "class": "rb_unmentioned"})
                continue
            if style == "rb_same":
                parts.append(f"I'm still working on {a.noun}, I'll keep it for next time.")
            else:
                parts.append(_report(rng, a, status, style, person))
            items.append({"item": a.label, "status": status, "class": cls})
        intro = rng.choice(RB_ABSENT).format(n=prev_acts[n][0].noun) if n in absent_last else ""
        b.say(n, "report_back", intro + " ".join(parts))
        report[n] = items
    # Challenges: one or two members, advice from others (traps for the advisers).
    for n in rng.sample(present, rng.choice([1, 2])):
        a = prev_acts[n][0]
        b.say(n, "challenges", rng.choice(CHALLENGE).format(n=a.noun).replace(
            "My problem is time. the", "My problem is time. The"))
        for adviser in rng.sample([x for x in present if x != n], 2):
            h = acts[adviser].pop()
            text = _cap(rng.choice(ADVICE).format(h=re.sub(r"\bmy\b", "your", h.base), n=n))
            traps.setdefault(adviser, []).append({"text": text, "keys": h.keys,
                                                  "class": "advice"})
            b.say(adviser, "challenges", text)
        b.say(n, "challenges", rng.choice(["Thanks, those are good ideas.",
                                           "That helps, I'll think about it.",
                                           "Good point. One step at a time."]))
    # Contracts round.
    for n in present:
        contracts[n] = []
        said: list[str] = []
        if rng.random() < 0.15:
            text, key = rng.choice(FRAMING)
            said.append(text)
            traps.setdefault(n, []).append({"text": text, "keys": [key], "class": "framing"})
        if same_last[n]:
            a = prev_acts[n][0]
            said.append(rng.choice(SAME).format(a=a.base))
            contracts[n].append(_truth(a, "same_as_last_time"))
        if rng.random() < 0.06 and not same_last[n]:
            said.append(rng.choice(["I'll pass this time, I need a quiet two weeks.",
                                    "No contract for me this time, I'm on holiday.",
                                    "I'm skipping this round, honestly."]))
            b.say(n, "contracts", " ".join(said))
            continue
        style = rng.choices(["plain", "spoken", "segmentation", "self_correction",
                             "conditional", "dates_numbers", "vocabulary", "two_turns"],
                            [3, 2, 3, 1, 1, 2, 1, 1])[0]
        pool = acts[n]
        a = pool.pop()
        if style == "plain":
            said.append(rng.choice(PLAIN).format(a=a.base))
            contracts[n].append(_truth(a, "plain"))
        elif style == "spoken":
            said.append(rng.choice(SPOKEN).format(a=a.base))
            contracts[n].append(_truth(a, "spoken"))
        elif style == "segmentation":
            c = pool.pop()
            said.append(rng.choice(TWO).format(a=a.base, b=c.base))
            contracts[n] += [_truth(a, "segmentation"), _truth(c, "segmentation")]
        elif style == "self_correction":
            big = pool.pop()
            said.append(rng.choice(CORRECT).format(big=big.base, a=a.base))
            contracts[n].append(_truth(a, "self_correction"))
            traps.setdefault(n, []).append({"text": big.base, "keys": big.keys,
                                            "class": "self_correction"})
        elif style == "conditional":
            said.append(rng.choice(CONDITION).format(a=a.base, w=rng.choice(WAITS),
                                                     p=rng.choice(PEOPLE)))
            contracts[n].append(_truth(a, "conditional"))
        elif style == "dates_numbers":
            when, key = rng.choice(DATES)
            said.append(rng.choice(PLAIN).format(a=f"{a.base} {when}"))
            t = _truth(a, "dates_numbers")
            t["keys"] = t["keys"] + [key]
            t["action"] = f"{t['action']} {when}"
            contracts[n].append(t)
        elif style == "vocabulary":
            prior = prev_acts[n][0]
            term = rng.choice(fields[n]["term"])
            said.append(rng.choice(PLAIN).format(
                a=f"{prior.base.split(' ', 1)[0]} the {term} part of {prior.noun}"))
            contracts[n].append({"action": f"{_cap(prior.base.split(' ', 1)[0])} the {term} "
                                 f"part of {prior.noun}",
                                 # The verb said, not the prior action's first key: that
                                 # is a count ("four|4") for "write four pages ...", a
                                 # word this contract never says.
                                 "keys": [_k(term.split()[-1]), _k(prior.base.split()[0])],
                                 "class": "vocabulary"})
        elif style == "two_turns":
            other = rng.choice([x for x in present if x != n])
            first, _, rest = a.base.partition(" ")
            obj, sep, tail = rest.partition(" to " if " to " in rest else " for ")
            if sep:
                b.say(n, "contracts", " ".join(said + [f"My contract is to {first} {obj}."]))
                said = []
                b.say(other, "contracts", rng.choice(
                    ["To whom?" if sep == " to " else "For what?", "Sorry, which one?",
                     "Okay, and?"]))
                said.append(f"{sep.strip().capitalize()} {tail}. That's it.")
            else:
                b.say(n, "contracts", " ".join(said + ["My contract is, um, wait."]))
                said = []
                b.say(other, "contracts", "Take your time.")
                said.append(f"Right. I will {a.base}.")
            contracts[n].append(_truth(a, "two_turns"))
        # Sometimes a second, plain contract; often a hedge, sometimes an aside.
        if rng.random() < 0.3 and pool:
            c = pool.pop()
            said.append(rng.choice(["And I'll {a}.", "Also, I will {a}.",
                                    "Second, I'm going to {a}.", "Plus I'll {a}."]).format(
                a=c.base))
            contracts[n].append(_truth(c, "plain"))
        if rng.random() < 0.45 and pool:
            h = pool.pop()
            said.append(rng.choice(HEDGES).format(h=h.base))
            traps.setdefault(n, []).append({"text": h.base, "keys": h.keys, "class": "hedge"})
        if rng.random() < 0.12:
            text = rng.choice(NONCOMMIT)
            said.append(text)
            traps.setdefault(n, []).append({"text": text, "keys": _trap_keys(text),
                                            "class": "non_commitment"})
        b.say(n, "contracts", " ".join(said))
    # Appreciations.
    for n in rng.sample(present, 2):
        if rng.random() < 0.3:
            text = "I'll just say thank you to everyone, really."
            traps.setdefault(n, []).append({"text": text, "keys": ["thank"],
                                            "class": "non_commitment"})
        else:
            text = rng.choice(APPREC)
        b.say(n, "appreciations", text)
    name = f"gen_{index:03d}"
    out: dict[str, Any] = {
        "name": name,
        "circle": f"{rng.choice(['North', 'River', 'Oak', 'Harbor', 'Summit', 'Cedar'])} "
                  f"Circle {index}",
        "meeting_date": date.isoformat(),
        "generated": {"seed": SEED, "index": index},
        "members": members,
        "previous_contracts": {n: v for n, v in prev.items()},
        "turns": b.turns,
        "truth": {"contracts": {n: v for n, v in contracts.items() if n in present},
                  "not_contracts": traps,
                  "report_back": report},
    }
    if earlier:
        out["earlier_contracts"] = earlier
    if away_today:
        out["away"] = sorted(away_today)
    return out


def _truth(a: Action, cls: str) -> dict[str, Any]:
    return {"action": a.label, "keys": list(a.keys), "class": cls}


def _trap_keys(text: str) -> list[str]:
    for word in ("honest", "thank", "admit", "deadline", "again", "brief"):
        if word in text.lower():
            return [word]
    return [text.split()[-1].strip(".").lower()]


def generate(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [meeting(i + 1, random.Random(rng.getrandbits(64))) for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=HERE, help="corpus root (dev/ and test/ below)")
    a = ap.parse_args(argv)
    for m in generate(a.count, a.seed):
        folder = a.out / split.split_of(m["name"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{m['name']}.json").write_text(json.dumps(m, indent=1, ensure_ascii=False)
                                                  + "\n")
    print(f"wrote {a.count} meetings under {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
