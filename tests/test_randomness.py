"""playground.randomness against torch's own: the same weights, the same dropout masks, no global draws."""

import threading

import pytest
import torch
from torch import nn

from playground import randomness

MODULES = {
    "linear, norms, convolutions, embedding": lambda: nn.Sequential(
        nn.Linear(3, 4), nn.BatchNorm1d(4), nn.LayerNorm(4), nn.Conv2d(2, 3, 3), nn.ConvTranspose2d(3, 2, 4),
        nn.Embedding(5, 3, padding_idx=0), nn.Bilinear(3, 4, 5), nn.PReLU()),
    "lstm": lambda: nn.LSTM(3, 4, num_layers=2, bidirectional=True),
    "gru": lambda: nn.GRU(3, 4),
    "rnn": lambda: nn.RNN(3, 4, bias=False),
    "attention": lambda: nn.MultiheadAttention(8, 2),
    "attention, other key sizes": lambda: nn.MultiheadAttention(8, 2, kdim=4, vdim=4, add_bias_kv=True),
    "transformer layer": lambda: nn.TransformerEncoderLayer(8, 2, 16),
}


@pytest.mark.parametrize("name", MODULES)
def test_initialise_draws_what_torch_draws_from_the_same_seed(name):
    torch.manual_seed(5)
    reference = MODULES[name]()
    model = randomness.initialise(MODULES[name](), randomness.seeded(5))
    expected, got = reference.state_dict(), model.state_dict()
    assert expected.keys() == got.keys()
    for key in expected:
        assert torch.equal(expected[key], got[key]), key


def test_initialise_leaves_the_global_generator_alone():
    model = MODULES["lstm"]()
    before = torch.get_rng_state()
    randomness.initialise(model, randomness.seeded(1))
    assert torch.equal(before, torch.get_rng_state())


def test_initialise_refuses_a_module_it_does_not_know():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.factor = nn.Parameter(torch.ones(3))

    with pytest.raises(TypeError, match="Scale"):
        randomness.initialise(nn.Sequential(nn.Linear(2, 3), Scale()), randomness.seeded(0))


def test_a_module_may_bring_its_own_initialise():
    class Position(nn.Module):
        def __init__(self):
            super().__init__()
            self.table = nn.Parameter(torch.zeros(4, 2))

        def initialise(self, generator):
            nn.init.normal_(self.table, std=0.02, generator=generator)

    a = randomness.initialise(Position(), randomness.seeded(3))
    b = randomness.initialise(Position(), randomness.seeded(3))
    assert torch.equal(a.table, b.table) and a.table.abs().sum() > 0


def test_dropout_is_nn_dropout_with_the_runs_generator():
    x = torch.randn(64, 32)
    torch.manual_seed(3)
    expected = nn.Dropout(0.3)(x)
    dropout = randomness.Dropout(0.3)
    dropout.generator = randomness.seeded(3)
    before = torch.get_rng_state()
    assert torch.equal(dropout(x), expected)
    assert torch.equal(before, torch.get_rng_state())  # the mask came from the run's generator only
    assert torch.equal(randomness.Dropout(1.0).train()(x), nn.Dropout(1.0)(x))
    strided = torch.randn(6, 5, 4).transpose(0, 1)  # as a batch-first LSTM's output can be laid out
    torch.manual_seed(5)
    expected = nn.Dropout(0.4)(strided)
    wide = randomness.Dropout(0.4)
    wide.generator = randomness.seeded(5)
    assert torch.equal(wide(strided), expected)
    dropout.eval()
    assert dropout(x) is x


def test_dropout_without_a_generator_is_nn_dropout():
    x = torch.randn(16, 8)
    torch.manual_seed(4)
    expected = nn.Dropout(0.5)(x)
    torch.manual_seed(4)
    assert torch.equal(randomness.Dropout(0.5)(x), expected)


