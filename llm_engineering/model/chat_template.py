"""The one chat template (ChatML) used by training, evaluation and serving.

Training formats samples as conversations and lets the tokenizer render them with this template, evaluation
and serving build their prompts with `format_prompt`, so the twin always sees the same layout. A conversation
without a system message gets the twin's system prompt.
"""

from __future__ import annotations

from typing import Any

DEFAULT_SYSTEM_PROMPT = (
    "You are the author's digital twin. Answer in their voice: clear, accessible and to the point, the way "
    "they write their own articles and posts."
)

# ChatML as SmolLM2, Qwen and most small instruct models use it. `<|im_end|>` closes every turn; the
# generation prompt is the opening of an assistant turn.
CHAT_TEMPLATE = (
    "{% if messages and messages[0]['role'] == 'system' %}"
    "{% set system_message = messages[0]['content'] %}{% set turns = messages[1:] %}"
    "{% else %}"
    "{% set system_message = '" + DEFAULT_SYSTEM_PROMPT.replace("'", "\\'") + "' %}"
    "{% set turns = messages %}"
    "{% endif %}"
    "<|im_start|>system\n{{ system_message }}<|im_end|>\n"
    "{% for message in turns %}"
    "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

END_OF_TURN = "<|im_end|>"
CHATML_SPECIAL_TOKENS = ["<|im_start|>", END_OF_TURN]


def apply_chat_template(tokenizer: Any) -> Any:
    """Set the one chat template on `tokenizer` (in place; returned for chaining).

    A tokenizer that lacks the ChatML markers gets them as special tokens (the model's embeddings must then be
    resized: `model.resize_token_embeddings(len(tokenizer))`). End of turn is the end-of-sequence token, so
    generation stops at the end of the answer; a tokenizer without a pad token pads with it.
    """
    missing = [token for token in CHATML_SPECIAL_TOKENS if token not in tokenizer.get_vocab()]
    if missing:
        tokenizer.add_special_tokens({"additional_special_tokens": missing})
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.eos_token = END_OF_TURN
    if tokenizer.pad_token is None:
        tokenizer.pad_token = END_OF_TURN
    return tokenizer


def build_messages(instruction: str, answer: str | None = None, system: str | None = None) -> list[dict]:
    """A conversation of one instruction (and its answer when given) in the chat-message format."""
    messages = [{"role": "system", "content": system}] if system else []
    messages.append({"role": "user", "content": instruction})
    if answer is not None:
        messages.append({"role": "assistant", "content": answer})
    return messages


def format_prompt(tokenizer: Any, instruction: str, system: str | None = None) -> str:
    """The generation prompt for one instruction, rendered with the one chat template."""
    return tokenizer.apply_chat_template(
        build_messages(instruction, system=system),
        chat_template=CHAT_TEMPLATE,
        tokenize=False,
        add_generation_prompt=True,
    )
