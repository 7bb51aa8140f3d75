"""What the disk keeps: a 200 MB upload at the upload route, and the folders left after N Train runs.

Starts `python app.py` from a checkout (this one, or another with --root, e.g. an older commit to compare)
in its own process with its own outputs and Gradio folders and a short keep time, then:
1. POSTs a 200 MB file to /gradio_api/upload and says what came back and what was stored;
2. runs N Train jobs (/train, moons, 2 epochs) and counts the entries in both folders right after and then
   every 10 s for a few minutes (the sweeper looks every minute; nothing touched within
   PLAYGROUND_MAX_JOB_SECONDS + 60 s is deleted).

    .venv/bin/python benchmarks/disk_check.py --runs 10 [--root /path/to/other/checkout]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(folder: Path) -> tuple[int, float]:
    entries = list(folder.iterdir()) if folder.is_dir() else []
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return len(entries), size / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout whose app.py to start")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--watch", type=float, default=200, help="seconds to watch the folders after the runs")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="disk-check-"))
    outputs, gradio_dir = base / "outputs", base / "gradio"
    port = free_port()
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "PLAYGROUND_WARM_UP": "0", "GRADIO_ANALYTICS_ENABLED": "False",
           "PLAYGROUND_OUTPUT_DIR": str(outputs), "GRADIO_TEMP_DIR": str(gradio_dir),
           "PLAYGROUND_KEEP_FILES_HOURS": "0.005", "PLAYGROUND_MAX_JOB_SECONDS": "10", "OMP_NUM_THREADS": "1"}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=args.root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(url + "/config", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        print(f"app from {args.root}; folders under {base}")

        started = time.perf_counter()
        try:
            answer = httpx.post(url + "/gradio_api/upload", timeout=300,
                                files={"files": ("big.bin", b"\0" * (200 * 2**20), "application/octet-stream")})
            reply = f"{answer.status_code} {answer.text[:200]!r}"
        except httpx.HTTPError as error:
            reply = f"connection ended: {error!r}"
        entries, mb = count(gradio_dir)
        print(f"200 MB upload: {reply} in {time.perf_counter() - started:.1f} s; Gradio folder holds {mb:.1f} MB")

        sys.path.insert(0, str(HERE))
        from gradio_client import Client

        from tests.app_inputs import train_inputs

        client = Client(url, verbose=False)
        for _ in range(args.runs):
            client.predict(*train_inputs("moons", epochs=2), api_name="/train")
        finished = time.monotonic()
        while True:
            out_entries, out_mb = count(outputs)
            cache_entries, cache_mb = count(gradio_dir)
            print(f"{time.monotonic() - finished:5.0f} s after {args.runs} runs: outputs {out_entries} entries "
                  f"({out_mb:.2f} MB), Gradio folder {cache_entries} entries ({cache_mb:.2f} MB)", flush=True)
            if time.monotonic() - finished > args.watch:
                break
            time.sleep(10)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
