"""The app as a user meets it: start time, memory, and what the UI costs on top of the package.

1. Seconds from `python app.py` to the first HTTP 200, and its resident memory when idle.
2. UI overhead: a training run through the app's API against the same run called directly in this process,
   for the default moons run and a 10-epoch CNN on digits, by two routes: a gradio_client (the API user's)
   and the page's own (queue_client.py: one kept-alive connection, the stream read as it arrives, as the
   browser's JavaScript client does); and, interleaved with them, Gradio's own round trip for a call that
   does nothing (benchmarks/empty_app.py) by both routes: the floor any app pays, which bounds the ratio a
   short run can reach.
3. Liveness: a run of 3 s or more through the API: updates per second, and the distinct epochs its status
   showed on the way.
4. In Chromium: seconds from the Train click to the first curve point drawn on the page.
5. Memory: resident memory after 200 visitors came, trained and left, against the level after the first.

    python benchmarks/bench_app.py [--runs 3] [--visitors 200] [--only start,overhead,live,browser,memory]
                                   [--repo DIR]

`--repo DIR` (a checkout of the code before a change) starts that app too and measures it interleaved with
this one, call by call (overhead, browser) or visitor by visitor (memory), so the load of a shared machine
falls on both alike: each figure then has a "before" row.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Figure, alternate, ratio  # noqa: E402
from queue_client import QueueClient  # noqa: E402

RUNS = {"default moons run (MLP, 20 epochs)": ({"dataset": "moons", "model": "mlp"}, ("mlp", "moons", {})),
        "10-epoch CNN on digits": ({"dataset": "digits", "model": "cnn", "epochs": 10},
                                   ("cnn", "digits", {"epochs": 10}))}
LIVE_RUN = {"dataset": "digits", "model": "cnn", "epochs": 80}  # 3-5 s on this CPU (the epoch limit is 200)
FIRST_POINT_JS = """async () => {
    const train = [...document.querySelectorAll('#tab-train button')].find(b => b.innerText.trim() === 'Train');
    const drawn = () => { const plot = document.querySelector('#train-curves .js-plotly-plot');
        return plot && plot.data && plot.data.some(t => t.x && t.x.length > 0 && t.name === 'train'); };
    // the page's own opening work first (its page-load hooks land for seconds on a loaded machine): wait until
    // its main thread has been free for 0.5 s, so the figure is the click's, not the tail of the page opening
    for (let free = 0, waited = 0; free < 25 && waited < 30000; ) {
        const asked = performance.now();
        await new Promise(r => setTimeout(r, 10));
        const took = performance.now() - asked;
        waited += took; free = took < 40 ? free + 1 : 0;
    }
    const started = performance.now();
    train.click();
    while (!drawn()) { await new Promise(r => requestAnimationFrame(r)); }
    return (performance.now() - started) / 1000;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(root: Path = ROOT, script: str = "app.py", **env) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           **env}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, script], cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < 300:  # a shared machine under load can take minutes
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return process, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the app did not answer within 300 s")


def stop_app(process) -> None:
    process.kill()
    process.wait()


def start_figures(runs: int) -> list[str]:
    starts, idle = [], []
    for _ in range(runs):
        process, url, seconds = start_app()
        time.sleep(20)  # idle, after the background warm-up has loaded torch (PLAYGROUND_WARM_UP)
        starts.append(seconds)
        idle.append(rss_mb(process.pid))
        stop_app(process)
    return [f"| start: `python app.py` to first HTTP 200 (s) | {Figure(starts).show('{:.2f}')} |",
            f"| resident memory when idle, 20 s after start, torch loaded in the background (MB) | "
            f"{Figure(idle).show('{:.0f}')} |"]


