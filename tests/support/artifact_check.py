"""Print, as JSON, every artifact of every pipeline run in the active ZenML store, loaded back.

Run as `python -m tests.support.artifact_check` in the environment (ZENML_CONFIG_PATH, AWS_*) of a CLI run:
the S3 stack test reads it to compare the artifacts' URIs with the objects in the bucket.
"""

from __future__ import annotations

import json

from zenml.client import Client


def main() -> None:
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
    print(json.dumps(report))


if __name__ == "__main__":
    main()
