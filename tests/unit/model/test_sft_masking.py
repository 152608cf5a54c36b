"""The SFT loss covers the answer only: the prompt (system + user turns, rendered by the one template) is masked."""

from __future__ import annotations

from pathlib import Path

from llm_engineering.model.chat_template import format_prompt
from llm_engineering.model.finetuning.config import TrainingConfig
from llm_engineering.model.finetuning.data import sft_conversations
from llm_engineering.model.finetuning.models import load_for_training
from llm_engineering.model.finetuning.stages import build_sft_trainer


def test_completion_only_loss_masks_the_prompt_rendered_with_the_one_template(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    config = TrainingConfig(backend="cpu", max_length=256, lora={"target_modules": ["q_proj", "v_proj"]})
    model, tokenizer, peft_config = load_for_training(str(tiny_model_dir), config, "cpu")
    rows = [{"instruction": "What is LoRA?", "answer": "Small low-rank matrices added to a frozen model."}]
    conversations = sft_conversations(rows)

    trainer = build_sft_trainer(
        model, tokenizer, peft_config, conversations, conversations, config, "cpu", tmp_path, "none"
    )

    example = trainer.train_dataset[0]
    ids, labels = example["input_ids"], example["labels"]  # TRL folds the completion mask into the labels
    prompt_ids = [token for token, label in zip(ids, labels, strict=True) if label == -100]
    answer_ids = [token for token, label in zip(ids, labels, strict=True) if label != -100]
    assert tokenizer.decode(prompt_ids) == format_prompt(tokenizer, "What is LoRA?")
    assert tokenizer.decode(answer_ids) == "Small low-rank matrices added to a frozen model.<|im_end|>\n"
    assert labels[: len(prompt_ids)] == [-100] * len(prompt_ids)  # the prompt comes first, all masked
    batch = trainer.data_collator([example])
    assert batch["labels"][0].tolist() == labels
