"""Every exception class the project defines is an LLMTwinError: read from the source (no module imported), so
a new error class anywhere in llm_engineering/, steps/, pipelines/ or tools/ is checked too."""

from __future__ import annotations

import ast
import builtins

from tests.support.paths import PROJECT_ROOT

PACKAGES = ("llm_engineering", "steps", "pipelines", "tools")
BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def project_classes() -> dict[str, list[tuple[list[str], str]]]:
    """Class name -> (its base names, where it is defined), for each class of that name."""
    classes: dict[str, list[tuple[list[str], str]]] = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(base).split(".")[-1] for base in node.bases]
                    where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                    classes.setdefault(node.name, []).append((bases, where))
    return classes


Classes = dict[str, list[tuple[list[str], str]]]


def reaches(bases: list[str], target: set[str], classes: Classes, seen: set[str]) -> bool:
    """Whether these bases lead to a name in `target` (a base named like several classes: any of them)."""
    for base in bases:
        if base in target:
            return True
        if base not in seen and base in classes:
            seen.add(base)
            if any(reaches(parents, target, classes, seen) for parents, _ in classes[base]):
                return True
    return False


def test_every_exception_class_of_the_project_is_an_llm_twin_error() -> None:
    classes = project_classes()
    exception_bases = BUILTIN_EXCEPTIONS | {"LLMTwinError"}
    errors = [
        (name, bases, where)
        for name, definitions in classes.items()
        for bases, where in definitions
        if name != "LLMTwinError" and reaches(bases, exception_bases, classes, set())
    ]
    assert len(errors) >= 20  # the scan sees the project's errors (LLMError, CrawlError, ConfigError, ...)
    outside = sorted(
        f"{name} ({where})"
        for name, bases, where in errors
        if not reaches(bases, {"LLMTwinError"}, classes, set())
    )
    assert not outside, f"exception classes outside LLMTwinError: {outside}"
