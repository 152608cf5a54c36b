"""The container images, checked without a container engine: instructions, build-context sources, the
service's command, and what .dockerignore keeps out of the build context."""

import tomllib

import pytest

from pipelines.docker_settings import (
    CPU_DOCKERFILE,
    DOCKERIGNORE,
    GPU_DOCKERFILE,
    docker_settings,
    gpu_step_options,
)
from tests.support.dockerfile import (
    INSTRUCTIONS,
    copy_sources,
    exec_form,
    ignore_patterns,
    is_ignored,
    parse_dockerfile,
)
from tests.support.paths import PROJECT_ROOT

DOCKERFILES = {"cpu": CPU_DOCKERFILE, "gpu": GPU_DOCKERFILE}


@pytest.mark.parametrize("kind", sorted(DOCKERFILES))
def test_dockerfile_parses_and_copies_only_what_exists_in_the_build_context(kind: str) -> None:
    instructions = parse_dockerfile(DOCKERFILES[kind])
    assert all(i.keyword in INSTRUCTIONS for i in instructions), [i.keyword for i in instructions]
    first = next(i for i in instructions if i.keyword != "ARG")
    assert first.keyword == "FROM"
    stages = [i.arguments.split()[-1] for i in instructions if i.keyword == "FROM" and " AS " in i.arguments]
    patterns = ignore_patterns(DOCKERIGNORE)
    for instruction in instructions:
        if instruction.keyword in {"COPY", "ADD"}:
            if "--from=" in instruction.arguments:
                assert instruction.arguments.split("--from=")[1].split()[0] in stages
            for source in copy_sources(instruction):
                assert (PROJECT_ROOT / source).exists(), f"line {instruction.line}: {source} does not exist"
                assert not is_ignored(source, patterns), f"line {instruction.line}: {source} is dockerignored"
    # Installed from the lock: the requirements come from `poetry export` of poetry.lock.
    assert any("poetry export" in i.arguments for i in instructions if i.keyword == "RUN")
    assert any(i.keyword == "COPY" and "poetry.lock" in i.arguments for i in instructions)


def test_the_service_image_runs_the_inference_service_task() -> None:
    (cmd,) = [i for i in parse_dockerfile(CPU_DOCKERFILE) if i.keyword == "CMD"]
    tasks = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["poe"]["tasks"]
    assert " ".join(exec_form(cmd)) == tasks["run-inference-ml-service"]["cmd"]


def test_the_gpu_image_installs_the_gpu_requirements_and_points_training_at_them() -> None:
    instructions = parse_dockerfile(GPU_DOCKERFILE)
    assert any(copy_sources(i) == ["tools/gpu/requirements.txt"] for i in instructions if i.keyword == "COPY")
    env = " ".join(i.arguments for i in instructions if i.keyword == "ENV")
    assert "TRAINING_GPU_PYTHON=/opt/gpu-venv/bin/python" in env


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        (".venv", True),
        (".venv/lib/python3.11/site.py", True),
        (".data/warehouse/twin/users.sqlite", True),
        (".env", True),
        (".env.example", False),
        ("llm_engineering/__pycache__/settings.cpython-311.pyc", True),
        ("llm_engineering/settings.py", False),
        ("poetry.lock", False),
    ],
)
def test_dockerignore_keeps_environments_data_and_secrets_out(path: str, ignored: bool) -> None:
    assert is_ignored(path, ignore_patterns(DOCKERIGNORE)) is ignored


def test_training_steps_get_the_named_step_operator_and_the_gpu_image() -> None:
    from steps.training import train_dpo, train_sft

    assert gpu_step_options(None) == {}
    options = gpu_step_options("llm-twin-sagemaker", {"instance_type": "ml.g5.2xlarge"})
    for step in (train_sft, train_dpo):
        configured = step.with_options(**options).configuration
        assert configured.step_operator == "llm-twin-sagemaker"
        assert configured.settings["docker"].dockerfile == str(GPU_DOCKERFILE)
        assert configured.settings["step_operator"].model_dump() == {"instance_type": "ml.g5.2xlarge"}
        assert step.configuration.step_operator is None  # the step itself is unchanged
    assert docker_settings().dockerfile == str(CPU_DOCKERFILE)
