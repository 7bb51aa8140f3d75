"""The judge: a small CNN trained on the real images, used to score generated ones.

It answers two questions about a batch of samples: how sure is it of what it
sees (mean top-class confidence), and how many classes appear at all. A
generator that has collapsed onto one digit scores near 1.0 on confidence, so
the class coverage is the number that shows mode collapse. A judge is trained
once per dataset with the foundation's classifier trainer and kept in memory
and on disk (safetensors) under PLAYGROUND_CACHE_DIR.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from playground.generative.images import ImageData, as_splits, load_images

JUDGE_VERSION = 1  # bump when the recipe below changes, so stale cached judges are retrained
# a class counts as covered when the judge confidently (top probability >= 0.5) sees it in at least half its fair
# share of the samples (5% of them for ten classes): a generator that draws three digits covers three classes,
# however the judge scatters its noise over the rest
COVERAGE_FAIR_SHARE = 0.5
COVERAGE_CONFIDENCE = 0.5
JUDGE_MODEL = {"channels": "16,32", "dense": 64}
JUDGE_TRAINING = {"lr": 0.003, "epochs": 12, "batch_size": 64, "seed": 0, "device": "cpu"}

_judges: dict[str, "Judge"] = {}
_lock = threading.Lock()


@dataclass
class Judge:
    model: torch.nn.Module
    classes: list
    test_accuracy: float

    @torch.no_grad()
    def probabilities(self, images: torch.Tensor) -> torch.Tensor:
        """Class probabilities for images in [0, 1], (N, C, H, W)."""
        from playground.models.predict import predict_proba

        return predict_proba(self.model, images.detach().float().cpu().clamp(0.0, 1.0), batch_size=500)

    def score(self, images: torch.Tensor, requested: torch.Tensor | None = None) -> dict:
        """sample_confidence, class_coverage and class_counts; with `requested` labels also how often they match."""
        probabilities = self.probabilities(images)
        confidence, predicted = probabilities.max(dim=1)
        confident = predicted[confidence >= COVERAGE_CONFIDENCE]
        counts = torch.bincount(confident, minlength=len(self.classes))
        needed = max(1, round(COVERAGE_FAIR_SHARE * len(images) / len(self.classes)))
        result = {"sample_confidence": confidence.mean().item(), "class_coverage": int((counts >= needed).sum()),
                  "class_counts": torch.bincount(predicted, minlength=len(self.classes)).tolist()}
        if requested is not None:
            result["conditional_accuracy"] = (predicted == requested.cpu()).float().mean().item()
        return result


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "playground"
    return Path(os.environ.get("PLAYGROUND_CACHE_DIR", default)) / "judges"


def get_judge(dataset_name: str) -> Judge:
    """The judge for a dataset: from memory, else from the disk cache, else trained now (seconds)."""
    with _lock:
        if dataset_name not in _judges:
            _judges[dataset_name] = _load_or_train(load_images(dataset_name))
        return _judges[dataset_name]


def _build(data: ImageData) -> torch.nn.Module:
    from playground import config as cfg
    from playground.models.cnn import CNN, CNNConfig

    from playground import randomness

    config = cfg.build(CNNConfig, JUDGE_MODEL)
    model = CNN(input_shape=(data.channels, data.size, data.size), num_classes=data.num_classes, config=config)
    return randomness.initialise(model, randomness.seeded(JUDGE_TRAINING["seed"]))  # never the global generator


def _load_or_train(data: ImageData) -> Judge:
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    model = _build(data)
    path = cache_dir() / f"{data.name}-{data.size}px-v{JUDGE_VERSION}.safetensors"
    if path.exists():
        try:
            with safe_open(str(path), "pt") as handle:
                accuracy = float(handle.metadata()["test_accuracy"])
            model.load_state_dict(load_file(str(path)))
            return Judge(model.eval(), data.classes, accuracy)
        except Exception:  # a broken or foreign file: train a fresh judge and overwrite it
            model = _build(data)
    from playground import config as cfg
    from playground.training.config import TrainConfig
    from playground.training.trainer import train

    done = None
    for event in train(model, as_splits(data), cfg.build(TrainConfig, JUDGE_TRAINING), torch.device("cpu")):
        done = event
    accuracy = float(done.metrics["test_accuracy"])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(temporary), metadata={"test_accuracy": str(accuracy)})
        temporary.replace(path)  # atomic, so a parallel process never reads half a file
    except OSError:
        pass  # a read-only home is fine: the judge just lives in memory
    return Judge(model.eval(), data.classes, accuracy)
