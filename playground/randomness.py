"""Per-run random generators, so "same seed, same result" holds whatever else the app is running.

torch has one global random generator per process. Several visitors train,
sample and generate at once in threads of one process, so anything that draws
from it (`torch.manual_seed`, `nn.Dropout`, `torch.randn` without a generator,
transformers' sampling) sees the other visitors' draws too, and a seed stops
meaning anything under load. Here every run owns its generators instead:

- `generators(seed, device)` gives a run its named streams (`weights`,
  `dropout`, `shuffle`, `noise`, `sampling`), each its own `torch.Generator`,
  so drawing more from one stream never moves another. Each is seeded with
  the seed itself, as the app always seeded (`torch.manual_seed(seed)` before
  building, a shuffling generator from the same seed): a run alone lands on
  the numbers it gave before, and an exported script, which seeds torch's
  global generator, still lands on the app's.
- `initialise(model, generator)` redraws a freshly built model's parameters
  from `generator` exactly as PyTorch's constructors draw them from the
  global one (kaiming-uniform for Linear and convolutions, uniform(±1/√hidden)
  for recurrent layers, N(0, 1) for embeddings, xavier for attention), in
  construction order: the same numbers as `torch.manual_seed(s)` then
  building, which the tests check. A module it doesn't know is refused by
  name, unless it has its own `initialise(generator)` method.
- `Dropout` is `nn.Dropout` (same scaling, identity in eval mode) that draws
  its mask from the generator `attach(model, generator)` gave it. Without one
  it falls back to the global generator, exactly as `nn.Dropout` does, so a
  model still works outside a run (a shape test, a notebook); every run in
  the app attaches one, and `attach` refuses a model that still holds a
  dropout drawing from the global generator (nn.Dropout, the internal dropout
  of nn.RNN/LSTM/GRU or nn.MultiheadAttention), because that would break the
  promise silently.
- `drawing_from(generator)` is for library code we can't hand a generator
  (transformers' sampling in `generate`, its weight initialisation): inside
  it, in this thread only, every torch random function called without a
  generator draws from `generator` (a `TorchFunctionMode`, which torch keeps
  per thread). The draws are the very ones the global generator would have
  made from the same seed, so "same seed" still equals
  `torch.manual_seed(seed)` followed by the library call, just without the
  other threads in the stream.

This file uses only torch, so an exported script can carry a copy of it.
"""

import math

import torch
from torch import nn
from torch.overrides import TorchFunctionMode


class Generators:
    """A run's named random streams: `weights` and `shuffle` on the CPU (models are built and batches
    ordered there), `dropout`, `noise` and `sampling` on the run's device."""

    def __init__(self, seed: int, device: torch.device | str = "cpu"):
        self.seed, self.device = int(seed), torch.device(device)
        self.weights = seeded(self.seed)
        self.shuffle = seeded(self.seed)
        self.dropout = seeded(self.seed, self.device)
        self.noise = seeded(self.seed, self.device)
        self.sampling = seeded(self.seed, self.device)


def generators(seed: int, device: torch.device | str = "cpu") -> Generators:
    """Fresh named generators for one run from `seed` (dropout, noise and sampling on `device`)."""
    return Generators(seed, device)


