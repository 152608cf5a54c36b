"""Entry point of the training job in any environment: `python -m llm_engineering.model.finetuning.cli job.json`.

The `training` pipeline step writes the job file and starts this in the GPU environment's Python; it prints
the path of metrics.json as its last line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from llm_engineering.model.finetuning.config import TrainingJob


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_file():
        print("usage: python -m llm_engineering.model.finetuning.cli <training_job.json>", file=sys.stderr)
        return 2
    from llm_engineering.model.finetuning.runner import METRICS_FILE, run_training

    job = TrainingJob.model_validate_json(Path(args[0]).read_text(encoding="utf-8"))
    run_training(job)
    print(job.output_dir / METRICS_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
