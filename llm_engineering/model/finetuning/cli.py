"""Entry point of a training job in any environment:

    python -m llm_engineering.model.finetuning.cli training_job.json [sft|dpo|finalize|all]

The `training` pipeline's steps write the job file and start this in the GPU environment's Python (or call the
same functions in-process on a CPU); each stage leaves its metrics as JSON in the job's output folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from llm_engineering.model.finetuning.config import TrainingJob

STAGES = ("sft", "dpo", "finalize", "all")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stage = args[1] if len(args) == 2 else "all"
    if len(args) not in (1, 2) or not Path(args[0]).is_file() or stage not in STAGES:
        print(f"usage: python -m llm_engineering.model.finetuning.cli <training_job.json> [{'|'.join(STAGES)}]",
              file=sys.stderr)  # fmt: skip
        return 2
    from llm_engineering.model.finetuning.runner import run_stage

    job = TrainingJob.model_validate_json(Path(args[0]).read_text(encoding="utf-8"))
    run_stage(job, stage)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
