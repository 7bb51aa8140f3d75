"""Tokens per second and time to first token: our streamed generation against transformers' pipeline, same run.

A GPT-2-small-shaped model (GPT2Config's defaults: 12 layers of 768, 12 heads,
a 50,257-token vocabulary, 124 M parameters) with random weights, since speed
does not depend on what the weights learned, and nothing is downloaded. The
tokenizer is a byte-level BPE learned on the standard library's docstrings,
padded with extra tokens to GPT-2's vocabulary size so every id decodes. Both
sides decode greedily from the same prompt for the same number of new tokens
(their texts must be identical), both run the model off the main thread (as a
Gradio handler does), and runs alternate between them so background load hits
both alike.

Ours streams: its time to first token is when the first token reaches the
reader, and its total includes everything the Text tab gets (each token's
probability and top-10 candidates, the incremental decoding). The plain
pipeline returns all tokens at once, so nothing is visible before it ends; the
table also shows how long the pipeline takes for a single token, the least a
first token could cost without streaming. Prints a markdown table.

    python benchmarks/bench_generation.py [--new-tokens 64] [--runs 5] [--device auto] [--threads N]
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROMPT = "The standard library of Python comes with a module for"


def small_shaped(device):
    """(LoadedModel, pipeline) over one random GPT-2-small-shaped model."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, pipeline

    from playground import config as cfg
    from playground.text.corpus import stdlib_corpus
    from playground.text.loading import LoadedModel
    from playground.text.tiny_gpt import TinyGPTConfig, train_tokenizer

    model_config = GPT2Config()  # GPT-2 small: 12 x 768, vocabulary 50,257, context 1,024
    tokenizer = train_tokenizer(stdlib_corpus(), cfg.build(TinyGPTConfig, {"vocab_size": 8000,
                                                                           "context_length": 512}))
    tokenizer.add_tokens([f"<extra_{i}>" for i in range(model_config.vocab_size - len(tokenizer))])
    tokenizer.model_max_length = model_config.n_positions
    model_config.bos_token_id = model_config.eos_token_id = tokenizer.eos_token_id
    torch.manual_seed(0)
    model = GPT2LMHeadModel(model_config).to(device).eval()
    model.generation_config.pad_token_id = tokenizer.eos_token_id
    loaded = LoadedModel(model_id="gpt2-small-shaped (random weights)", model=model, tokenizer=tokenizer,
                         device=device)
    return loaded, pipeline("text-generation", model=model, tokenizer=tokenizer, device=device)


def ours(loaded, config) -> dict:
    """One streamed generation: seconds to the first token, in total, CPU seconds, the text."""
    from playground.text.generate import generate_stream

    wall, cpu, first = time.perf_counter(), time.process_time(), None
    for event in generate_stream(loaded, PROMPT, config):
        if event["event"] == "token" and first is None:
            first = time.perf_counter() - wall
    return {"total": time.perf_counter() - wall, "first": first, "cpu": time.process_time() - cpu,
            "tokens": event["tokens"], "text": event["text"]}


def theirs(pipe, new_tokens: int) -> dict:
    """One plain pipeline call, made from a worker thread the way a Gradio handler makes it: text in, text out.

    Not from the main thread: on a busy CPU, torch with several threads ran the very same pipeline call about four
    times slower there than in a worker thread, which would flatter ours (its model runs in a worker thread).
    """
    result = {}

    def call():
        wall, cpu = time.perf_counter(), time.process_time()
        out = pipe(PROMPT, do_sample=False, max_new_tokens=new_tokens, return_full_text=False)
        total = time.perf_counter() - wall
        result.update(total=total, first=total, cpu=time.process_time() - cpu, tokens=new_tokens,
                      text=out[0]["generated_text"])

    worker = threading.Thread(target=call)
    worker.start()
    worker.join()
    return result


