"""Memory and time of hostile uploads: the one-pixel zip bomb, a zip of huge images, a 1,000,000-row CSV.

Each case runs in a fresh child process (`python -c`), started in the source tree
given by `--repo` (so the same script measures `main` before a change and a
branch after it), with the app's limits enforced as `app.py` enforces them. The
child prints its resident memory after imports (baseline), its peak
(VmHWM in /proc/self/status) and what it still holds after the upload
was filed for a visitor (VmRSS from /proc), plus the wall time and the sentence
it was refused with, if any. The parent watches the child and kills it when its
resident memory passes `--cap-gb`, or when the machine has under 2 GB
available, so measuring the old code can't take a shared machine down; such a
run reports "killed above N GB".

    python benchmarks/measure_uploads.py [--repo PATH] [--baseline PATH] [--cases bomb,huge,csv] [--runs N]
                                         [--cap-gb 12]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())

def rss_mb(field="VmRSS"):  # VmHWM: the peak (ru_maxrss would include the forking parent's)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024

import numpy, torch, pandas, PIL.Image, sklearn.model_selection  # the imports every case pays for anyway
from playground import limits
from playground.data import registry
from playground.data.uploads import register_upload
from playground.errors import UserError
limits.enforce(True)
kind, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
baseline = rss_mb()
started = time.perf_counter()
refused = None
try:
    if kind == "csv":
        from playground.data.csv_table import read_table
        read_table(path)
    else:
        from playground.data.image_folders import image_dataset
        splits, description = image_dataset(path, size)
        register_upload(splits, description, session="bench")
        del splits
except UserError as error:
    refused = str(error)
seconds = time.perf_counter() - started
peak = rss_mb("VmHWM")
print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "held_mb": rss_mb(), "seconds": seconds,
                  "refused": refused}))
"""


def bomb_zip(path: Path, images: int = 19_999, classes: int = 10) -> Path:
    """`images` one-pixel RGB PNGs in `classes` folders: a few MB that a naive loader blows up to gigabytes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 30, 30)).save(buffer, format="PNG")
    pixel = buffer.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(images):
            archive.writestr(f"class{index % classes}/{index}.png", pixel)
    return path


def huge_zip(path: Path, images: int = 100, side: int = 6000, classes: int = 10) -> Path:
    """`images` flat grey side x side PNGs (each compresses to ~45 KB, decodes to side² bytes)."""
    import io

    from PIL import Image

    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(images):
            buffer = io.BytesIO()
            Image.new("L", (side, side), 40 + index).save(buffer, format="PNG")
            archive.writestr(f"class{index % classes}/{index}.png", buffer.getvalue())
    return path


def big_csv(path: Path, rows: int = 1_000_000) -> Path:
    """Two small integer columns and a target: about 8 bytes a row, so a million rows pass the 20 MB upload limit."""
    with open(path, "w") as handle:
        handle.write("a,b,label\n")
        handle.writelines(f"{i % 10},{i % 7},{i % 2}\n" for i in range(rows))
    return path


def measure(repo: Path, kind: str, path: Path, size: int, cap_gb: float) -> dict:
    """Run one case in a child process in `repo`, killing it above `cap_gb` of resident memory."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path), str(size)], cwd=repo, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    highest = 0.0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            rss = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS:")) / 2**20
            available = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemAvailable:")) / 2**20
        except (OSError, StopIteration):
            rss, available = 0.0, 99.0
        highest = max(highest, rss)
        if rss > cap_gb or available < 2.0:
            child.kill()
            child.wait()
            return {"killed_above_gb": round(highest, 1)}
        time.sleep(0.05)
    out, err = child.communicate()
    if child.returncode != 0:
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {child.returncode}"}
    return json.loads(out.strip().splitlines()[-1])


def show(name: str, result: dict) -> str:
    if "killed_above_gb" in result:
        return f"{name}: killed above {result['killed_above_gb']} GB resident (the cap)"
    if "error" in result:
        return f"{name}: failed ({result['error']})"
    peak, held = result["peak_mb"] - result["baseline_mb"], result["held_mb"] - result["baseline_mb"]
    verdict = f"refused: {result['refused']}" if result["refused"] else "accepted"
    return (f"{name}: peak +{peak:,.0f} MB, held +{held:,.0f} MB, {result['seconds']:.2f} s; {verdict}")


def median_result(results: list[dict]) -> dict:
    """The run with the median time (memory barely moves between runs; time does on a shared machine)."""
    if any("peak_mb" not in r for r in results):
        return results[0]
    ranked = sorted(results, key=lambda r: r["seconds"])
    return {**ranked[len(ranked) // 2], "all_seconds": [round(r["seconds"], 2) for r in results]}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=ROOT, help="source tree to measure (default: this one)")
    parser.add_argument("--baseline", type=Path, help="a second source tree (main before the change), measured "
                                                      "run by run in turn with --repo so load hits both alike")
    parser.add_argument("--cases", default="bomb,huge,csv")
    parser.add_argument("--runs", type=int, default=1, help="runs per case and tree; the median time is shown")
    parser.add_argument("--cap-gb", type=float, default=12.0, help="kill a child whose resident memory passes this")
    args = parser.parse_args(argv)
    cases = {
        "bomb": ("19,999 one-pixel PNGs, size 128", "image", bomb_zip, "bomb.zip", 128),
        "huge": ("100 grey 6000x6000 PNGs, size 128", "image", huge_zip, "huge.zip", 128),
        "csv": ("1,000,000-row CSV", "csv", big_csv, "rows.csv", 0),
    }
    trees = {"this": args.repo.resolve(), **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    print(" ".join(f"{name}: {tree}" for name, tree in trees.items()))
    with tempfile.TemporaryDirectory() as folder:
        for key in args.cases.split(","):
            name, kind, build, file_name, size = cases[key]
            path = build(Path(folder) / file_name)
            name = f"{name} ({path.stat().st_size / 2**20:.1f} MB file)"
            results = {tree: [] for tree in trees}
            for _ in range(args.runs):
                for tree, repo in trees.items():
                    results[tree].append(measure(repo, kind, path, size, args.cap_gb))
            for tree, runs in results.items():
                result = median_result(runs)
                seconds = f" (runs: {result['all_seconds']} s)" if args.runs > 1 and "all_seconds" in result else ""
                print(f"[{tree}] " + show(name, result) + seconds, flush=True)


if __name__ == "__main__":
    main()
