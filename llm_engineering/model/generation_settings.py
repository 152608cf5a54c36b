"""How the twin generates text locally, in one place: evaluation answers and the service both use it.

Small models fall into loops ("The answer is no. The answer is no. ..."): a repetition penalty, a ban on
repeating n-grams and stop sequences (the chat template's end of turn, or the start of a new turn) cut them.
The guard looks at the answer only: the prompt's words (retrieved passages, the template's end-of-turn
marker) stay free to use, and left padding in a batch changes nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from llm_engineering.model.chat_template import CHATML_SPECIAL_TOKENS


class GenerationSettings(BaseModel):
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, description="0: greedy decoding.")
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    # > 1 makes every token already in the answer less likely (1.0: off); stop tokens are exempt.
    repetition_penalty: float = Field(default=1.1, ge=1.0)
    # No n-gram of this many tokens appears twice in the answer (0: off). Loops repeat whole phrases; 5 tokens
    # leaves ordinary prose free to reuse short phrases.
    no_repeat_ngram_size: int = Field(default=5, ge=0)
    # Generation stops at any of these; the chat template's markers always end a turn.
    stop_sequences: list[str] = Field(default_factory=lambda: list(CHATML_SPECIAL_TOKENS))

    def generate_kwargs(self, tokenizer: Any, prompt_length: int) -> dict[str, Any]:
        """Keyword arguments for transformers' `model.generate` with this tokenizer, for inputs
        `prompt_length` tokens long (padding included)."""
        from transformers import LogitsProcessorList

        vocab = tokenizer.get_vocab()
        stop_ids = [vocab[text] for text in self.stop_sequences if text in vocab]
        stop_strings = [text for text in self.stop_sequences if text not in vocab]
        if tokenizer.eos_token_id is not None and tokenizer.eos_token_id not in stop_ids:
            stop_ids.append(tokenizer.eos_token_id)
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        guard = AnswerRepetitionGuard(
            prompt_length, self.repetition_penalty, self.no_repeat_ngram_size, exempt=stop_ids
        )
        kwargs: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "pad_token_id": pad_id,
            "eos_token_id": stop_ids or None,
            "logits_processor": LogitsProcessorList([guard]),
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


class AnswerRepetitionGuard:
    """A transformers logits processor over the generated tokens only: divides (or, when negative,
    multiplies) the scores of tokens already in the answer by `penalty`, and bans the token that would
    complete an n-gram the answer already holds."""

    def __init__(self, prompt_length: int, penalty: float, ngram_size: int, exempt: list[int]) -> None:
        self.prompt_length = prompt_length
        self.penalty = penalty
        self.ngram_size = ngram_size
        self.exempt = set(exempt)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        answers = input_ids[:, self.prompt_length :].tolist()
        for row, tokens in enumerate(answers):
            if self.penalty != 1.0:
                seen = sorted(set(tokens) - self.exempt)
                if seen:
                    values = scores[row, seen]
                    scores[row, seen] = values.where(values < 0, values / self.penalty).where(
                        values >= 0, values * self.penalty
                    )
            banned = self._banned(tokens)
            if banned:
                scores[row, banned] = float("-inf")
        return scores

    def _banned(self, tokens: list[int]) -> list[int]:
        n = self.ngram_size
        if n < 1 or len(tokens) < n - 1:
            return []
        prefix = tokens[len(tokens) - (n - 1) :] if n > 1 else []
        return sorted(
            {tokens[i + n - 1] for i in range(len(tokens) - n + 1) if tokens[i : i + n - 1] == prefix}
        )
