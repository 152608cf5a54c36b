"""LoRA SFT throughput of a 1B Llama-architecture model built from its config (no weights to carry).

TRL + PEFT and Unsloth, seq 1024, packing, bf16; prints one line per backend:
    backend=trl tokens_per_s=.. mfu=.. peak_mem_gb=.. params=.. steps=..
MFU = 4 x parameters x tokens/s / 989e12 (LoRA: forward + input gradients, no weight gradients for the frozen
base; 989 TFLOP/s is the H100/H200 dense bf16 peak).

    python tools/gpu/bench_throughput.py                       # on a CUDA GPU, both backends
    python tools/gpu/bench_throughput.py --tiny --cpu          # a tiny model on the CPU (what CI runs)

Runs in the GPU environment (tools/gpu/requirements.txt): it imports nothing from the project.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from typing import Any

PEAK_FLOPS = 989e12
LLAMA_1B = {  # the Llama 3.2 1B shape
    "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16, "num_attention_heads": 32,
    "num_key_value_heads": 8, "vocab_size": 128256, "tie_word_embeddings": True, "rope_theta": 500000.0,
}  # fmt: skip
LLAMA_TINY = {
    "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "vocab_size": 512, "tie_word_embeddings": True,
}  # fmt: skip
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["trl", "unsloth", "both"], default="both")
    parser.add_argument("--tiny", action="store_true", help="a tiny Llama (hidden 64, 2 layers)")
    parser.add_argument("--cpu", action="store_true", help="run on the CPU in fp32 (with --tiny)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup-steps", type=int, default=3, help="steps left out of the timing")
    parser.add_argument("--seq-len", type=int, default=None, help="[1024; 128 with --tiny]")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lora-r", type=int, default=32)
    parser.add_argument("--samples", type=int, default=None, help="documents to pack [enough for the steps]")
    return parser.parse_args(argv)


def build_config(tiny: bool, seq_len: int) -> Any:
    from transformers import LlamaConfig

    return LlamaConfig(**(LLAMA_TINY if tiny else LLAMA_1B), max_position_embeddings=max(seq_len, 2048))


def build_tokenizer(vocab_size: int) -> Any:
    """A word-level tokenizer over the model's id range: the data is pre-tokenized, only pad/eos matter."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    vocab = {f"t{i}": i for i in range(vocab_size - 2)} | {"<pad>": vocab_size - 2, "<eos>": vocab_size - 1}
    tokenizer = Tokenizer(models.WordLevel(vocab=vocab, unk_token="t0"))
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="<pad>", eos_token="<eos>")


