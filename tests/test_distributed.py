"""`python -m playground train` under torchrun: two CPU processes (gloo) match one process of the same global batch."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.app_process import free_port

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["-m", "playground", "train", "--model", "mlp", "--dataset", "classification", "--epochs", "4",
        "--batch-size", "64", "--seed", "3", "--json"]


def run(command, out=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([*command, *ARGS, *(["--out", str(out)] if out else [])], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    # the processes' own lines first (a crash's cause), then torchrun's summary at the end
    assert result.returncode == 0, result.stderr[:3000] + "\n[...]\n" + result.stderr[-1500:]
    return result.stdout.strip().splitlines()


def test_two_processes_match_one_and_only_rank_0_writes(tmp_path):
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
                f"--master_port={free_port()}"]
    distributed_lines = run(torchrun, out=tmp_path / "ddp")
    single = json.loads(run([sys.executable])[-1])
    together = json.loads(distributed_lines[-1])
    # one process printed: exactly one summary and one epoch event per epoch
    assert sum(json.loads(line)["event"] == "done" for line in distributed_lines) == 1
    assert sum(json.loads(line)["event"] == "epoch" for line in distributed_lines) == 4
    assert abs(together["test_loss"] - single["test_loss"]) < 1e-4
    assert together["test_accuracy"] == single["test_accuracy"]
    assert {p.name for p in (tmp_path / "ddp").iterdir()} == {"weights.safetensors", "config.json", "history.csv"}
