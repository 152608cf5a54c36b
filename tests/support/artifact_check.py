"""Run CLI commands, then print, as JSON, every artifact of every pipeline run, loaded back.

    python -m tests.support.artifact_check "stack-up --recipe configs/stacks/s3-local.yaml" "end-to-end-data"

Each argument is one `python -m tools.run` command line, run in this one process (one ZenML and torch
import instead of one per command) in the caller's environment (ZENML_CONFIG_PATH, AWS_*, stores). The last
line of stdout is the JSON report; the S3 stack test compares its URIs with the objects in the bucket.
"""

from __future__ import annotations

import json
import shlex
import sys


def run_commands(command_lines: list[str]) -> None:
    from tools.run import app

    for line in command_lines:
        app(shlex.split(line), standalone_mode=False)


def report_artifacts() -> dict:
    from zenml.client import Client

    client = Client()
    report = {
        "stack": client.active_stack_model.name,
        "artifact_store": client.active_stack.artifact_store.path,
        "artifacts": [],
    }
    for summary in client.list_pipeline_runs(size=100).items:
        run = client.get_pipeline_run(summary.id)
        for step_name, step_run in run.steps.items():
            for output_name, versions in step_run.outputs.items():
                for version in versions:
                    artifact = client.get_artifact_version(version.id)
                    value = artifact.load()
                    report["artifacts"].append(
                        {
                            "run": run.name,
                            "step": step_name,
                            "output": output_name,
                            "uri": artifact.uri,
                            "materializer": artifact.materializer.import_path,
                            "loaded_type": f"{type(value).__module__}.{type(value).__qualname__}",
                        }
                    )
    return report


if __name__ == "__main__":
    run_commands(sys.argv[1:])
    print(json.dumps(report_artifacts()))
