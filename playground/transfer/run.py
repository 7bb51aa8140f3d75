"""A transfer experiment: pretrain (or load) a backbone, then learn the target from K shots with each strategy.

`TransferExperiment(settings, shots_list)` checks everything up front (a bad
value is a UserError before anything trains); `events(stop)` yields every
training event tagged with its strategy and K, a `ResultEvent` when a strategy
finishes, and leaves `results` ({K: {strategy: test accuracy}}) and `summary`.
Every strategy gets the same K-shot images, the same epochs, batch size,
learning rate and seed; only where the backbone starts and what may learn differ.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

import torch

from playground import i18n
from playground import config as cfg
from playground import randomness
from playground.device import pick_device
from playground.errors import UserError
from playground.training.config import TrainConfig
from playground.training.events import DoneEvent, EpochEvent, Event
from playground.training.trainer import train
from playground.transfer.config import STRATEGIES, TransferConfig
from playground.transfer.strategies import CNNBackbone, build_net, feature_splits, small_cnn
from playground.transfer.tasks import few_shot, load_task, match_images

PRETRAIN_LR = 0.003  # a fixed recipe for the source task, so tuning the target rate never re-pretrains
PRETRAIN_PHASE = "pretrain"
_pretrained: "OrderedDict[tuple, tuple]" = OrderedDict()  # (source, epochs, batch, seed, device) -> (backbone, info)
_pretrained_lock = threading.Lock()


@dataclass
class TaggedEvent(Event):
    """A training event of one strategy (or of the pretraining, strategy 'pretrain') at one K."""

    strategy: str
    shots: int
    inner: Event

    @property
    def kind(self) -> str:
        return self.inner.kind

    def to_dict(self) -> dict:
        return {**self.inner.to_dict(), "strategy": self.strategy, "shots": self.shots}


@dataclass
class ResultEvent(Event):
    strategy: str
    shots: int
    test_accuracy: float
    status: str
    seconds: float


class TransferExperiment:
    def __init__(self, settings: dict | TransferConfig | None = None, shots_list: list[int] | None = None):
        self.config = cfg.validate(settings) if isinstance(settings, TransferConfig) else \
            cfg.build(TransferConfig, settings)
        self.strategies = self.config.strategy_list()
        shots_field = next(f for f in cfg.fields(TransferConfig) if f.name == "shots")
        self.shots_list = sorted({cfg.check_value(shots_field, k) for k in shots_list or [self.config.shots]})
        self.device = pick_device(self.config.device)
        self.target = load_task(self.config.target)
        fewest = int(torch.bincount(self.target.y_train).min())
        if max(self.shots_list) > fewest:
            raise UserError(i18n.t("errors.transfer.few_target_images", target=self.config.target, fewest=fewest))
        self.hub_backbone = None
        if self.config.backbone.strip():
            from playground.transfer.pretrained import load_backbone

            self.hub_backbone = load_backbone(self.config.backbone, image_size=self.config.image_size)
        elif self.config.source == self.config.target:
            raise UserError(i18n.t("errors.transfer.same_task"))
        self.results: dict[int, dict[str, float]] = {}
        self.history: list[dict] = []
        self.pretrain_history: list[dict] = []
        self.models: dict = {}
        self.pretrain_info: dict = {}
        self.status = "finished"
        self.summary: dict = {}

    def train_config(self, epochs: int, lr: float) -> TrainConfig:
        c = self.config
        return cfg.build(TrainConfig, dict(optimizer="adam", lr=lr, batch_size=c.batch_size, epochs=epochs,
                                           seed=c.seed, device=str(self.device.type)))

    # phases

    def pretrain(self, stop=None):
        """Yield the source task's training events (none when cached); return the backbone."""
        if self.hub_backbone is not None:
            self.pretrain_info = {"backbone": self.hub_backbone.description}
            return self.hub_backbone
        c = self.config
        key = (c.source, c.pretrain_epochs, c.batch_size, c.seed, str(self.device))
        with _pretrained_lock:
            if key in _pretrained:
                _pretrained.move_to_end(key)
                backbone, self.pretrain_info, self.pretrain_history = _pretrained[key]
                return backbone
        source = load_task(c.source)
        net = randomness.initialise(small_cnn(source.input_shape, source.num_classes), randomness.seeded(c.seed))
        done = None
        for event in train(net, source, self.train_config(c.pretrain_epochs, PRETRAIN_LR), self.device, stop):
            if isinstance(event, EpochEvent):
                self.pretrain_history.append({**event.to_dict(), "strategy": PRETRAIN_PHASE})
            done = event if isinstance(event, DoneEvent) else done
            yield TaggedEvent(strategy=PRETRAIN_PHASE, shots=0, inner=event)
        if done.status != "finished":
            self.status = done.status
            return None
        backbone = CNNBackbone(net.cpu(), source.input_shape, f"small CNN pretrained on {c.source}")
        self.pretrain_info = {"backbone": backbone.description, "source_test_accuracy": done.metrics["test_accuracy"],
                              "pretrain_seconds": done.seconds}
        with _pretrained_lock:
            _pretrained[key] = (backbone, self.pretrain_info, self.pretrain_history)
            while len(_pretrained) > 4:
                _pretrained.popitem(last=False)
        return backbone

    def learn(self, strategy_name: str, backbone, data, shots: int, stop=None):
        """Train one strategy on the K-shot data; yields tagged events, returns the DoneEvent."""
        strategy = STRATEGIES[strategy_name]
        c = self.config
        net = build_net(strategy, backbone, data.num_classes, backbone_lr_scale=c.backbone_lr_scale, seed=c.seed)
        self.models[strategy_name] = net  # the latest K's trained nets, for a look afterwards
        model, splits = net, data
        if strategy.freeze:  # features once, then only the head trains (see strategies.py)
            model, splits = net.head, feature_splits(net.backbone, data, self.device)
        done = None  # the trainer shuffles with its own generator from the seed; the networks have no dropout
        for event in train(model, splits, self.train_config(c.epochs, c.lr), self.device, stop):
            if isinstance(event, EpochEvent):
                self.history.append({**event.to_dict(), "strategy": strategy_name, "shots": shots})
            done = event if isinstance(event, DoneEvent) else done
            yield TaggedEvent(strategy=strategy_name, shots=shots, inner=event)
        return done

    def events(self, stop: threading.Event | None = None):
        backbone = yield from self.pretrain(stop)
        if backbone is not None:
            for shots in self.shots_list:
                data = match_images(few_shot(self.target, shots, self.config.seed), backbone.input_shape)
                for name in self.strategies:
                    done = yield from self.learn(name, backbone, data, shots, stop)
                    if done.status == "stopped":
                        self.status = "stopped"
                        break
                    accuracy = done.metrics["test_accuracy"]
                    self.results.setdefault(shots, {})[name] = accuracy
                    yield ResultEvent(strategy=name, shots=shots, test_accuracy=accuracy, status=done.status,
                                      seconds=done.seconds)
                if self.status == "stopped":
                    break
        self.summary = self.make_summary()

    def make_summary(self) -> dict:
        c = self.config
        first = self.results.get(self.shots_list[0], {})
        transfer = {k: v for k, v in first.items() if k != "scratch"}
        summary = {
            "event": "summary", "status": self.status, "source": None if self.hub_backbone else c.source,
            "target": c.target, "shots": self.shots_list[0] if len(self.shots_list) == 1 else self.shots_list,
            "epochs": c.epochs, "lr": c.lr, "seed": c.seed, "device": str(self.device), **self.pretrain_info,
            "results": first,
            "by_shots": {str(k): v for k, v in self.results.items()},
            "best": max(first, key=first.get) if first else None,
        }
        if "scratch" in first and transfer:
            summary["transfer_gain"] = max(transfer.values()) - first["scratch"]
        return summary
