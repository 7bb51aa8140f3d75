"""Smart search: TPE over the Sweep space, pruning that really stops runs, a fixed seed that repeats, the study's
budget shared by worker processes (SQLite and PostgreSQL), and one sentence for each kind of bad input.

Worker processes are started through the CLI, as a user would; each assertion reads
the study back with Optuna itself, so "no trial ran twice" is checked in the storage,
not in our own report of it.
"""

import json
import re
import subprocess
import uuid

import optuna
import pytest
from optuna.trial import TrialState

from playground.errors import UserError
from playground.sweep.runner import RunResultEvent
from playground.sweep.smart import SmartSweep
from playground.sweep.study import open_storage

SPIRAL = dict(model="mlp", dataset="spiral", device="cpu", lr="0.0003,0.3", optimizer="adam,sgd")


def lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def run_results(result) -> list[dict]:
    return [e for e in lines(result) if e["event"] == "run_result"]


def workers_left(storage_url: str) -> list[str]:
    found = subprocess.run(["pgrep", "-af", "playground.sweep.worker"], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if storage_url in line]


@pytest.fixture(scope="module")
def pruned_sweep():
    sweep = SmartSweep({**SPIRAL, "epochs": 6, "max_runs": 10, "seed": 1}, {"pruner": "median"})
    events = list(sweep.events())
    return sweep, events


def test_pruning_stops_runs_before_their_epochs(pruned_sweep):
    sweep, events = pruned_sweep
    pruned = [r for r in sweep.rows if r["status"] == "pruned"]
    assert pruned, "this seed's search prunes: the learning rates span three decades"
    for row in pruned:
        assert row["epochs_run"] == row["pruned_at_epoch"] < 6 and row["state"] == f"pruned at epoch {row['epochs_run']}"
        assert len(sweep.curves[row["run"]]) == row["epochs_run"]  # the trainer really stopped: no epoch after it
        trained = [e for e in events if getattr(e, "run", None) == row["run"] and e.kind == "epoch"]
        assert len(trained) == row["epochs_run"]
    finished = [r for r in sweep.rows if r["status"] == "finished"]
    assert finished and all(r["epochs_run"] == 6 for r in finished)
    summary = sweep.summary
    assert summary["runs_started"] == 10 and summary["pruned"] == len(pruned)
    assert summary["epochs_run"] == sum(r["epochs_run"] for r in sweep.rows) < summary["epochs_asked"] == 60
    assert summary["best"]["status"] == "finished"  # chosen on validation, among finished runs
    assert summary["best"]["val_accuracy"] == max(r["val_accuracy"] for r in finished)
    assert set(summary["importances"]) == {"lr", "optimizer"} and abs(sum(summary["importances"].values()) - 1) < 1e-3
    trials = sweep.study.get_trials()
    assert {t.state for t in trials} == {TrialState.COMPLETE, TrialState.PRUNED}


