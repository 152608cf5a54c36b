"""CLI command of the evaluation capability; tools/run.py adds it to the one CLI."""

from pathlib import Path

import typer

from tools.cli_support import fail, run_pipeline

commands = typer.Typer()

DEFAULT_EVALUATING_CONFIG = "configs/evaluating.yaml"


@commands.command()
def evaluate(
    config: str = typer.Option(DEFAULT_EVALUATING_CONFIG, help="YAML with parameters: dataset, max_samples."),
    model_version: str | None = typer.Option(
        None,
        help="The llm_twin version to evaluate: a number, `latest` or a stage such as `production` "
        "[default: the config's `model: version:`, else latest; not with --model-dir].",
    ),
    model_dir: Path | None = typer.Option(
        None,
        help="A model folder outside the registry (training output, adapter or merged model); its scores "
        "go to a new llm_twin version.",
    ),
    dataset: str | None = typer.Option(
        None, help="Instruction dataset (saved folder, handbook JSON file or Hub id) [default: the config's]."
    ),
    author: str | None = typer.Option(
        None,
        help="The twin's author (as stored in the warehouse) for author likeness and the judge's "
        "style excerpts [default: the config's author_full_name].",
    ),
) -> None:
    """Judge the twin against its base model (the `evaluating` pipeline) and promote it when it is better."""
    from zenml.client import Client

    from pipelines.evaluating import evaluating
    from tools.twin_model import model_folder, registered_version

    parameters: dict = {}
    name, configured_version = model_block_of(config)
    model: dict = {"name": name}
    if model_dir is not None:
        if model_version is not None:
            fail("give either --model-version (a registered version) or --model-dir (a folder), not both.")
        parameters["model_dir"] = model_folder(model_dir)
        typer.echo(f"Evaluating {parameters['model_dir']} (its scores go to a new {model['name']} version)")
    else:
        version = registered_version(model_version or configured_version or "latest", name)
        model["version"] = version.number
        typer.echo(f"Evaluating {version.label}: {version.folder_for_evaluation()}")
    if author:
        parameters["author_full_name"] = author
    if dataset:
        parameters["dataset"] = dataset  # resolved like every path (a local one), else a Hub id
    check_dataset(config, parameters.get("dataset"))
    run = run_pipeline(evaluating, config, "evaluating", False, parameters, model)
    run = Client().get_pipeline_run(run.id)
    step = run.steps["save_and_promote"]
    summary, decision = step.outputs["evaluation_summary"][0].load(), step.outputs["promotion"][0].load()
    typer.echo(f"Results: {summary.results_dir}")
    if summary.judge_model:
        typer.echo(
            f"Judge {summary.judge_model}: {summary.judge_n} of {summary.n_samples} answers scored "
            f"({summary.judge_failed} without a valid judge answer); pairwise: {summary.twin_wins} twin wins, "
            f"{summary.base_wins} base wins, {summary.ties} ties."
        )
    if summary.author_likeness_author:
        typer.echo(
            f"Author likeness ({summary.author_likeness_author}): the author's own held-out writing scores "
            f"{summary.author_likeness_ceiling}, other writing {summary.author_likeness_floor}."
        )
    else:
        typer.echo(
            "Author likeness: not measured (name the twin's author with --author or author_full_name)."
        )
    verdict = "promoted to production" if decision.promote else "not promoted"
    typer.echo(f"{model['name']} version {decision.model_version}: {verdict} ({decision.reason})")
    typer.echo(summary.cli_line())


def check_dataset(config: str, dataset: str | None) -> None:
    """The dataset exists before the run starts (a missing one names the command that makes it)."""
    from llm_engineering.application.dataset.io import resolve_dataset_source
    from pipelines.config import DEFAULT_INSTRUCT_DATASET
    from tools.pipeline_config import ConfigError, load_config, resolve_config_path

    try:
        parameters = load_config(resolve_config_path(config)).get("parameters") or {}
        resolve_dataset_source(dataset or parameters.get("dataset") or DEFAULT_INSTRUCT_DATASET, "instruct")
    except (ConfigError, FileNotFoundError) as error:
        fail(str(error))


def model_block_of(config: str) -> tuple[str, str | None]:
    """The registry model and version the config's `model:` block names (llm_twin and none by default)."""
    from llm_engineering.model import TWIN_MODEL_NAME
    from tools.pipeline_config import ConfigError, load_config, resolve_config_path

    try:
        block = load_config(resolve_config_path(config)).get("model") or {}
    except ConfigError as error:
        fail(str(error))
    if not isinstance(block, dict):
        fail(
            f"{config}: `model:` must be a mapping such as `{{name: {TWIN_MODEL_NAME}, version: production}}`."
        )
    version = block.get("version")
    return str(block.get("name") or TWIN_MODEL_NAME), None if version is None else str(version)
