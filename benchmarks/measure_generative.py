"""The numbers behind the GAN and VAE defaults: judge scores, reconstruction error, seconds per epoch.

Each case trains from scratch through the same `GanRun` / `VaeRun` as the CLI
and the tabs, and prints one JSON line: the summary metrics plus wall seconds
and CPU seconds per epoch (CPU time is the fairer clock on a shared machine).

    python benchmarks/measure_generative.py [--cases gan-default,gan-classic,...] [--seeds 0,1,2] [--threads N]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# name -> (kind, dataset, preset, settings)
CASES = {
    "gan-default": ("gan", "digits", "conditional", {}),
    "gan-dcgan": ("gan", "digits", "dcgan", {}),
    "gan-classic": ("gan", "digits", "classic", {}),
    "gan-shapes": ("gan", "shapes", "conditional", {}),
    "vae-default": ("vae", "digits", "vae", {}),
    "vae-latent8": ("vae", "digits", "vae", {"latent_dim": 8}),
    "autoencoder": ("vae", "digits", "autoencoder", {}),
    "conv-vae": ("vae", "digits", "conv-vae", {}),
}
KEEP = ["status", "epochs_run", "sample_confidence", "class_coverage", "class_counts", "conditional_accuracy",
        "judge_test_accuracy", "test_recon_mse", "baseline_mse", "test_kl", "latent_knn_accuracy"]


def measure(name: str, seed: int) -> dict:
    import torch

    from playground.generative.run import GanRun
    from playground.generative.vae_run import VaeRun
    from playground.generative.judge import get_judge

    kind, dataset, preset, settings = CASES[name]
    run_class = GanRun if kind == "gan" else VaeRun
    run = run_class(dataset, settings={**settings, "seed": seed}, preset=preset)
    if kind == "gan":
        get_judge(dataset)  # trained (or loaded) before the clock starts
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in run.events():
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    epochs = max(1, run.summary["epochs_run"])
    return {"case": name, "seed": seed, "preset": preset, "dataset": dataset, "threads": torch.get_num_threads(),
            **{k: run.summary[k] for k in KEEP if k in run.summary},
            "wall_s_per_epoch": round(wall / epochs, 3), "cpu_s_per_epoch": round(cpu / epochs, 3),
            "load_average": round(os.getloadavg()[0], 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated: {', '.join(CASES)}")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    for name in args.cases.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            print(json.dumps(measure(name, seed)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
