"""Stack recipes validated offline against ZenML's own flavor classes, and stack-up / stack-down through the
real ZenML client (the session's isolated store). No cloud: the AWS and GCP stacks are checked, not run."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.paths import PROJECT_ROOT
from tools.run import app
from tools.stacks.flavors import check_recipe, required_fields
from tools.stacks.recipe import RecipeError, load_recipe, read_recipe_file, required_variables

RECIPES = PROJECT_ROOT / "configs" / "stacks"
# Plausible values for every variable the recipes require (what a user exports).
VALUES = {
    "LLM_TWIN_ARTIFACT_PATH": "s3://my-bucket/llm-twin",
    "AWS_DEFAULT_REGION": "eu-central-1",
    "ZENML_STORE_URL": "https://zenml.example.com",
    "ZENML_STORE_API_KEY": "an-api-key",
    "LLM_TWIN_K8S_CONTEXT": "arn:aws:eks:eu-central-1:123456789012:cluster/llm-twin",
    "LLM_TWIN_ECR_URI": "123456789012.dkr.ecr.eu-central-1.amazonaws.com",
    "LLM_TWIN_SAGEMAKER_ROLE": "arn:aws:iam::123456789012:role/llm-twin-sagemaker",
    "GOOGLE_CLOUD_PROJECT": "my-project",
    "GOOGLE_CLOUD_REGION": "europe-west4",
    "LLM_TWIN_ARTIFACT_REGISTRY": "europe-west4-docker.pkg.dev/my-project/llm-twin",
}
EXPECTED = {  # recipe -> (required variables, {component type: flavor})
    "s3-local.yaml": (
        {"LLM_TWIN_ARTIFACT_PATH"},
        {"orchestrator": "local", "artifact_store": "s3"},
    ),
    "aws.yaml": (
        {
            "ZENML_STORE_URL",
            "ZENML_STORE_API_KEY",
            "LLM_TWIN_K8S_CONTEXT",
            "LLM_TWIN_ARTIFACT_PATH",
            "AWS_DEFAULT_REGION",
            "LLM_TWIN_ECR_URI",
            "LLM_TWIN_SAGEMAKER_ROLE",
        },
        {
            "orchestrator": "kubernetes",
            "artifact_store": "s3",
            "container_registry": "aws",
            "step_operator": "sagemaker",
        },
    ),
    "gcp.yaml": (
        {
            "ZENML_STORE_URL",
            "ZENML_STORE_API_KEY",
            "GOOGLE_CLOUD_PROJECT",
            "GOOGLE_CLOUD_REGION",
            "LLM_TWIN_ARTIFACT_PATH",
            "LLM_TWIN_ARTIFACT_REGISTRY",
        },
        {
            "orchestrator": "vertex",
            "artifact_store": "gcp",
            "container_registry": "gcp",
            "step_operator": "vertex",
        },
    ),
}


def test_every_recipe_is_listed_here() -> None:
    assert sorted(p.name for p in RECIPES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recipe_validates_offline_against_zenml_flavors(name: str) -> None:
    variables, flavors = EXPECTED[name]
    path = RECIPES / name
    assert set(required_variables(read_recipe_file(path))) == variables
    with pytest.raises(RecipeError) as missing:
        load_recipe(path, {})
    assert all(variable in str(missing.value) for variable in variables)

    env = {**VALUES, "LLM_TWIN_ARTIFACT_PATH": "gs://my-bucket/llm-twin"} if name == "gcp.yaml" else VALUES
    recipe = load_recipe(path, env)
    assert {kind: spec.flavor for kind, spec in recipe.components.items()} == flavors
    check_recipe(recipe)  # every flavor exists and its config class accepts the settings
    for kind, spec in recipe.components.items():  # the flavor's required fields are all in the recipe
        assert set(required_fields(kind, spec.flavor)) <= set(spec.configuration), (kind, spec.flavor)
    if recipe.server is not None:
        assert recipe.server.url == VALUES["ZENML_STORE_URL"]
        assert "an-api-key" not in repr(recipe)  # the key is a secret, never printed


def test_defaults_apply_and_empty_settings_are_left_out() -> None:
    env = {"LLM_TWIN_ARTIFACT_PATH": "s3://b/x"}
    recipe = load_recipe(RECIPES / "s3-local.yaml", env)
    assert recipe.components["artifact_store"].configuration == {"path": "s3://b/x"}
    env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000"
    recipe = load_recipe(RECIPES / "s3-local.yaml", env)
    assert recipe.components["artifact_store"].configuration["client_kwargs"] == {
        "endpoint_url": "http://127.0.0.1:9000"
    }


BAD_RECIPES = {
    "bad YAML": ("name: x\ncomponents: [\n", "is not valid YAML"),
    "unknown flavor": (
        "name: x\ncomponents:\n  orchestrator: {name: o, flavor: lokal}\n"
        "  artifact_store: {name: a, flavor: local, configuration: {path: /tmp/a}}\n",
        "unknown orchestrator flavor 'lokal'. ZenML knows: ",
    ),
    "missing field": (
        "name: x\ncomponents:\n  orchestrator: {name: o, flavor: local}\n  artifact_store: {name: a, flavor: s3}\n",
        "path: Field required (required by the flavor)",
    ),
    "unknown setting": (
        "name: x\ncomponents:\n  orchestrator: {name: o, flavor: local, configuration: {colour: red}}\n"
        "  artifact_store: {name: a, flavor: local, configuration: {path: /tmp/a}}\n",
        "unknown setting(s) ['colour']",
    ),
    "no artifact store": (
        "name: x\ncomponents:\n  orchestrator: {name: o, flavor: local}\n",
        "a stack needs artifact_store",
    ),
    "missing variable": (
        "name: x\ncomponents:\n  orchestrator: {name: o, flavor: local}\n"
        "  artifact_store: {name: a, flavor: s3, configuration: {path: '${NOT_SET_BUCKET_PATH}'}}\n",
        "needs the environment variable(s) NOT_SET_BUCKET_PATH",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_RECIPES))
def test_a_bad_recipe_is_a_clear_cli_error(case: str, tmp_path: Path) -> None:
    text, message = BAD_RECIPES[case]
    recipe = tmp_path / "bad.yaml"
    recipe.write_text(text)
    result = CliRunner().invoke(app, ["stack-up", "--recipe", str(recipe)])
    assert result.exit_code == 1, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_stack_up_is_idempotent_and_stack_down_goes_back(
    zenml_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLM_TWIN_ARTIFACT_PATH", "s3://my-bucket/first")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    runner = CliRunner()
    recipe = str(RECIPES / "s3-local.yaml")
    try:
        first = runner.invoke(app, ["stack-up", "--recipe", recipe])
        assert first.exit_code == 0, first.output
        assert "registered and active" in first.output
        assert zenml_client.active_stack_model.name == "llm-twin-s3-local"

        monkeypatch.setenv("LLM_TWIN_ARTIFACT_PATH", "s3://my-bucket/second")
        second = runner.invoke(app, ["stack-up", "--recipe", recipe])
        assert second.exit_code == 0, second.output
        assert "updated and active" in second.output and "updated artifact_store llm-twin-s3" in second.output
        stores = zenml_client.list_stack_components(type="artifact_store", name="llm-twin-s3")
        assert stores.total == 1 and stores.items[0].configuration["path"] == "s3://my-bucket/second"
        assert zenml_client.list_stacks(name="llm-twin-s3-local").total == 1
    finally:
        down = runner.invoke(app, ["stack-down"])
    assert down.exit_code == 0, down.output
    assert "Active stack: 'default' (was 'llm-twin-s3-local')" in down.output
    assert zenml_client.active_stack_model.name == "default"
