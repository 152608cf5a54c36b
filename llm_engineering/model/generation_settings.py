"""How the twin generates text locally, in one place: evaluation answers and the service both use it.

Small models fall into loops ("The answer is no. The answer is no. ..."): a repetition penalty, a ban on
repeating n-grams and stop sequences (the chat template's end of turn, or the start of a new turn) cut them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from llm_engineering.model.chat_template import CHATML_SPECIAL_TOKENS


class GenerationSettings(BaseModel):
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, description="0: greedy decoding.")
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    # > 1 makes every token already in the prompt or answer less likely (1.0: off).
    repetition_penalty: float = Field(default=1.15, ge=1.0)
    # No n-gram of this many tokens appears twice in the answer (0: off). Loops repeat whole phrases; 5 tokens
    # leaves ordinary prose free to reuse short phrases.
    no_repeat_ngram_size: int = Field(default=5, ge=0)
    # Generation stops at any of these; the chat template's markers always end a turn.
    stop_sequences: list[str] = Field(default_factory=lambda: list(CHATML_SPECIAL_TOKENS))

    def generate_kwargs(self, tokenizer: Any) -> dict[str, Any]:
        """Keyword arguments for transformers' `model.generate` with this tokenizer."""
        vocab = tokenizer.get_vocab()
        stop_ids = [vocab[text] for text in self.stop_sequences if text in vocab]
        stop_strings = [text for text in self.stop_sequences if text not in vocab]
        if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in stop_ids:
            stop_ids.append(tokenizer.eos_token_id)
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        kwargs: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "pad_token_id": pad_id,
            "eos_token_id": stop_ids or None,
            "repetition_penalty": self.repetition_penalty,
            "no_repeat_ngram_size": self.no_repeat_ngram_size,
        }
        if stop_strings:
            kwargs.update(stop_strings=stop_strings, tokenizer=tokenizer)
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature, top_p=self.top_p)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None)
        return kwargs

    def cut_at_stop(self, text: str) -> str:
        """`text` up to the first stop sequence (a stop string is generated before generation stops)."""
        cut = len(text)
        for stop in self.stop_sequences:
            position = text.find(stop)
            if position != -1:
                cut = min(cut, position)
        return text[:cut]