def test_a_fixed_seed_repeats_the_search_with_one_worker(pruned_sweep):
    first, _ = pruned_sweep
    again = SmartSweep({**SPIRAL, "epochs": 6, "max_runs": 10, "seed": 1}, {"pruner": "median"})
    list(again.events())
    keys = ("run", "lr", "optimizer", "status", "epochs_run", "val_accuracy", "test_accuracy")
    assert [[r[k] for k in keys] for r in again.rows] == [[r[k] for k in keys] for r in first.rows]
    other = SmartSweep({**SPIRAL, "epochs": 1, "max_runs": 3, "seed": 2}, {"pruner": "none"})
    list(other.events())
    assert [r["lr"] for r in other.rows] != [r["lr"] for r in first.rows[:3]]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_worker_processes_share_one_study(backend, tmp_path, cli, request):
    url = f"sqlite:///{tmp_path / 'study.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    name = f"shared-{uuid.uuid4().hex[:8]}"
    result = cli("sweep", "--search", "smart", "--dataset", "spiral", "--lr", "0.001,0.1", "--optimizer", "adam,sgd",
                 "--epochs", "8", "--max-runs", "6", "--device", "cpu", "--storage", url, "--study", name,
                 "--workers", "2", "--json")
    assert result.returncode == 0, result.stderr
    reported = run_results(result)
    assert sorted(r["run"] for r in reported) == [1, 2, 3, 4, 5, 6]  # the budget, each trial once
    assert len({r["worker"] for r in reported}) == 2  # both processes trained
    assert all(r["state"] == "finished" or r["state"].startswith("pruned at epoch ") for r in reported)
    everything = optuna.load_study(study_name=name, storage=url).get_trials()
    # two workers asking at the same moment for the last run: the later trial is marked and never trained
    extra = [t for t in everything if t.user_attrs.get("over_budget")]
    assert all(t.state == TrialState.FAIL and not t.intermediate_values and t.number >= 6 for t in extra)
    trials = [t for t in everything if t not in extra]
    assert len(trials) == 6 and all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    assert len({t.user_attrs["worker"] for t in trials}) == 2
    assert [t.user_attrs["result"]["epochs_run"] for t in trials] == [len(t.intermediate_values) for t in trials]
    summary = lines(result)[-1]
    assert summary["event"] == "summary" and summary["runs_started"] == 6 and summary["best"]["status"] == "finished"
    assert not workers_left(url)

    joined = cli("sweep", "--storage", url, "--study", name, "--join", "--json")  # the budget is already spent
    assert joined.returncode == 0, joined.stderr
    assert sorted(r["run"] for r in run_results(joined)) == [1, 2, 3, 4, 5, 6]
    assert len(optuna.load_study(study_name=name, storage=url).get_trials()) == len(everything)  # nothing new


