"""The app as a user meets it: start time, memory, and what the UI costs on top of the package.

1. Seconds from `python app.py` to the first HTTP 200, and its resident memory when idle.
2. UI overhead: one training run through the app's API (streaming curves to a
   gradio_client) against the same run called directly in this process.

    python benchmarks/bench_app.py [--runs 3]
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Figure, alternate, ratio  # noqa: E402

SETTINGS = {"epochs": 40}  # MLP on classification: a few seconds, like a user's first run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app() -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < 120:
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return process, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the app did not answer within 120 s")


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    starts, idle = [], []
    for _ in range(args.runs):
        process, url, seconds = start_app()
        time.sleep(20)  # idle, after the background warm-up has loaded torch (PLAYGROUND_WARM_UP)
        starts.append(seconds)
        idle.append(rss_mb(process.pid))
        process.kill()
        process.wait()

    from gradio_client import Client

    from playground.training.run import Run
    from playground.ui.train_tab import TRAIN_FIELDS, default_values

    process, url, _ = start_app()
    try:
        client = Client(url, verbose=False)
        values = default_values()
        values[len(values) - len(TRAIN_FIELDS) + TRAIN_FIELDS.index("epochs")] = SETTINGS["epochs"]

        def through_app():
            client.predict("classification", 0.2, "mlp", *values, api_name="/train")

        def direct():
            list(Run("mlp", "classification", train_settings=SETTINGS).events())

        through_app(), direct()  # warm-up
        seconds = alternate(args.runs, app=through_app, direct=direct)
        after_training = rss_mb(process.pid)
    finally:
        process.kill()
    overhead = ratio(seconds["app"], seconds["direct"])
    lines = [f"### App (median (min–max) of {args.runs} runs)", "",
             "| figure | value |", "| --- | --- |",
             f"| start: `python app.py` to first HTTP 200 (s) | {Figure(starts).show('{:.2f}')} |",
             f"| resident memory when idle, 20 s after start, torch loaded in the background (MB) | {Figure(idle).show('{:.0f}')} |",
             f"| resident memory after a Train-tab run (MB) | {after_training:.0f} |",
             f"| training run through the app's API, streaming (s) | {seconds['app'].show('{:.2f}')} |",
             f"| the same run calling the package (s) | {seconds['direct'].show('{:.2f}')} |",
             f"| UI overhead (app / direct) | {overhead.show('{:.2f}x')} |"]
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
