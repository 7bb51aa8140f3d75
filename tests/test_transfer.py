"""Transfer learning: K-shot subsets, the four strategies, per-part learning rates, HF backbones, and the lesson.

The lesson test trains for real (a short pretraining on shapes_a, then K=5
shots of shapes_b) and asserts that a pretrained strategy beats scratch on the
held-out test set by a wide margin, and that the same seed gives the same numbers.
"""

import threading

import pytest
import torch

from playground.errors import UserError
from playground.training.config import TrainConfig
from playground.training.trainer import make_optimizer
from playground.transfer import run as transfer_run
from playground.transfer.config import STRATEGIES
from playground.transfer.run import ResultEvent, TransferExperiment
from playground.transfer.strategies import TransferNet, build_net, small_cnn
from playground.transfer.tasks import few_shot, load_task, match_images

FAST = dict(source="shapes_a", target="shapes_b", shots=5, epochs=20, pretrain_epochs=4, seed=0, device="cpu")


# tasks


def test_tasks_are_disjoint_image_problems():
    a, b = load_task("shapes_a"), load_task("shapes_b")
    assert a.input_shape == b.input_shape == (3, 32, 32)
    assert not set(a.classes) & set(b.classes)
    assert a.num_classes == b.num_classes == 5
    assert load_task("digits_0_4").input_shape == (1, 8, 8)


def test_few_shot_takes_k_per_class_and_leaves_held_out_data_alone():
    target = load_task("shapes_b")
    subset = few_shot(target, 3, seed=7)
    assert torch.bincount(subset.y_train).tolist() == [3] * 5
    assert subset.x_test is target.x_test and subset.x_val is target.x_val
    again, other = few_shot(target, 3, seed=7), few_shot(target, 3, seed=8)
    assert torch.equal(again.x_train, subset.x_train)
    assert not torch.equal(other.x_train, subset.x_train)
    with pytest.raises(UserError, match="at most"):
        few_shot(target, 10_000, seed=0)


def test_match_images_resizes_and_fixes_channels():
    digits = load_task("digits_5_9")
    matched = match_images(digits, (3, 32, 32))
    assert matched.input_shape == (3, 32, 32) and len(matched.y_test) == len(digits.y_test)


# strategies


def test_backbone_learns_at_a_fraction_of_the_rate():
    net = TransferNet(backbone=torch.nn.Linear(4, 3), feature_dim=3, num_classes=2, backbone_lr_scale=0.1)
    optimizer = make_optimizer(net, TrainConfig(lr=0.01))
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([0.01, 0.001])
    assert sum(len(g["params"]) for g in optimizer.param_groups) == len(list(net.parameters()))
    plain = make_optimizer(torch.nn.Linear(2, 2), TrainConfig(lr=0.01))  # models without groups: unchanged
    assert [g["lr"] for g in plain.param_groups] == [0.01]


def test_strategies_start_from_the_right_weights():
    from playground.transfer.strategies import CNNBackbone

    torch.manual_seed(123)  # stands in for trained weights: any init other than seed 0's
    pretrained = small_cnn((3, 32, 32), 5)
    backbone = CNNBackbone(pretrained, (3, 32, 32), "test")
    first_key = next(iter(backbone.state))
    for name, strategy in STRATEGIES.items():
        net = build_net(strategy, backbone, 5, backbone_lr_scale=0.1, seed=0)
        same = torch.equal(net.backbone.state_dict()[first_key], backbone.state[first_key])
        assert same == strategy.pretrained, name
        assert all(not p.requires_grad for p in net.backbone.parameters()) == strategy.freeze
        assert net.backbone_lr_scale == (0.1 if strategy.low_lr else 1.0)
        assert net(torch.zeros(2, 3, 32, 32)).shape == (2, 5)
    heads = [build_net(s, backbone, 5, backbone_lr_scale=0.1, seed=0).head.weight for s in STRATEGIES.values()]
    assert all(torch.equal(heads[0], h) for h in heads)  # every strategy starts from the same new head


# the lesson


@pytest.fixture(scope="module")
def lesson():
    transfer_run._pretrained.clear()
    first = TransferExperiment({**FAST, "strategies": "scratch,frozen,finetune_low_lr"})
    events = list(first.events())
    return first, events


def test_transfer_beats_scratch_with_few_shots(lesson):
    experiment, events = lesson
    results = experiment.results[5]
    assert experiment.summary["status"] == "finished"
    assert experiment.pretrain_info["source_test_accuracy"] > 0.8  # the backbone really learnt the source task
    best_transfer = max(results["frozen"], results["finetune_low_lr"])
    assert best_transfer > results["scratch"] + 0.15, results
    assert best_transfer > 0.6, results  # 5 classes: chance is 0.2
    assert [e.strategy for e in events if isinstance(e, ResultEvent)] == ["scratch", "frozen", "finetune_low_lr"]
    assert experiment.summary["results"] == results and experiment.summary["best"] != "scratch"


