"""The reference part of docs/configuration.md, generated from the pipelines' typed configs.

python -m tools.config_docs           # rewrite the generated part of docs/configuration.md
python -m tools.config_docs --check   # exit 1 when the page is out of date (a test runs this)
"""

from __future__ import annotations

import sys
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from llm_engineering.settings import PROJECT_ROOT
from pipelines.config import DatasetsConfig, EtlConfig, EvaluatingConfig, FeaturesConfig, TrainingRunConfig

PAGE = PROJECT_ROOT / "docs" / "configuration.md"
BEGIN = "<!-- BEGIN GENERATED: python -m tools.config_docs -->"
END = "<!-- END GENERATED -->"
PIPELINES: list[tuple[str, str, type[BaseModel]]] = [
    ("digital_data_etl", "configs/digital_data_etl_*.yaml", EtlConfig),
    ("feature_engineering", "configs/feature_engineering.yaml", FeaturesConfig),
    ("generate_datasets", "configs/generate_*_datasets.yaml", DatasetsConfig),
    ("training", "configs/training*.yaml", TrainingRunConfig),
    ("evaluating", "configs/evaluating*.yaml", EvaluatingConfig),
]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _type_name(annotation: Any, nested: bool = False) -> str:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation.__name__ if nested else " \\| ".join(repr(member.value) for member in annotation)
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type_name(arg) for arg in typing.get_args(annotation))
    if origin is typing.Literal:
        return " \\| ".join(repr(arg) for arg in typing.get_args(annotation))
    args = ", ".join(_type_name(arg, nested=True) for arg in typing.get_args(annotation))
    return f"{getattr(origin, '__name__', str(origin))}[{args}]"


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    value = field.default_factory() if field.default is PydanticUndefined else field.default
    if isinstance(value, BaseModel):
        return "(below)"
    if isinstance(value, dict):
        shown = {
            getattr(k, "value", k): v.model_dump() if isinstance(v, BaseModel) else v
            for k, v in value.items()
        }
        return f"`{shown}`"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, list) and len(repr(value)) > 60:
        return f"{len(value)} items (see the model)"
    return f"`{value!r}`" if value is not None else "`None`"


def _rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows, nested = [], []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        sub = _nested_model(field.annotation)
        if sub is not None:
            nested.append((key, sub))
            rows.append(f"| `{key}` | {sub.__name__} | (below) | {field.description or sub.__doc__ or ''} |")
            continue
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {_type_name(field.annotation)} | {_default(field)} | {description} |")
    for key, sub in nested:
        rows.extend(_rows(sub, f"{key}."))
    return rows


def render() -> str:
    parts = [BEGIN, ""]
    for pipeline, configs, model in PIPELINES:
        parts += [
            f"### `{pipeline}`: `{model.__name__}`",
            "",
            f"{(model.__doc__ or '').strip()} Shipped configs: `{configs}`.",
            "",
            "| key under `parameters:` | type | default | meaning |",
            "|---|---|---|---|",
            *_rows(model),
            "",
        ]
    parts.append(END)
    return "\n".join(parts)


def updated_page(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + render() + text[end:]


def main(argv: list[str]) -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = updated_page(text)
    if "--check" in argv:
        if new != text:
            print(f"{PAGE} is out of date: run `python -m tools.config_docs`.", file=sys.stderr)
            return 1
        return 0
    Path(PAGE).write_text(new, encoding="utf-8")
    print(f"Wrote the reference part of {PAGE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
