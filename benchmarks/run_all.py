"""Every benchmark in one command; the results go to benchmarks/RESULTS.md with the machine described.

Each benchmark is a script of its own (runnable alone); this runs them one
after another in fresh processes and collects what they print.

    python benchmarks/run_all.py [--quick] [--only training,app,generation,speech,sweep_smart,quality,refusals]
"""

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# name: (script, arguments, arguments with --quick)
BENCHMARKS = {
    "training": ("bench_training.py", ["--runs", "5"], ["--runs", "3"]),
    "app": ("bench_app.py", ["--runs", "3"], ["--runs", "2"]),
    "generation": ("bench_generation.py", ["--runs", "5"], ["--runs", "3", "--new-tokens", "32"]),
    "speech": ("bench_speech.py", ["--runs", "5"], ["--runs", "3"]),
    "quality": ("bench_quality.py", [], ["--gpt-steps", "100", "--ctc-steps", "100"]),
    "sweep_smart": ("bench_sweep_smart.py", ["--seeds", "5", "--runs", "20"], ["--seeds", "2", "--runs", "10"]),
    "refusals": ("fuzz_refusals.py", [], ["--small-limits"]),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke test, not figures to quote")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)

    from harness import machine

    sections = [f"# Benchmark results\n\nMeasured {datetime.date.today()} on: {machine()}.\n\n"
                "Each figure is the median of several interleaved runs with (min–max); a figure whose runs "
                "disagree by more than 1.5x is shown as unstable instead of a number.\n"]
    failed = []
    for name in args.only.split(","):
        script, full, quick = BENCHMARKS[name]
        print(f"== {name}", file=sys.stderr, flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *(quick if args.quick else full)],
                                capture_output=True, text=True, cwd=HERE.parent)
        if result.returncode != 0:
            failed.append(name)
            sections.append(f"## {name}\n\nfailed:\n\n```\n{result.stderr[-2000:]}\n```\n")
        else:
            sections.append(f"## {name}\n\n`python benchmarks/{script} {' '.join(quick if args.quick else full)}`"
                            f"\n\n{result.stdout.strip()}\n")
    Path(args.out).write_text("\n".join(sections))
    print(f"wrote {args.out}" + (f"; failed: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
