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

Ours runs in float32 (its text must equal the pipeline's) and in each of
`--precisions`, converted as the app converts a model (playground/precision.py);
every ratio is against the float32 pipeline run right after it.

    python benchmarks/bench_generation.py [--new-tokens 64] [--runs 5] [--device auto] [--threads N]
                                          [--precisions bfloat16,int8]
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairing import add_arguments, converted, device_and_sync, interleave, load_average, paired, where  # noqa: E402

PROMPT = "The standard library of Python comes with a module for"


def small_shaped(device):
    """(LoadedModel, pipeline) over one random GPT-2-small-shaped model, float32."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, pipeline

    from playground import config as cfg
    from playground.text.corpus import stdlib_corpus
    from playground.precision import resolve
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
                         device=device, precision=resolve("float32", device))
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
    parser.add_argument("--out", default=None, help="also write the markdown table to this file")
    add_arguments(parser)
    args = parser.parse_args(argv)

    import torch

    from playground import config as cfg
    from playground.text.generate import GenerationConfig

    device, sync = device_and_sync(args)
    loaded, pipe = small_shaped(device)
    config = cfg.build(GenerationConfig, {"greedy": True, "max_new_tokens": args.new_tokens})
    ours_sides = {"ours, float32 (streaming)": loaded}
    refused = {}
    for name in args.precisions.split(","):
        other = converted(loaded, name)
        if isinstance(other, str):
            refused[name] = other
        else:
            ours_sides[f"ours, {other.precision.describe()} (streaming)"] = other
    warm = {side: ours(model, config) for side, model in ours_sides.items()}
    warm_theirs = theirs(pipe, args.new_tokens)
    warm_ours = warm["ours, float32 (streaming)"]
    assert warm_ours["text"] == warm_theirs["text"], "our text and the pipeline's differ"
    assert warm_ours["tokens"] == pipeline_token_count(pipe, args.new_tokens) == args.new_tokens, "one stopped early"
    work = {**{side: (lambda m=model: ours(m, config)) for side, model in ours_sides.items()},
            "pipeline, float32": lambda: theirs(pipe, args.new_tokens),
            "pipeline, 1 token": lambda: theirs(pipe, 1)}
    began = load_average()
    runs = {side: [timed.result for timed in calls] for side, calls in interleave(args.runs, work, sync).items()}

    def rates(side):
        return [r["tokens"] / r["total"] for r in runs[side]]

    def median(side, key):
        return statistics.median(r[key] for r in runs[side])

    def ratio(side):
        """Run-by-run ratio to the pipeline run in the same round: the pair saw the same background load."""
        return paired(rates(side), rates("pipeline, float32"))

    lines = [f"GPT-2-small-shaped model (random weights, {loaded.parameters / 1e6:.1f} M parameters), greedy, "
             f"{len(loaded.tokenizer(PROMPT)['input_ids'])}-token prompt, {args.new_tokens} new tokens, {where(device)}, "
             f"torch {torch.__version__}, {args.runs} interleaved runs per side (median, min - max)", "",
             "| | tokens/s | min - max | ours / pipeline float32 (paired runs) | time to first token (s) | "
             "total (s) | CPU (s) | text identical to float32's |", "|---|---|---|---|---|---|---|---|"]
    for side in [*ours_sides, "pipeline, float32"]:
        first = f"{median(side, 'first'):.3f}" + (" (nothing shown before the end)" if side.startswith("pipeline")
                                                   else "")
        same = warm.get(side, warm_theirs)["text"] == warm_ours["text"]
        lines.append(f"| {side} | {statistics.median(rates(side)):.2f} | {min(rates(side)):.2f} - "
                     f"{max(rates(side)):.2f} | {ratio(side):.2f}x | {first} | {median(side, 'total'):.3f} | "
                     f"{median(side, 'cpu'):.3f} | {'yes' if same else 'no'} |")
    lines.append(f"| pipeline, 1 token | | | | {median('pipeline, 1 token', 'total'):.3f} (a 1-token call) | | | |")
    lines += [""] + [f"{name}: refused for this model ({reason})" for name, reason in refused.items()]
    best = max(ours_sides, key=ratio)
    lines += ["", f"fastest of ours: {best}, **{ratio(best):.2f}x** the float32 pipeline's tokens/s (paired runs); "
                  f"first token visible after {median(best, 'first') / median('pipeline, float32', 'first'):.1%} "
                  f"of the pipeline's wait. Load average "
                  f"{began} before, {load_average()} after."]
    table = "\n".join(lines)
    print("\n" + table)
    if args.out:
        Path(args.out).write_text(table + "\n")
    return {"ratio": {side: ratio(side) for side in ours_sides},
            "tokens_per_second": {side: statistics.median(rates(side)) for side in runs}}


if __name__ == "__main__":
    main()