def test_attach_sets_every_dropout_and_refuses_global_ones():
    model = nn.Sequential(nn.Linear(2, 2), randomness.Dropout(0.2), nn.Sequential(randomness.Dropout(0.1)),
                          nn.Dropout(0.0))
    generator = randomness.seeded(0)
    randomness.attach(model, generator)
    assert model[1].generator is generator and model[2][0].generator is generator
    for bad in (nn.Dropout(0.1), nn.LSTM(2, 2, num_layers=2, dropout=0.1), nn.MultiheadAttention(4, 2, dropout=0.1)):
        with pytest.raises(TypeError, match="global"):
            randomness.attach(nn.Sequential(bad), generator)


def test_generators_are_separate_streams_of_one_seed():
    streams = randomness.generators(9)
    first = torch.rand(3, generator=streams.dropout)
    torch.rand(100, generator=streams.noise)  # drawing from one stream leaves the others where they were
    assert torch.equal(torch.rand(3, generator=streams.sampling), first)
    assert torch.equal(torch.rand(3, generator=randomness.generators(9).weights), first)



def test_drawing_from_gives_library_code_the_runs_generator_in_this_thread_only():
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(n_embd=16, n_layer=1, n_head=2, n_positions=16, vocab_size=20)
    torch.manual_seed(3)
    reference = GPT2LMHeadModel(config)
    expected_draw = torch.multinomial(torch.ones(4, 10), 1)
    torch.manual_seed(99)
    before = torch.get_rng_state()
    other_thread = {}
    with randomness.drawing_from(randomness.seeded(3)):
        model = GPT2LMHeadModel(config)  # transformers' own initialisation, drawn from the run's generator
        draw = torch.multinomial(torch.ones(4, 10), 1)
        thread = threading.Thread(target=lambda: other_thread.update(draw=torch.rand(3)))
        thread.start()
        thread.join()
    for key, value in reference.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key
    assert torch.equal(draw, expected_draw)
    torch.set_rng_state(before)
    assert torch.equal(other_thread["draw"], torch.rand(3))  # another thread kept drawing from the global one


@pytest.mark.parametrize("name", sorted(__import__("playground.models.registry", fromlist=["x"]).ARCHITECTURES))
def test_every_architecture_initialises_as_torch_would_and_takes_a_generator(name):
    from playground.data import DATASETS, load_dataset
    from playground.models.registry import ARCHITECTURES, build_model, compatible_architectures

    dataset = next(d for d, ds in DATASETS.items() if name in compatible_architectures(ds.kind))
    splits = load_dataset(dataset)
    fields = ARCHITECTURES[name].config_class.__dataclass_fields__
    config = ARCHITECTURES[name].config_class(**({"dropout": 0.3} if "dropout" in fields else {}))
    torch.manual_seed(11)
    reference = build_model(name, splits, config)
    model = randomness.initialise(build_model(name, splits, config), randomness.seeded(11))
    for key, value in reference.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key
    randomness.attach(model, randomness.seeded(0))  # no dropout left that draws from the global generator


def test_the_rnns_own_between_layer_dropout_keeps_pytorchs_semantics():
    from playground.models.rnn import RNNClassifier, RNNConfig

    config = RNNConfig(cell="lstm", num_layers=3, dropout=0.4, bidirectional=True, hidden_size=8)
    model = RNNClassifier(input_shape=(6, 3), num_classes=4, config=config)
    x = torch.randn(5, 6, 3)
    model.between_layers.p = 0.0  # layer by layer without dropout is the stacked module itself
    assert torch.allclose(model._stacked(x), model.rnn(x)[0], atol=1e-6)
    model.between_layers.p = 0.4
    runs = []
    for _ in range(2):
        randomness.attach(model, randomness.seeded(1))
        runs.append(model(x))
    assert torch.equal(runs[0], runs[1])
    runs[0].sum().backward()
    assert model.rnn.weight_ih_l2.grad.abs().sum() > 0  # gradients reach every layer's own weights
    model.eval()
    assert torch.equal(model(x), model.head(model.rnn(x)[0][:, -1]))