def pipeline_token_count(pipe, new_tokens: int) -> int:
    """How many tokens the pipeline really generates (its text calls don't say), from one call returning ids."""
    ids = pipe(PROMPT, do_sample=False, max_new_tokens=new_tokens, return_tensors=True)[0]["generated_token_ids"]
    return len(ids) - len(pipe.tokenizer(PROMPT)["input_ids"])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--new-tokens", type=int, default=64, help="tokens generated per run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side, after one warm-up each")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--out", default=None, help="also write the markdown table to this file")
    args = parser.parse_args(argv)

    import torch

    from playground import config as cfg
    from playground.device import pick_device
    from playground.text.generate import GenerationConfig

    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    loaded, pipe = small_shaped(device)
    config = cfg.build(GenerationConfig, {"greedy": True, "max_new_tokens": args.new_tokens})
    warm_ours, warm_theirs = ours(loaded, config), theirs(pipe, args.new_tokens)
    assert warm_ours["text"] == warm_theirs["text"], "our text and the pipeline's differ"
    assert warm_ours["tokens"] == pipeline_token_count(pipe, args.new_tokens) == args.new_tokens, "one stopped early"
    runs = {"ours (streaming)": [], "pipeline": [], "pipeline, 1 token": []}
    for _ in range(args.runs):  # alternate, so background load hits every side alike
        for side, work in (("ours (streaming)", lambda: ours(loaded, config)),
                           ("pipeline", lambda: theirs(pipe, args.new_tokens)),
                           ("pipeline, 1 token", lambda: theirs(pipe, 1))):
            sync()
            runs[side].append(work())
            sync()

    def rates(side):
        return [r["tokens"] / r["total"] for r in runs[side]]

    def median(side, key):
        return statistics.median(r[key] for r in runs[side])

    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
    lines = [f"GPT-2-small-shaped model (random weights, {loaded.parameters / 1e6:.1f} M parameters, {loaded.dtype}), "
             f"greedy, {len(loaded.tokenizer(PROMPT)['input_ids'])}-token prompt, {args.new_tokens} new tokens, "
             f"{where}, torch {torch.__version__}, {args.runs} runs per side (median, min - max)", "",
             "| | tokens/s | min - max | time to first token (s) | total (s) | CPU (s) | tokens per CPU-second |",
             "|---|---|---|---|---|---|---|"]
    for side in ("ours (streaming)", "pipeline"):
        first = f"{median(side, 'first'):.3f}" + (" (nothing shown before the end)" if side == "pipeline" else "")
        lines.append(f"| {side} | {statistics.median(rates(side)):.2f} | {min(rates(side)):.2f} - "
                     f"{max(rates(side)):.2f} | {first} | {median(side, 'total'):.3f} | {median(side, 'cpu'):.3f} | "
                     f"{args.new_tokens / median(side, 'cpu'):.2f} |")
    lines.append(f"| pipeline, 1 token | | | {median('pipeline, 1 token', 'total'):.3f} (a 1-token call) | | | |")
    ratio = statistics.median(rates("ours (streaming)")) / statistics.median(rates("pipeline"))
    cpu_ratio = median("pipeline", "cpu") / median("ours (streaming)", "cpu")
    lines += ["", f"ours / pipeline tokens/s: **{ratio:.3f}** wall clock, **{cpu_ratio:.3f}** per CPU-second (1 = as "
                  f"fast; above 1: ours is faster; CPU time is less bent by other programs on a shared machine); "
                  f"first token visible after {median('ours (streaming)', 'first') / median('pipeline', 'first'):.1%} "
                  f"of the pipeline's wait; texts identical: {warm_ours['text'] == warm_theirs['text']}"]
    table = "\n".join(lines)
    print("\n" + table)
    if args.out:
        Path(args.out).write_text(table + "\n")
    return {"ratio": ratio, "cpu_ratio": cpu_ratio, "tokens_per_second": {side: statistics.median(rates(side)) for side in
                                                  ("ours (streaming)", "pipeline")}}


if __name__ == "__main__":
    main()
