"""How many hostile values get no sentence, and how much log they write (issue 12, finding 2).

Starts `python app.py` from `--app-root` (this checkout by default; point it
at another checkout to measure the "before") with a 0.5 s job-time limit, sends
every bad value of tests/fuzz_inputs.py to every public endpoint, then counts
the answers by kind, the longest message, and the bytes and tracebacks the
server wrote to its log. Last, a normal call must still succeed.

    python benchmarks/fuzz_refusals.py [--app-root /work/main] [--workers 4] [--show 30]
"""

import argparse
import collections
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz_inputs import SMALL_LIMITS, call, endpoints, fuzz  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-root", default=str(ROOT))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated endpoints to fuzz (default: all)")
    parser.add_argument("--small-limits", action="store_true",
                        help="the test's limits (no job trains), instead of real 0.5 s jobs")
    parser.add_argument("--show", type=int, default=40, help="list this many silent or long answers")
    args = parser.parse_args()

    from gradio_client import Client

    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="fuzz-app-", suffix=".log", delete=False)
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "PLAYGROUND_HOST": "127.0.0.1", "PLAYGROUND_WARM_UP": "0",
           "PLAYGROUND_MAX_JOB_SECONDS": "0.5", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "OMP_NUM_THREADS": "1", "PLAYGROUND_OUTPUT_DIR": tempfile.mkdtemp(prefix="fuzz-outputs-"),
           "PYTHONUNBUFFERED": "1", **(SMALL_LIMITS if args.small_limits else {})}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=args.app_root, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                client = Client(url, verbose=False)
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit(f"the app did not start; see {log.name}")
        started_bytes = Path(log.name).stat().st_size
        started = time.perf_counter()
        api = endpoints(client)
        if args.only:
            api = {name: api[name] for name in args.only.split(",")}
        answers = fuzz(url, api, workers=args.workers)
        seconds = time.perf_counter() - started
        alive = call(url, "/system", [])
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = Path(log.name).read_text(errors="replace")[started_bytes:]
    kinds = collections.Counter(answer.kind for answer in answers)
    print(f"app: {args.app_root}  calls: {len(answers)}  in {seconds:.0f} s  ({args.workers} workers)")
    print("answers: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    print(f"no sentence (silent + broken): {kinds['silent'] + kinds['broken']}   over {300} chars: {kinds['long']}")
    print(f"longest message: {max((len(a.message) for a in answers), default=0)} chars (cut at 300 when judged)")
    print(f"log: {len(text.encode()):,} bytes, {text.count('Traceback (most recent call last)')} tracebacks "
          f"({log.name})")
    print(f"normal call after: {alive[0]}")
    per_endpoint = collections.Counter()
    for answer in answers:
        per_endpoint[answer.endpoint] += answer.seconds
    print("seconds per endpoint (summed over calls): " + ", ".join(
        f"{name} {seconds:.0f}" for name, seconds in per_endpoint.most_common()))
    for answer in [a for a in answers if a.kind in ("silent", "long", "broken")][:args.show]:
        print(f"  {answer.kind} {answer.endpoint} {answer.parameter} {answer.label}: {answer.message[:100]!r}")


if __name__ == "__main__":
    main()