def seeded(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """One generator seeded with `seed` on `device` (for a single stream, e.g. a sample's noise)."""
    return torch.Generator(device=torch.device(device)).manual_seed(int(seed))


class Dropout(nn.Module):
    """nn.Dropout whose mask comes from the run's generator (set by `attach`), not from torch's global one."""

    def __init__(self, p: float = 0.5):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = float(p)
        self.generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        if self.generator is None:  # outside a run: behave exactly like nn.Dropout
            return nn.functional.dropout(x, self.p, training=True)
        if self.p == 1.0:
            return x * 0.0
        # torch's own CPU dropout, step for step (a mask laid out like x, bernoulli, divide, multiply), with the
        # run's generator: the same masks as nn.Dropout after torch.manual_seed, which exported scripts rely on
        keep = torch.empty_like(x, device=self.generator.device)
        keep.bernoulli_(1.0 - self.p, generator=self.generator).div_(1.0 - self.p)
        return x * keep.to(x.device)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def _global_dropout(module: nn.Module) -> str | None:
    """Why `module` would draw dropout from the global generator, or None."""
    if isinstance(module, nn.modules.dropout._DropoutNd) and module.p > 0:
        return f"{type(module).__name__}(p={module.p})"
    if isinstance(module, nn.RNNBase) and module.dropout > 0 and module.num_layers > 1:
        return f"the between-layer dropout of {type(module).__name__}"
    if isinstance(module, nn.MultiheadAttention) and module.dropout > 0:
        return "the attention dropout of nn.MultiheadAttention"
    return None


def attach(model: nn.Module, generator: torch.Generator) -> nn.Module:
    """Give every `Dropout` in `model` the run's `generator`; refuse a dropout that would use the global one."""
    for name, module in model.named_modules():
        reason = _global_dropout(module)
        if reason is not None:
            raise TypeError(f"{name or type(model).__name__} uses {reason}, which draws from torch's global "
                            "random generator: use playground.randomness.Dropout so the seed holds")
        if isinstance(module, Dropout):
            module.generator = generator
    return model


# --- initial weights ---

def _fan_in(weight: torch.Tensor) -> int:
    return nn.init._calculate_fan_in_and_fan_out(weight)[0]


def _linear_like(module, generator) -> None:
    """nn.Linear and every convolution: kaiming-uniform(a=√5) weights, uniform(±1/√fan_in) bias (torch's default)."""
    nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
    if module.bias is not None:
        fan_in = _fan_in(module.weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        nn.init.uniform_(module.bias, -bound, bound, generator=generator)


def _recurrent(module, generator) -> None:
    bound = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters(recurse=False):
        nn.init.uniform_(weight, -bound, bound, generator=generator)


def _embedding(module, generator) -> None:
    nn.init.normal_(module.weight, generator=generator)
    if module.padding_idx is not None:
        with torch.no_grad():
            module.weight[module.padding_idx].fill_(0)


def _attention(module, generator) -> None:
    _linear_like(module.out_proj, generator)  # built (and drawn) inside the constructor, before the rest
    if module.in_proj_weight is not None:
        nn.init.xavier_uniform_(module.in_proj_weight, generator=generator)
    else:
        for weight in (module.q_proj_weight, module.k_proj_weight, module.v_proj_weight):
            nn.init.xavier_uniform_(weight, generator=generator)
    if module.in_proj_bias is not None:
        nn.init.zeros_(module.in_proj_bias)
        nn.init.zeros_(module.out_proj.bias)
    for extra in (module.bias_k, module.bias_v):
        if extra is not None:
            nn.init.xavier_normal_(extra, generator=generator)


def _constant(module, generator) -> None:
    """Norm layers and PReLU start from constants: nothing random to draw."""
    module.reset_parameters()


INITIALISERS = (
    ((nn.Linear, nn.modules.conv._ConvNd), _linear_like),
    ((nn.RNNBase,), _recurrent),
    ((nn.Embedding,), _embedding),
    ((nn.MultiheadAttention,), _attention),
    ((nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.RMSNorm, nn.PReLU), _constant),
)


def _bilinear(module, generator) -> None:
    bound = 1 / math.sqrt(module.weight.size(1))
    nn.init.uniform_(module.weight, -bound, bound, generator=generator)
    if module.bias is not None:
        nn.init.uniform_(module.bias, -bound, bound, generator=generator)


@torch.no_grad()
def initialise(model: nn.Module, generator: torch.Generator) -> nn.Module:
    """Redraw every parameter of `model` from `generator` (torch's default distributions); returns `model`."""
    done: set[int] = set()
    for module in model.modules():  # construction order, for the usual model that builds what it registers
        if id(module) in done or not any(True for _ in module.parameters(recurse=False)):
            continue
        if isinstance(module, nn.MultiheadAttention):
            done.add(id(module.out_proj))
        if callable(getattr(module, "initialise", None)):
            module.initialise(generator)
        elif isinstance(module, nn.Bilinear):
            _bilinear(module, generator)
        else:
            for kinds, initialiser in INITIALISERS:
                if isinstance(module, kinds):
                    initialiser(module, generator)
                    break
            else:
                raise TypeError(f"playground.randomness.initialise doesn't know how to draw the weights of "
                                f"{type(module).__name__}: give it an initialise(generator) method")
    return model


# --- library code that draws from the global generator ---

# torch's random functions that take `generator=`
RANDOM_FUNCTIONS = frozenset([
    torch.rand, torch.randn, torch.randint, torch.randperm, torch.multinomial, torch.bernoulli, torch.normal,
    torch.poisson, torch.rand_like, torch.randn_like,
    torch.Tensor.uniform_, torch.Tensor.normal_, torch.Tensor.bernoulli_, torch.Tensor.bernoulli,
    torch.Tensor.random_, torch.Tensor.exponential_, torch.Tensor.geometric_, torch.Tensor.log_normal_,
    torch.Tensor.cauchy_, torch.Tensor.multinomial,
])
# these nn.init functions dispatch before reaching a Tensor method, under their module-level name, which a
# library may have swapped for its own wrapper (transformers does while it initialises): matched by name
INIT_NAMES = frozenset(["uniform_", "normal_", "kaiming_uniform_"])


def _takes_generator(func) -> bool:
    if func in RANDOM_FUNCTIONS:
        return True
    code = getattr(func, "__code__", None)
    return getattr(func, "__name__", "") in INIT_NAMES and code is not None and "generator" in code.co_varnames


class drawing_from(TorchFunctionMode):
    """`with drawing_from(generator):` torch random calls without a generator, in this thread, use `generator`.

    Dropout inside torch's C++ (F.dropout, nn.LSTM's between-layer dropout) is out of its reach: models
    use `Dropout` above for that.
    """

    def __init__(self, generator: torch.Generator):
        super().__init__()
        self.generator = generator

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if kwargs.get("generator") is None and _takes_generator(func):
            kwargs = {**kwargs, "generator": self.generator}
        return func(*args, **kwargs)