def test_same_seed_same_numbers(lesson):
    experiment, _ = lesson
    transfer_run._pretrained.clear()  # pretrain again too, not just reuse the cached backbone
    again = TransferExperiment({**FAST, "strategies": "scratch,frozen,finetune_low_lr"})
    for _ in again.events():
        pass
    assert again.results == experiment.results
    assert again.pretrain_info["source_test_accuracy"] == experiment.pretrain_info["source_test_accuracy"]


def test_frozen_backbone_does_not_move_and_finetuning_does(lesson):
    experiment, _ = lesson
    backbone = next(iter(transfer_run._pretrained.values()))[0]
    data = few_shot(experiment.target, 2, seed=0)
    for name, should_move in (("frozen", False), ("finetune", True)):
        runner = TransferExperiment({**FAST, "epochs": 3, "strategies": name})
        list(runner.learn(name, backbone, data, 2))
        trained = runner.models[name].backbone.cpu().state_dict()
        moved = any(not torch.equal(backbone.state[k], v) for k, v in trained.items())
        assert moved == should_move, name


def test_stop_ends_the_experiment_early():
    stop = threading.Event()
    experiment = TransferExperiment({**FAST, "shots": 2, "epochs": 50})
    seen = 0
    for event in experiment.events(stop):
        seen += 1
        if getattr(event, "strategy", None) == "scratch" and event.kind == "epoch" and event.inner.epoch == 2:
            stop.set()
    assert experiment.summary["status"] == "stopped"
    assert experiment.results == {}  # scratch was cut short, nothing else started
    assert max(h["epoch"] for h in experiment.history) < 50


@pytest.mark.parametrize("settings, message", [
    ({"shots": 0}, "Shots per class"),
    ({"shots": 101}, "Shots per class"),
    ({"strategies": "scratch,magic"}, "Strategies must be"),
    ({"source": "shapes_b", "target": "shapes_b"}, "same task"),
    ({"target": "imagenet"}, "Target must be one of"),
    ({"lr": -1}, "Learning rate must be between"),
    ({"epochs": "many"}, "Target epochs must be a whole number"),
])
def test_bad_values_are_refused_in_one_sentence(settings, message):
    with pytest.raises(UserError, match=message) as error:
        TransferExperiment(settings)
    assert str(error.value).count(". ") == 0 and "\n" not in str(error.value)


def test_every_k_of_a_list_is_checked():
    with pytest.raises(UserError, match="Shots per class"):
        TransferExperiment({"source": "digits_0_4", "target": "digits_5_9"}, [5, 150])


# Hugging Face backbones, through the same from_pretrained path, offline


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    from transformers import GPT2Config, GPT2Model, ResNetConfig, ResNetModel, ViTConfig, ViTModel

    folder = tmp_path_factory.mktemp("tiny-backbones")
    torch.manual_seed(0)
    ResNetModel(ResNetConfig(num_channels=3, embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1],
                             layer_type="basic")).save_pretrained(folder / "resnet")
    ViTModel(ViTConfig(image_size=16, patch_size=4, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=32)).save_pretrained(folder / "vit")
    GPT2Model(GPT2Config(n_embd=16, n_layer=1, n_head=2, n_positions=16, vocab_size=32)).save_pretrained(
        folder / "gpt2")
    return folder


@pytest.mark.parametrize("name, image_size, shape", [("resnet", 24, (3, 24, 24)), ("vit", 0, (3, 16, 16))])
def test_hub_backbone_runs_every_strategy(tiny_models, name, image_size, shape):
    from safetensors.torch import load_file

    experiment = TransferExperiment({**FAST, "backbone": str(tiny_models / name), "image_size": image_size,
                                     "shots": 2, "epochs": 2})
    backbone = experiment.hub_backbone
    assert backbone.input_shape == shape and backbone.feature_dim == 16
    saved = load_file(str(next((tiny_models / name).glob("*.safetensors"))))
    pretrained = backbone.make(pretrained=True).model.state_dict()
    key = next(k for k in saved if k in pretrained and saved[k].dim() > 1)
    assert torch.equal(pretrained[key], saved[key])  # the weights really come from the folder
    assert not torch.equal(backbone.make(pretrained=False).model.state_dict()[key], saved[key])
    for _ in experiment.events():
        pass
    assert set(experiment.summary["results"]) == {"scratch", "frozen", "finetune", "finetune_low_lr"}
    assert experiment.summary["source"] is None and name in experiment.summary["backbone"]


def test_unreachable_and_wrong_models_are_one_clear_sentence(tiny_models):
    with pytest.raises(UserError, match="Could not load the model 'no-such/model'"):
        TransferExperiment({"backbone": "no-such/model"})
    with pytest.raises(UserError, match="is not an image model"):
        TransferExperiment({"backbone": str(tiny_models / "gpt2")})
