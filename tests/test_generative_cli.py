"""`python -m playground train --model gan|vae`: the foundation's event stream, the extended summary line,
the files of --out, and one-line refusals with exit code 2."""

import json


def events_of(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_gan_json_stream_ends_with_quality_summary(cli):
    events = events_of(cli("train", "--model", "gan", "--dataset", "digits", "--epochs", "2", "--json"))
    kinds = {e["event"] for e in events}
    assert {"ganstep", "ganepoch", "quality", "done"} <= kinds
    assert "picture" not in kinds  # pictures are for the UI and --out
    summary = events[-1]
    assert summary["event"] == "done" and summary["status"] == "finished" and summary["epochs_run"] == 2
    assert 0.0 <= summary["sample_confidence"] <= 1.0
    assert isinstance(summary["class_coverage"], int) and 0 <= summary["class_coverage"] <= 10
    assert sum(summary["class_counts"]) == 1000
    assert summary["model"] == "gan" and summary["preset"] == "conditional" and summary["conditional"] is True
    assert 0.0 <= summary["conditional_accuracy"] <= 1.0
    steps = [e for e in events if e["event"] == "ganstep"]
    assert steps == sorted(steps, key=lambda e: e["step"]) and {"g_loss", "d_loss", "d_real", "d_fake"} <= set(steps[0])


def test_vae_json_summary_and_files(cli, tmp_path):
    out = tmp_path / "vae"
    events = events_of(cli("train", "--model", "vae", "--dataset", "digits", "--epochs", "3", "--lr", "0.002",
                           "--json", "--out", str(out)))
    summary = events[-1]
    assert [e["epoch"] for e in events if e["event"] == "vaeepoch"] == [1, 2, 3]
    assert summary["test_recon_mse"] < summary["baseline_mse"]
    assert summary["test_kl"] > 0 and 0.1 < summary["latent_knn_accuracy"] <= 1.0
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "history.csv", "manifold.png", "samples.png",
                                                    "weights.safetensors"]
    saved = json.loads((out / "config.json").read_text())
    assert saved["settings"]["lr"] == 0.002 and saved["settings"]["latent_dim"] == 2


def test_autoencoder_preset_prints_a_readable_line(cli):
    result = cli("train", "--model", "vae", "--preset", "autoencoder", "--dataset", "digits", "--epochs", "1")
    assert result.returncode == 0, result.stderr
    assert "test reconstruction MSE" in result.stdout and "KL n/a" in result.stdout


def test_bad_generative_settings_exit_2_with_one_line(cli):
    for args, words in [(("--model", "gan", "--dataset", "moons"), "need an image dataset"),
                        (("--model", "vae", "--dataset", "digits", "--beta", "50"), "Beta must be between"),
                        (("--model", "gan", "--dataset", "digits", "--preset", "stylegan"), "Unknown preset")]:
        result = cli("train", *args, "--epochs", "1")
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and lines[0].startswith("error:")
