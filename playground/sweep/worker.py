"""Local worker processes for a smart sweep: `python -m playground.sweep.worker` joins a study and trains.

`--workers N` starts N of these; each is an ordinary joining worker (the
same loop a thread or another machine runs), so they share the study's
budget through its storage and never train the same trial. The parent reads
the study for results; a worker only writes there. SIGTERM or Ctrl-C stops a
worker's run at the next step and marks its trial stopped; a worker that
fails says why in its log, which the parent quotes, then stops the others.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from optuna.trial import TrialState

from playground import i18n
from playground.errors import UserError

STOP_WAIT_SECONDS = 30  # how long a stopped worker may take to finish its step and tell its trial


class WorkerProcess:
    def __init__(self, sweep, index: int, deadline: float):
        self.log = Path(tempfile.mkstemp(prefix=f"sweep-worker-{index}-", suffix=".log")[1])
        command = [sys.executable, "-m", "playground.sweep.worker", "--storage", sweep.url, "--study", sweep.name,
                   "--deadline", str(deadline), "--device", sweep.config.device, "--lang", i18n.current()]
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                            env=env)

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def check(self) -> None:
        """Raise what the worker said if it failed: its one sentence for bad input, its last lines for a bug."""
        code = self.process.poll()
        if code in (None, 0, -signal.SIGTERM):
            return
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        if code == 2 and lines:
            raise UserError(lines[-1])
        raise RuntimeError(f"A sweep worker (pid {self.process.pid}) failed with exit code {code}: "
                           + " | ".join(lines[-5:]))

    def signal(self) -> None:
        if self.is_alive():
            self.process.send_signal(signal.SIGTERM)

    def wait(self, until: float) -> None:
        try:
            self.process.wait(max(0.0, until - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.unlink(missing_ok=True)


def start_workers(sweep, count: int) -> list[WorkerProcess]:
    deadline = time.time() + sweep.config.max_minutes * 60
    return [WorkerProcess(sweep, index, deadline) for index in range(count)]


def stop_workers(workers: list[WorkerProcess]) -> None:
    """Ask every worker to stop, give them STOP_WAIT_SECONDS together, then kill what is left: none hangs on."""
    for worker in workers:
        worker.signal()
    until = time.monotonic() + STOP_WAIT_SECONDS
    for worker in workers:
        worker.wait(until)


def fail_lost_trials(study, workers: list[WorkerProcess]) -> None:
    """A trial still running when its worker has exited (killed, crashed) is marked failed, not left waiting."""
    pids = {f":{w.process.pid}:" for w in workers}
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if any(pid in (trial.user_attrs.get("worker") or "") for pid in pids):
            study._storage.set_trial_user_attr(trial._trial_id, "result", {"status": "lost"})
            study.tell(trial.number, state=TrialState.FAIL)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.sweep.worker", description=__doc__)
    parser.add_argument("--storage", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--deadline", type=float, required=True, help="Unix time at which to stop.")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--lang", default=i18n.DEFAULT, help="The language of its one-sentence refusal.")
    args = parser.parse_args(argv)
    with i18n.speaking(args.lang):
        return _work(args)


def _work(args) -> int:
    halt = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: halt.set())
    try:
        from playground.sweep.runner import Budget
        from playground.sweep.smart import SmartSweep
        from playground.sweep.trials import work

        minutes = max(0.05, (args.deadline - time.time()) / 60)
        sweep = SmartSweep({"device": args.device, "max_minutes": minutes},
                           {"storage": args.storage, "study": args.study, "join": True})
        budget = Budget(halt, args.deadline - time.time())
        work(sweep.study, sweep.config, sweep.space, sweep.base, budget)
    except UserError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
