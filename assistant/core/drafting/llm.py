"""Local LLM through llama-cpp-python, with JSON-schema constrained output.

The model is loaded once per `LocalLLM`. `complete_json` returns the parsed
object or None; it never raises on bad model output, because model output is
never trusted: callers check it and fall back to the member's own words.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from assistant.core.drafting.prompts import Prompt
from assistant.core.errors import PMCError
from assistant.core.speech.types import default_threads


class LocalLLM:
    def __init__(self, path: Path, *, threads: int = 0, n_ctx: int = 1024, seed: int = 0,
                 n_batch: int = 512) -> None:
        with path.open("rb") as fh:
            if fh.read(4) != b"GGUF":
                raise PMCError(f"{path} is not a GGUF model file; point llm_model at a .gguf file"
                               " or run `pmc models pull smollm2-135m`")
        from llama_cpp import Llama

        try:
            self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads or
                             default_threads(), n_batch=n_batch, seed=seed, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise PMCError(f"the language model {path} cannot be loaded ({exc.__class__.__name__}:"
                           " corrupt or unsupported GGUF); run `pmc models verify` or pull it "
                           "again") from None
        self.path = path
        # llama.cpp contexts are not thread-safe; drafting may run in a worker thread.
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """How many tokens `text` is to this model (no special tokens added)."""
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete_json(self, prompt: Prompt, max_tokens: int | None = None,
                      **values: str) -> dict[str, Any] | None:
        """The model's JSON answer to `prompt` filled with `values`, or None.

        `max_tokens` lowers the prompt's own cap for this call (never raises it).
        """
        messages = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.render(**values)},
        ]
        with self._lock:
            try:
                res = self.llm.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    response_format={"type": "json_object", "schema": prompt.schema_dict()},
                    temperature=prompt.temperature,
                    max_tokens=min(prompt.max_tokens, max_tokens or prompt.max_tokens),
                )
            except (ValueError, RuntimeError):
                return None
        try:
            content = res["choices"][0]["message"]["content"]  # type: ignore[index]
            data = json.loads(content or "")
        except (KeyError, IndexError, TypeError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None
