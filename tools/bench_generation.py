"""Dataset generation throughput against a loopback OpenAI-compatible server with a fixed latency.

Sends N prompts through the LLM client (structured outputs, validation, no cache) and prints
`prompts=.. latency_s=.. concurrency=.. wall_s=.. ideal_s=.. ratio=..`, where ideal = N x latency /
concurrency and ratio = wall / ideal (1.0 is perfect overlap).

    python -m tools.bench_generation [--prompts 64] [--latency 0.25] [--concurrency 1 4 8 16]
"""

from __future__ import annotations

import argparse
import json
import time

from llm_engineering.application.dataset.responses import InstructionAnswerPairs
from llm_engineering.infrastructure.llm import ChatMessage, LLMClient, LLMClientConfig
from tests.support.openai_server import OpenAICompatibleServer, Reply

ANSWER = json.dumps(
    {
        "instruction_answer_pairs": [
            {"instruction": f"Write about topic {n}.", "answer": f"A paragraph about topic {n}. " * 12}
            for n in range(5)
        ]
    }
)


def run(prompts: int, latency_s: float, concurrency: int) -> float:
    with OpenAICompatibleServer(lambda body: Reply(content=ANSWER, delay_s=latency_s)) as server:
        client = LLMClient(LLMClientConfig(base_url=server.base_url, model="bench", concurrency=concurrency))
        messages = [[ChatMessage(role="user", content=f"Extract number {n}.")] for n in range(prompts)]
        client.structured(
            [ChatMessage(role="user", content="warm-up")], InstructionAnswerPairs
        )  # lazy imports
        started = time.perf_counter()
        results = client.structured_many(messages, InstructionAnswerPairs)
        wall_s = time.perf_counter() - started
    failed = sum(result.error is not None for result in results)
    if failed:
        raise SystemExit(f"{failed} of {prompts} prompts failed against the loopback server.")
    return wall_s


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.25, help="Seconds the server takes per answer.")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    args = parser.parse_args()
    for concurrency in args.concurrency:
        wall_s = run(args.prompts, args.latency, concurrency)
        ideal_s = args.prompts * args.latency / concurrency
        print(
            f"prompts={args.prompts} latency_s={args.latency} concurrency={concurrency} wall_s={wall_s:.2f} "
            f"ideal_s={ideal_s:.2f} ratio={wall_s / ideal_s:.2f}"
        )


if __name__ == "__main__":
    main()