def overhead_figures(urls: dict[str, str], runs: int, empty_url: str) -> list[str]:
    """Each run through every app (`urls`: label -> url), once with gradio_client fetching the result's files
    (its default: the three downloads, fetched twice, one new HTTPS-ready client each) and once without (the
    app's own time: what a browser waits for), interleaved with the same run called directly and with the two
    endpoints of an app that does nothing (`empty_url`: Gradio's floor)."""
    from gradio_client import Client

    import torch

    from playground.training.run import Run
    from playground.ui.launch import threads_per_job

    torch.set_num_threads(threads_per_job())  # the threads the app gives a job (app.py sets OMP_NUM_THREADS)
    clients = {(label, files): Client(url, verbose=False, **({} if files else {"download_files": False}))
               for label, url in urls.items() for files in (False, True)}
    pages = {label: QueueClient(url) for label, url in urls.items()}  # the browser's route
    empty, empty_page = Client(empty_url, verbose=False, download_files=False), QueueClient(empty_url)
    floor = {"empty once": lambda: empty.predict("x", api_name="/once"),
             "empty stream": lambda: empty.predict("x", api_name="/stream"),
             "empty stream|page": lambda: empty_page.predict("/stream", text="x")}
    lines = []
    for name, (api, (model, dataset, settings)) in RUNS.items():
        calls = {f"{label}|{files}": (lambda c=client: c.predict(**api, api_name="/train"))
                 for (label, files), client in clients.items()}
        calls.update({f"{label}|page": (lambda c=page: c.predict("/train", **api)) for label, page in pages.items()})
        calls.update(floor)

        def direct():
            list(Run(model, dataset, train_settings=settings).events())

        for call in calls.values():  # warm-up
            call()
        direct()
        seconds = alternate(runs, direct=direct, **calls)
        for label in urls:
            tag = f" ({label})" if len(urls) > 1 else ""
            app, fetched = seconds[f"{label}|False"], seconds[f"{label}|True"]
            lines += [f"| {name}{tag}: through the app's API, streaming (s) | {app.show('{:.2f}', median_anyway=True)} |",
                      f"| {name}{tag}: the same, gradio_client also fetching the 3 result files (s) | "
                      f"{fetched.show('{:.2f}', median_anyway=True)} |",
                      f"| {name}{tag}: UI overhead (app / direct) | {ratio(app, seconds['direct']).show('{:.2f}x', median_anyway=True)} |",
                      f"| {name}{tag}: the app's own part of it ((app - empty streaming call) / direct) | "
                      f"{own_part(app, seconds['empty stream'], seconds['direct']).show('{:.2f}x', median_anyway=True)} |",
                      f"| {name}{tag}: with the files fetched (app / direct) | "
                      f"{ratio(fetched, seconds['direct']).show('{:.2f}x', median_anyway=True)} |"]
            page = seconds[f"{label}|page"]
            lines += [f"| {name}{tag}: through the app, the page's own route (one kept-alive connection, the stream "
                      f"read as it arrives) (s) | {page.show('{:.2f}', median_anyway=True)} |",
                      f"| {name}{tag}: **UI overhead by the page's route (app / direct)** | "
                      f"{ratio(page, seconds['direct']).show('{:.2f}x', median_anyway=True)} |",
                      f"| {name}{tag}: the app's own part of it by the page's route ((app - empty streaming call) / "
                      f"direct) | {own_part(page, seconds['empty stream|page'], seconds['direct']).show('{:.2f}x', median_anyway=True)} |"]
        lines.append(f"| {name}: calling the package (s) | {seconds['direct'].show('{:.2f}', median_anyway=True)} |")
        lines += [f"| Gradio's own round trip for an empty call, {kind} (s; interleaved with the {name}) | "
                  f"{seconds[f'empty {kind}'].show('{:.3f}', median_anyway=True)} |" for kind in ("once", "stream")]
        lines.append(f"| Gradio's own round trip for an empty streaming call by the page's route (s) | "
                     f"{seconds['empty stream|page'].show('{:.3f}', median_anyway=True)} |")
        best = ratio(add(seconds["direct"], seconds["empty stream"]), seconds["direct"])
        lines.append(f"| ... so the best a {name} could show through gradio_client ((direct + empty streaming "
                     f"call) / direct) | {best.show('{:.2f}x', median_anyway=True)} |")
    for client in (*clients.values(), empty, *pages.values(), empty_page):
        client.close()
    return lines


def add(first: Figure, second: Figure) -> Figure:
    return Figure([a + b for a, b in zip(first.values, second.values)])


def own_part(app: Figure, floor: Figure, direct: Figure) -> Figure:
    """Run by run, (app - floor) / direct: the ratio the app would show if Gradio's own round trip were free."""
    return Figure([(a - f) / d for a, f, d in zip(app.values, floor.values, direct.values)])


def live_figures(url: str) -> list[str]:
    import re

    from gradio_client import Client

    client = Client(url, verbose=False)
    client.predict(**{**LIVE_RUN, "epochs": 1}, api_name="/train")  # warm-up: the first run loads what runs need
    started = time.perf_counter()
    job = client.submit(**LIVE_RUN, api_name="/train")
    stamps = [(time.perf_counter() - started, str(update[0])) for update in job]
    job.result()
    client.close()
    training = [(t, m) for t, m in stamps if re.search(r"epoch \d+/", m)]
    epochs = [int(re.search(r"epoch (\d+)/", m).group(1)) for _, m in training]
    seconds = training[-1][0] - training[0][0] if len(training) > 1 else float("nan")
    return [f"| a {stamps[-1][0]:.1f} s run ({LIVE_RUN['model'].upper()} on {LIVE_RUN['dataset']}, {LIVE_RUN['epochs']} epochs): updates while training | "
            f"{len(training)} in {seconds:.1f} s = {len(training) / seconds:.1f} per s |",
            f"| its status: distinct epochs shown / updates; in order | {len(set(epochs))} / {len(training)}; "
            f"{'yes' if epochs == sorted(epochs) else 'no'} |"]


