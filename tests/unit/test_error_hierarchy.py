"""Every exception class the project defines is an LLMTwinError: read from the source (no module imported), so
a new error class anywhere in llm_engineering/, steps/, pipelines/ or tools/ is checked too."""

from __future__ import annotations

import ast
import builtins

from tests.conftest import PROJECT_ROOT

PACKAGES = ("llm_engineering", "steps", "pipelines", "tools")
BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


def project_classes() -> dict[str, tuple[list[str], str]]:
    """Class name -> (its base names, where it is defined)."""
    classes: dict[str, tuple[list[str], str]] = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(base).split(".")[-1] for base in node.bases]
                    classes[node.name] = (bases, f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return classes


def reaches(name: str, target: set[str], classes: dict[str, tuple[list[str], str]], seen: set[str]) -> bool:
    if name in target:
        return True
    if name in seen or name not in classes:
        return False
    seen.add(name)
    return any(reaches(base, target, classes, seen) for base in classes[name][0])


def test_every_exception_class_of_the_project_is_an_llm_twin_error() -> None:
    classes = project_classes()
    errors = {
        name
        for name in classes
        if name != "LLMTwinError" and reaches(name, BUILTIN_EXCEPTIONS | {"LLMTwinError"}, classes, set())
    }
    assert len(errors) >= 20  # the scan sees the project's errors (LLMError, CrawlError, ConfigError, ...)
    outside = sorted(
        f"{name} ({classes[name][1]})"
        for name in errors
        if not reaches(name, {"LLMTwinError"}, classes, set())
    )
    assert not outside, f"exception classes outside LLMTwinError: {outside}"
