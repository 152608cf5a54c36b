"""Container images for remote stacks, built from the repository's own Dockerfiles (docs/stacks.md).

ZenML builds the Dockerfile as the parent image (the locked dependency set is installed there), then adds
the stack's integration packages (e.g. s3fs for an S3 artifact store) and the code. The training steps run
in the GPU image when the training YAML names a step operator.
"""

from __future__ import annotations

from typing import Any

from zenml.config import DockerSettings

from llm_engineering.settings import PROJECT_ROOT

CPU_DOCKERFILE = PROJECT_ROOT / "Dockerfile"
GPU_DOCKERFILE = PROJECT_ROOT / "docker" / "gpu.Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"  # read by the build from the context root


def docker_settings(gpu: bool = False) -> DockerSettings:
    return DockerSettings(
        dockerfile=str(GPU_DOCKERFILE if gpu else CPU_DOCKERFILE),
        build_context_root=str(PROJECT_ROOT),
        # The Dockerfile installs poetry.lock; ZenML only adds what the active stack's components need.
        disable_automatic_requirements_detection=True,
        install_stack_requirements=True,
        environment={"ZENML_ANALYTICS_OPT_IN": "false", "TOKENIZERS_PARALLELISM": "false"},
    )


def gpu_step_options(
    step_operator: str | None, step_operator_settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`with_options` for a training step: the named step operator (with its flavor's settings, e.g. a
    SageMaker `instance_type`) and the GPU image; nothing when no step operator is named."""
    if not step_operator:
        return {}
    settings: dict[str, Any] = {"docker": docker_settings(gpu=True)}
    if step_operator_settings:
        settings["step_operator"] = step_operator_settings
    return {"step_operator": step_operator, "settings": settings}
