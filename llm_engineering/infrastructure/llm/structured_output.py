"""How a pydantic response model is asked for: the `response_format` and, in JSON mode, the schema in
the prompt; and how an answer is read back into the model."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel

REASK_PROMPT = (
    "Your previous answer was not valid: {error}\n"
    "Answer again with only one JSON object that follows the requested schema exactly."
)
SCHEMA_PROMPT = (
    "Answer with one JSON object and nothing else. It must validate against this JSON schema:\n{schema}"
)


def json_schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """The model's schema in the strict form OpenAI expects (no extra properties), as the SDK builds it."""
    try:
        from openai.lib._pydantic import to_strict_json_schema
    except ImportError:  # an SDK without the helper: the plain schema is still valid JSON Schema
        return response_model.model_json_schema()
    return to_strict_json_schema(response_model)


def response_format(
    response_model: type[BaseModel], mode: Literal["json_schema", "json_object"]
) -> dict[str, Any]:
    if mode == "json_object":
        return {"type": "json_object"}
    return {
        "type": "json_schema",
        "json_schema": {
            "name": response_model.__name__,
            "schema": json_schema(response_model),
            "strict": True,
        },
    }


def with_schema_prompt(
    messages: list[dict[str, str]], response_model: type[BaseModel]
) -> list[dict[str, str]]:
    """JSON mode does not carry the schema: put it in the system message (added first when there is none)."""
    note = SCHEMA_PROMPT.format(schema=json.dumps(json_schema(response_model), ensure_ascii=False))
    if messages and messages[0]["role"] == "system":
        return [{"role": "system", "content": f"{messages[0]['content']}\n\n{note}"}, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def parse_answer(content: str | None, response_model: type[BaseModel]) -> Any:
    """The answer as the response model; ValueError (pydantic's ValidationError is one) when it is not."""
    if content is None or not content.strip():
        raise ValueError("the answer was empty")
    text = content.strip()
    if text.startswith("```"):  # some JSON-mode endpoints still fence their JSON
        text = text.strip("`").removeprefix("json").strip()
    return response_model.model_validate_json(text)


def short_error(error: Exception, limit: int = 600) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