def browser_figures(urls: dict[str, str], runs: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
    seconds = {label: [] for label in urls}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for attempt in range(runs + 1):  # the first click warms the server up: not counted
            for label, url in urls.items():  # interleaved, page by page
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url)
                page.locator("#tab-train").get_by_text("Decision boundary").first.wait_for(timeout=60_000)
                page.wait_for_timeout(1500)  # the page-open hooks (summary, preview) have landed
                elapsed = page.evaluate(FIRST_POINT_JS)
                page.locator("#tab-train").get_by_text("Training finished").wait_for(timeout=60_000)
                if attempt:
                    seconds[label].append(elapsed)
                page.close()
        browser.close()
    return [f"| Chromium: Train click to the first curve point on screen (s){f' ({label})' if len(urls) > 1 else ''}"
            f" | {Figure(values).show('{:.2f}', median_anyway=True)}; each: {', '.join(f'{v:.2f}' for v in values)} |"
            for label, values in seconds.items()]


def memory_figures(visitors: int, roots: dict[str, Path]) -> list[str]:
    """Visitors come (a gradio_client session), train a short run and leave (close: the heartbeat stops); with
    two apps, visitor i goes to both, so they see the same load."""
    from gradio_client import Client

    # a closed page is noticed at the next heartbeat: 1 s here instead of 15, so the benchmark needn't wait
    apps = {label: start_app(root, GRADIO_HEARTBEAT_INTERVAL="1", MALLOC_ARENA_MAX="2")
            for label, root in roots.items()}

    def visit(job: tuple[str, int]) -> None:
        label, index = job
        client = Client(apps[label][1], verbose=False)
        client.predict(dataset=("moons", "circles", "spiral")[index % 3], model="mlp", epochs=3, api_name="/train")
        client.close()

    lines = []
    try:
        for label in apps:
            visit((label, 0))
        time.sleep(8)  # the first visitor's page is noticed closed and freed
        first = {label: rss_mb(process.pid) for label, (process, _, _) in apps.items()}
        with ThreadPoolExecutor(4) as pool:  # a few at once, like a class
            list(pool.map(visit, [(label, i) for i in range(1, visitors) for label in apps]))
        time.sleep(8)
        for label, (process, _, _) in apps.items():
            last, tag = rss_mb(process.pid), f" ({label})" if len(apps) > 1 else ""
            lines += [f"| resident memory after the first visitor came, trained and left (MB){tag} | "
                      f"{first[label]:.0f} |",
                      f"| ... after {visitors} visitors (MB); difference{tag} | {last:.0f}; {last - first[label]:+.0f} |"]
    finally:
        for process, _, _ in apps.values():
            stop_app(process)
    return lines


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--only", default="start,overhead,live,browser,memory")
    parser.add_argument("--repo", type=Path, help="a checkout before the change, measured interleaved as 'before'")
    args = parser.parse_args(argv)
    parts = args.only.split(",")
    roots = {"before": args.repo.resolve(), "after": ROOT} if args.repo else {"": ROOT}

    lines = ["| figure | value |", "| --- | --- |"]
    if "start" in parts:
        lines += start_figures(args.runs)
    if {"overhead", "live", "browser"} & set(parts):
        apps = {label: start_app(root) for label, root in roots.items()}
        urls = {label: url for label, (_, url, _) in apps.items()}
        try:
            if "overhead" in parts:
                apps["empty"] = start_app(ROOT, "benchmarks/empty_app.py")
                lines += overhead_figures(urls, args.runs, apps["empty"][1])
                lines += [f"| resident memory after those runs (MB){f' ({label})' if label else ''} | "
                          f"{rss_mb(process.pid):.0f} |" for label, (process, _, _) in apps.items() if label in urls]
            if "live" in parts:
                for label, url in urls.items():
                    lines += [line.replace(" |", f" ({label}) |", 1) if label else line for line in live_figures(url)]
            if "browser" in parts:
                lines += browser_figures(urls, args.runs)
        finally:
            for process, _, _ in apps.values():
                stop_app(process)
    if "memory" in parts:
        lines += memory_figures(args.visitors, roots)
    table = "\n".join([f"### App (median (min–max) of {args.runs} runs)", "", *lines])
    print(table)
    return table


if __name__ == "__main__":
    main()
