"""Sides of a speed benchmark run turn by turn, and ratios taken pair by pair: what a shared machine allows.

bench_generation.py and bench_speech.py both time several sides (ours in each
precision, the transformers pipeline) on one busy CPU. Run all of side A, then
all of side B, and a burst of someone else's work lands on one side only;
alternate them round by round and every round's sides see about the same
load, so the ratio of the two runs in one round cancels most of it. This file
is that loop, the model conversion both do per precision, and the paired
ratio; harness.py keeps the older seconds-only variant for bench_training.
"""

import copy
import dataclasses
import os
import statistics
import time


@dataclasses.dataclass
class Timed:
    """One call of one side: wall seconds, this process's CPU seconds (less bent by other programs), its result."""

    wall: float
    cpu: float
    result: object


def interleave(runs: int, work: dict, sync=lambda: None) -> dict[str, list[Timed]]:
    """Call each side of `work` (name -> zero-argument function) once per round, `runs` rounds, in order."""
    timed = {side: [] for side in work}
    for _ in range(runs):
        for side, fn in work.items():
            sync()
            wall, cpu = time.perf_counter(), time.process_time()
            result = fn()
            sync()
            timed[side].append(Timed(time.perf_counter() - wall, time.process_time() - cpu, result))
    return timed


def paired(numerators: list[float], denominators: list[float]) -> float:
    """Median of the round-by-round ratios (each pair saw the same background load)."""
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def converted(holder, name: str, prepare=None):
    """A copy of `holder` (a LoadedModel or Recognizer) with its model converted the way the app converts it
    (`prepare(choice, model, device)`, by default the format's own from playground/precision.py; speech passes
    playground.speech.recognize.prepare), or the one-sentence refusal when that format can't run it."""
    from playground.errors import UserError
    from playground.precision import resolve

    choice = resolve(name, holder.device)
    prepare = prepare or (lambda choice, model, device: choice.precision.prepare(model, device))
    try:
        model = prepare(choice, copy.deepcopy(holder.model), holder.device)
    except UserError as refused:
        return str(refused)
    return dataclasses.replace(holder, model=model, precision=choice)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for saying how shared the machine was."""
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def add_arguments(parser, precisions: str = "bfloat16,int8") -> None:
    """The flags every paired benchmark takes: rounds, device, CPU threads, the precisions of ours to time."""
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side, after one warm-up each")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--precisions", default=precisions, help="ours in these precisions besides float32")


def device_and_sync(args):
    """(the torch device `--device` names, the function that waits for it) after applying `--threads`."""
    import torch

    from playground.device import pick_device

    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    return device, (torch.cuda.synchronize if device.type == "cuda" else (lambda: None))


def where(device) -> str:
    """What the sides ran on, for a table's caption."""
    import torch

    return torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu, {torch.get_num_threads()} threads"