def build_dataset(vocab_size: int, seq_len: int, documents: int, seed: int = 0) -> Any:
    """Random documents of 1/8 to 1 sequence length, pre-tokenized: packing fills each row to seq_len."""
    from datasets import Dataset

    rng = random.Random(seed)
    rows = []
    for _ in range(documents):
        length = rng.randint(seq_len // 8, seq_len)
        rows.append({"input_ids": [rng.randrange(0, vocab_size - 2) for _ in range(length)]})
    return Dataset.from_list(rows)


class StepTimer:
    """Times the steps after the warm-up ones and counts their non-padding tokens."""

    def __init__(self, warmup_steps: int) -> None:
        self.warmup_steps = warmup_steps
        self.started: float | None = None
        self.tokens_at_start = 0
        self.seconds = 0.0
        self.tokens = 0

    def callback(self, trainer_ref: dict[str, Any]) -> Any:
        from transformers import TrainerCallback

        timer = self

        class _Callback(TrainerCallback):
            def on_step_begin(self, args, state, control, **kwargs):  # noqa: ANN001
                if state.global_step == timer.warmup_steps:
                    _synchronize()
                    timer.started = time.perf_counter()
                    timer.tokens_at_start = _tokens(trainer_ref["trainer"])

            def on_train_end(self, args, state, control, **kwargs):  # noqa: ANN001
                _synchronize()
                if timer.started is not None:
                    timer.seconds = time.perf_counter() - timer.started
                    timer.tokens = _tokens(trainer_ref["trainer"]) - timer.tokens_at_start

        return _Callback()


def _tokens(trainer: Any) -> int:
    """Non-padding tokens trained so far: TRL's own count, else the Trainer's input-token count."""
    counted = getattr(trainer, "_total_train_tokens", None)
    return int(counted if counted is not None else trainer.state.num_input_tokens_seen)


def _synchronize() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def run(backend: str, args: argparse.Namespace) -> dict[str, float]:
    import torch

    seq_len = args.seq_len or (128 if args.tiny else 1024)
    config = build_config(args.tiny, seq_len)
    documents = args.samples or args.steps * args.batch_size * 4
    dataset = build_dataset(config.vocab_size, seq_len, documents)
    tokenizer = build_tokenizer(config.vocab_size)
    dtype = torch.float32 if args.cpu else torch.bfloat16
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()

    if backend == "unsloth":
        model, peft_config = _unsloth_model(config, tokenizer, seq_len, args.lora_r)
    else:
        from peft import LoraConfig
        from transformers import LlamaForCausalLM

        torch.manual_seed(0)
        model = LlamaForCausalLM(config).to(dtype)
        if not args.cpu:
            model = model.to("cuda")
        peft_config = LoraConfig(r=args.lora_r, lora_alpha=args.lora_r, lora_dropout=0.0,
                                 target_modules=TARGETS, task_type="CAUSAL_LM")  # fmt: skip
    params = sum(p.numel() for name, p in model.named_parameters() if "lora_" not in name)  # the base model
    from trl import SFTConfig, SFTTrainer

    timer = StepTimer(min(args.warmup_steps, args.steps - 1))
    trainer_ref: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as output_dir:
        trainer = SFTTrainer(
            model=model,
            args=SFTConfig(
                output_dir=output_dir,
                max_steps=args.steps,
                per_device_train_batch_size=args.batch_size,
                learning_rate=1e-4,
                max_length=seq_len,
                packing=True,
                bf16=not args.cpu,
                fp16=False,
                use_cpu=args.cpu,
                report_to="none",
                save_strategy="no",
                logging_steps=max(1, args.steps // 4),
                dataloader_num_workers=0,
                disable_tqdm=True,
                include_num_input_tokens_seen="non_padding",
                seed=0,
            ),  # fmt: skip
            train_dataset=dataset,
            processing_class=tokenizer,
            peft_config=peft_config,
            callbacks=[timer.callback(trainer_ref)],
        )
        trainer_ref["trainer"] = trainer
        trainer.train()
    tokens_per_s = timer.tokens / timer.seconds if timer.seconds > 0 else 0.0
    peak = torch.cuda.max_memory_allocated() / 1e9 if torch.cuda.is_available() and not args.cpu else 0.0
    return {
        "tokens_per_s": tokens_per_s,
        "mfu": 4 * params * tokens_per_s / PEAK_FLOPS,
        "peak_mem_gb": peak,
        "params": params,
        "steps": args.steps,
    }


def _unsloth_model(config: Any, tokenizer: Any, seq_len: int, lora_r: int) -> tuple[Any, None]:
    """Unsloth loads from a folder: save the config-built model (random weights) to a temporary one."""
    import torch
    from transformers import LlamaForCausalLM

    folder = tempfile.mkdtemp(prefix="bench-llama-")
    torch.manual_seed(0)
    LlamaForCausalLM(config).to(torch.bfloat16).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    from unsloth import FastLanguageModel

    model, _ = FastLanguageModel.from_pretrained(model_name=folder, max_seq_length=seq_len, dtype=torch.bfloat16,
                                                 load_in_4bit=False)  # fmt: skip
    model = FastLanguageModel.get_peft_model(model, r=lora_r, lora_alpha=lora_r, lora_dropout=0.0,
                                             target_modules=TARGETS, use_gradient_checkpointing=False)  # fmt: skip
    return model, None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    if not args.cpu and not torch.cuda.is_available():
        print("no CUDA GPU: run with --tiny --cpu for the CPU check")
        return 2
    backends = ["trl", "unsloth"] if args.backend == "both" else [args.backend]
    if "unsloth" in backends and not args.cpu:
        import unsloth  # noqa: F401  (before trl is imported: it patches transformers and trl)
    for backend in backends:
        if backend == "unsloth" and args.cpu:
            print("backend=unsloth skipped: Unsloth needs a CUDA GPU")
            continue
        result = run(backend, args)
        print(
            f"backend={backend} tokens_per_s={result['tokens_per_s']:.1f} mfu={result['mfu']:.4f} "
            f"peak_mem_gb={result['peak_mem_gb']:.2f} params={result['params']} steps={result['steps']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