def test_the_minutes_hold_for_worker_processes_and_none_is_left(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    result = cli("sweep", "--search", "smart", "--dataset", "spiral", "--lr", "0.001,0.1", "--epochs", "400",
                 "--max-runs", "50", "--max-minutes", "0.05", "--device", "cpu", "--storage", url, "--workers", "2",
                 "--json", "--pruner", "none")
    summary = lines(result)[-1]
    assert summary["status"] == "out of time" and summary["runs_started"] < 50
    assert all(r["status"] in ("out of time", "finished") for r in summary["runs"])
    assert not workers_left(url)


def test_a_watcher_sees_every_run_of_a_study_others_filled(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    filled = cli("sweep", "--search", "smart", "--dataset", "moons", "--lr", "0.001,0.1", "--epochs", "2",
                 "--max-runs", "3", "--device", "cpu", "--storage", url, "--study", "watched", "--json")
    assert filled.returncode == 0, filled.stderr
    watcher = SmartSweep({"device": "cpu"}, {"storage": url, "study": "watched", "join": True})
    seen = [e.row for e in watcher.watch() if isinstance(e, RunResultEvent)]
    assert sorted(r["run"] for r in seen) == [1, 2, 3] and watcher.config.dataset == "moons"
    assert watcher.summary["status"] == "finished" and sorted(watcher.curves) == [1, 2, 3]


# bad input: one sentence each, nothing started


@pytest.mark.parametrize("storage, says", [
    ("postgresql+psycopg://nobody@127.0.0.1:1/none", "Can't reach the study storage"),
    ("sqlite:////no/such/folder/study.db", "Can't reach the study storage"),
    ("http://example.com/study", "is not a study storage"),
])
def test_an_unreachable_or_unknown_storage_is_one_sentence(storage, says, cli):
    result = cli("sweep", "--search", "smart", "--lr", "0.001,0.1", "--storage", storage, "--workers", "2")
    assert result.returncode == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not workers_left(storage)


def test_an_unknown_study_to_join_is_one_sentence(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    SmartSweep({**SPIRAL, "max_runs": 1}, {"storage": url, "study": "known"})
    result = cli("sweep", "--storage", url, "--study", "unknown", "--join", "--workers", "2")
    assert result.returncode == 2 and "There is no study 'unknown'" in result.stderr and "known" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not workers_left(url)


def test_a_space_with_nothing_to_search_is_refused(cli):
    result = cli("sweep", "--search", "smart", "--lr", "0.01", "--optimizer", "adam", "--workers", "2")
    assert result.returncode == 2 and "Smart search needs something to search" in result.stderr
    with pytest.raises(UserError, match="nothing|something to search"):
        SmartSweep({"lr": "0.01", "optimizer": "adam", "dropout": "0.1"})


def test_a_study_of_the_same_name_with_other_settings_is_not_mixed_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'study.db'}"
    SmartSweep({**SPIRAL, "epochs": 3}, {"storage": url, "study": "s"})
    SmartSweep({**SPIRAL, "epochs": 3, "device": "cpu", "max_minutes": 2}, {"storage": url, "study": "s"})  # same
    with pytest.raises(UserError, match=r"already exists with other settings \(epochs\)"):
        SmartSweep({**SPIRAL, "epochs": 4}, {"storage": url, "study": "s"})
    assert open_storage(url).get_all_studies()[0].study_name == "s"


# the Sweep tab's side (ui/sweep_smart.py)


def test_the_tab_picks_the_runner_and_watches_only_the_hosts_storage(tmp_path, monkeypatch):
    from playground.sweep.runner import Sweep
    from playground.ui import sweep_smart

    assert type(sweep_smart.make_runner({**SPIRAL, "search": "grid", "pruner": "halving"})) is Sweep
    smart = sweep_smart.make_runner({**SPIRAL, "search": "smart", "pruner": "halving", "max_runs": 2})
    assert isinstance(smart, SmartSweep) and smart.pruner == "halving" and not smart.url  # in memory
    monkeypatch.delenv("PLAYGROUND_SWEEP_STORAGE", raising=False)
    with pytest.raises(UserError, match="PLAYGROUND_SWEEP_STORAGE"):
        sweep_smart.watcher("anything")
    url = f"sqlite:///{tmp_path / 'host.db'}"
    monkeypatch.setenv("PLAYGROUND_SWEEP_STORAGE", url)
    with pytest.raises(UserError, match="There is no study 'missing'"):
        sweep_smart.watcher("missing")
    SmartSweep({**SPIRAL, "max_runs": 2}, {"storage": url, "study": "hosted"})
    watching = sweep_smart.watcher("hosted")
    assert watching.watching and "watching study **hosted**:" in watching.title


def test_the_table_greys_pruned_runs_with_their_epoch(pruned_sweep):
    from playground.sweep.results import PRUNED, styled_table

    sweep, _ = pruned_sweep
    html = styled_table(sweep.rows).to_html()
    greyed = "".join(re.findall(r"([^{}]*)\{\s*color: " + PRUNED, html))  # the cells of the grey rule
    for index, row in enumerate(sweep.rows):
        assert (f"_row{index}_col0," in greyed + ",") == (row["status"] == "pruned"), row
        if row["status"] == "pruned":
            assert f">pruned at epoch {row['epochs_run']}<" in html


def test_the_table_speaks_the_visitors_language_and_keeps_its_ids_in_english(pruned_sweep):
    """A Chinese visitor reads 学习率 and 验证集准确率 over the columns; English keeps the ids the CSV and the API use;
    the best run is still highlighted, whatever the headers say."""
    from playground import i18n
    from playground.sweep.results import best_row, columns, empty_headers, styled_table

    sweep, _ = pruned_sweep
    english = styled_table(sweep.rows)
    assert list(english.data.columns) == columns(sweep.rows)
    with i18n.speaking("zh-CN"):
        chinese = styled_table(sweep.rows)
        assert empty_headers()[:3] == ["运行", "学习率", "优化器"]
    assert "学习率" in chinese.data.columns and "验证集准确率" in chinese.data.columns
    best = sweep.rows.index(best_row(sweep.rows))
    highlighted = "".join(re.findall(r"([^{}]*)\{\s*background-color: #dcfce7", chinese.to_html()))
    assert f"_row{best}_col0," in highlighted + ","
    assert empty_headers("en") == ["run", "lr", "optimizer", "status", "val_accuracy", "val_loss", "test_accuracy",
                                   "test_loss", "epochs_run", "seconds"]
