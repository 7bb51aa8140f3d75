"""Does "same seed, same result" hold while another visitor trains with dropout?

Three checks, each first alone and then beside a "visitor" thread that keeps
training an MLP with dropout 0.5 (the load that broke seeds in issue 12):

- text: two sampled generations with seed 7 at once, twice (4 in all), from a
  tiny GPT-2 (tests/tiny_gpt2.py, loaded through from_pretrained); each is
  compared with the text the same request gave alone;
- train: two Train runs with seed 0 and dropout 0.3 at once; each history and
  final weights compared with the run done alone;
- gan: two one-epoch GAN runs with seed 0 at once, then a sample each;
  compared with the sample of the run done alone.

Prints one JSON line per check: matches out of tries, alone and under load.
`--checks speed` times what the fix costs: a sampled generation of 40 tokens
from a GPT-2-small-shaped model (random weights, 124M parameters) seeded
globally, through generate.py's own last logits processor, and inside
`randomness.drawing_from`; interleaved, median of 5 each.

    python benchmarks/measure_seeds.py [--checks text,train,gan,speed]
"""

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def dropout_visitor(stop: threading.Event, training: threading.Event) -> None:
    """Another visitor's Train run with dropout, started again until told to stop; `training` once it steps."""
    from playground.training.run import Run

    while not stop.is_set():
        run = Run("mlp", "moons", model_settings={"dropout": 0.5, "width": 256},
                  train_settings={"epochs": 200, "seed": 1, "batch_size": 16})
        for _ in run.events(stop):
            training.set()


def at_once(task, count: int) -> list:
    """`count` calls of `task` in threads started together; their results in order."""
    results = [None] * count

    def call(index):
        results[index] = task()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def matches(task, reference_of, rounds: int, parallel: int, load: bool) -> int:
    stop, training = threading.Event(), threading.Event()
    visitor = threading.Thread(target=dropout_visitor, args=(stop, training), daemon=True) if load else None
    if visitor:
        visitor.start()
        training.wait()
    try:
        return sum(reference_of(result) for _ in range(rounds) for result in at_once(task, parallel))
    finally:
        stop.set()
        if visitor:
            visitor.join()


def check_text() -> dict:
    from playground.text.generate import GenerationConfig, generate_text
    from playground.text.loading import load_model
    from tests.tiny_gpt2 import build_tiny_gpt2

    folder = build_tiny_gpt2(Path(tempfile.mkdtemp()) / "tiny-gpt2", layers=4, width=64)
    loaded = load_model(str(folder), device="cpu")
    config = GenerationConfig(seed=7, max_new_tokens=48, temperature=1.0, top_k=0, top_p=1.0)

    def task():
        return generate_text(loaded, "the cat", config)["text"]

    solo = task()
    same = lambda text: text == solo  # noqa: E731
    return {"check": "text", "tries": 4, "alone": matches(task, same, 2, 2, load=False),
            "under_load": matches(task, same, 2, 2, load=True)}


def check_train() -> dict:
    from playground.training.run import Run

    def task():
        run = Run("mlp", "moons", model_settings={"dropout": 0.3}, train_settings={"epochs": 5, "seed": 0})
        for _ in run.events():
            pass
        history = [{k: v for k, v in row.items() if k != "seconds"} for row in run.history]
        return history, {k: v.clone() for k, v in run.model.state_dict().items()}

    solo_history, solo_weights = task()

    def same(result):
        history, weights = result
        return history == solo_history and all((weights[k] == v).all().item() for k, v in solo_weights.items())

    return {"check": "train", "tries": 2, "alone": matches(task, same, 1, 2, load=False),
            "under_load": matches(task, same, 1, 2, load=True)}


def check_gan() -> dict:
    from playground.generative.judge import get_judge
    from playground.generative.run import GanRun

    get_judge("digits")  # trained once and cached, before anyone races

    def task():
        run = GanRun("digits", settings={"epochs": 1, "seed": 0, "device": "cpu"})
        for _ in run.events():
            pass
        return run.sample_images(seed=3, count=20)

    solo = task()
    same = lambda images: bool((images == solo).all())  # noqa: E731
    return {"check": "gan", "tries": 2, "alone": matches(task, same, 1, 2, load=False),
            "under_load": matches(task, same, 1, 2, load=True)}


def check_speed(runs: int = 5) -> dict:
    """Seconds for one sampled generation: transformers seeded globally (before), our last logits processor
    drawing from the request's generator (what generate.py does), and drawing_from (beam sampling's way)."""
    import statistics
    import time

    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    from playground.randomness import drawing_from, seeded
    from playground.text.generate import DrawNextToken

    model = GPT2LMHeadModel(GPT2Config()).eval()
    prompt = torch.tensor([[464, 2068, 7586, 21831]])
    common = dict(do_sample=True, max_new_tokens=40, min_new_tokens=40, pad_token_id=50256)
    warped = dict(temperature=0.8, top_k=50, top_p=0.95)

    def global_seed():
        torch.manual_seed(7)
        return model.generate(prompt, **common, **warped)

    def processor():
        processors = [TemperatureLogitsWarper(0.8), TopKLogitsWarper(50), TopPLogitsWarper(0.95),
                      DrawNextToken(seeded(7))]
        return model.generate(prompt, **common, temperature=1.0, top_k=0, top_p=1.0, logits_processor=processors)

    def mode():
        with drawing_from(seeded(7)):
            return model.generate(prompt, **common, **warped)

    calls = {"global_seed": global_seed, "processor": processor, "drawing_from": mode}
    times = {name: [] for name in calls}
    with torch.inference_mode():
        outputs = [call() for call in calls.values()]  # also warms up
        for _ in range(runs):
            for name, call in calls.items():
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"check": "speed", "same_tokens": all(torch.equal(outputs[0], out) for out in outputs),
            **{f"{name}_s": round(value, 3) for name, value in medians.items()},
            "processor_ratio": round(medians["processor"] / medians["global_seed"], 3),
            "drawing_from_ratio": round(medians["drawing_from"] / medians["global_seed"], 3), "runs": runs}


CHECKS = {"text": check_text, "train": check_train, "gan": check_gan, "speed": check_speed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", default="text,train,gan")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    for name in args.checks.split(","):
        print(json.dumps(CHECKS[name]()), flush=True)


if __name__ == "__main__":
    main()
