"""Which way does a trained Transformer follow the pointer? Over seeds, per setting.

`pointer`: step 0 holds a position p and the label is the digit at step p. A
2-layer encoder can follow it two ways. Last-layer route: in layer 1 [CLS]
reads step 0 (it learns p), in layer 2 [CLS] looks at step p. First-layer
route: in layer 1 the pointer step looks at step p itself (its own token is
p), in layer 2 [CLS] reads step 0. Both score 1.00; only the first shows what
issue 14 asks to see (a last-layer head putting [CLS]'s largest share on the
pointed step). For each seed this trains with the dataset's suggested
training settings and prints, on the held-out split, the test accuracy and
the share of sequences where some last-layer head's [CLS] attention peaks on
step p (`last_layer`) and where some first-layer head's pointer-step attention
does (`first_layer`). `--position-std` redraws learned positions at that
scale before training: the test of why the route changes.

    python benchmarks/measure_pointer_route.py --seeds 10 --positions learned
    python benchmarks/measure_pointer_route.py --seeds 10 --positions sinusoidal
    python benchmarks/measure_pointer_route.py --seeds 3 --positions learned --position-std 1.0
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(seed: int, positions: str, position_std: float | None, warmup: float) -> dict:
    import torch

    from playground.data import get_dataset
    from playground.inspect.attention import heads_looking_at
    from playground.training.run import Run

    suggested = get_dataset("pointer").suggested
    run = Run("transformer", "pointer", model_settings={**suggested.get("model_settings", {}), "positions": positions},
              train_settings={**suggested["train_settings"], "seed": seed, "warmup": warmup})
    if position_std is not None:
        table, drawn = run.model.positions.table, torch.Generator().manual_seed(seed)
        torch.nn.init.normal_(table, std=position_std, generator=drawn)
    started = time.perf_counter()
    list(run.events())
    x = run.splits.x_test
    pointed = x[:, 0].argmax(1) + 1  # token index of step p ([CLS] is token 0)
    last = heads_looking_at(run.model, x, pointed, layer=-1, query=0).float().mean().item()
    first = heads_looking_at(run.model, x, pointed, layer=0, query=1).float().mean().item()
    return {"seed": seed, "positions": positions, "position_std": position_std, "warmup": warmup,
            "test_accuracy": round(run.summary["test_accuracy"], 3), "last_layer": round(last, 3),
            "first_layer": round(first, 3), "seconds": round(time.perf_counter() - started, 1)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. N-1")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--positions", choices=["learned", "sinusoidal"], default="sinusoidal")
    parser.add_argument("--position-std", type=float, default=None, help="learned only: redraw the table at this std")
    parser.add_argument("--warmup", type=float, default=0.0, help="warm-up epochs")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rows = [measure(seed, args.positions, args.position_std, args.warmup)
            for seed in range(args.first_seed, args.first_seed + args.seeds)]
    for row in rows:
        print(json.dumps(row))
    routed = sum(row["last_layer"] >= 0.8 for row in rows)
    print(json.dumps({"seeds": len(rows), "last_layer_route": routed,
                      "min_test_accuracy": min(row["test_accuracy"] for row in rows)}))


if __name__ == "__main__":
    main()
