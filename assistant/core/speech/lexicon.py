"""Common English words, as the Whisper model's own tokenizer knows them.

A word the tokenizer holds as one whole token (with its leading space) is a common
word: "run", "grant", "chapter". Field terms and mishearings of them are split into
pieces: "stratigraphy", "sediman", "formants". Vocabulary repair
(core/drafting/vocabulary.py) only replaces words that are not common, so a real word
heard clearly ("planning") is never turned into a vocabulary word ("planting").
Read from the model directory (CTranslate2's vocabulary.txt, else the tokenizer.json
of the same model); no model is loaded.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SPACE = "\u0120"  # how byte-level BPE spells a leading space


@lru_cache(maxsize=4)
def common_words(model_dir: Path) -> frozenset[str]:
    """Lower-case whole words of the model's tokenizer; empty when it has none to read."""
    tokens: list[str] = []
    vocab_txt, tokenizer = model_dir / "vocabulary.txt", model_dir / "tokenizer.json"
    try:
        if vocab_txt.is_file():
            tokens = vocab_txt.read_text(encoding="utf-8").splitlines()
        elif tokenizer.is_file():
            tokens = list(json.loads(tokenizer.read_text(encoding="utf-8"))
                          .get("model", {}).get("vocab", {}))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(t[1:].lower() for t in tokens
                     if t.startswith(SPACE) and t[1:].isalpha() and len(t) > 2)


def for_transcriber(transcriber: object) -> frozenset[str]:
    """The common words of a transcriber's model (empty for one without a model folder)."""
    model_dir = getattr(transcriber, "model_dir", None)
    return common_words(Path(model_dir)) if model_dir else frozenset()
