"""Number formats a model can run in, and `auto`: the fastest one that is safe on this hardware.

A `Precision` supplies what differs between formats (its torch dtype, how to
convert a loaded model, why it can't run somewhere), so callers ask it instead
of branching on a name. `resolve("auto", device)` picks bfloat16 where the
hardware computes it natively (a CPU whose /proc/cpuinfo flags list
avx512_bf16 or amx_bf16, or Arm's bf16; a CUDA GPU that says
`torch.cuda.is_bf16_supported()`) and float32 otherwise: a CPU without native
bf16 emulates it and gets slower, not faster. Quality was measured before auto
was allowed to pick bfloat16 (benchmarks/bench_quality.py, RESULTS.md).

int8 is dynamic quantisation of the `nn.Linear` layers (int8 weights, int8
activations scaled per token) through torchao's `quantize_`, the route
`torch.ao.quantization.quantize_dynamic` now points to. It runs on the CPU
only here and only for models whose matrix products are `nn.Linear` (GPT-2's
blocks are transformers' Conv1D, so int8 would leave them untouched); anywhere
else it is refused with one sentence. Torch-free at import: the app builds its
controls from PRECISION_CHOICES at start-up.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from playground import i18n
from playground.errors import UserError

PRECISION_CHOICES = ("auto", "float32", "bfloat16", "int8")
TRAIN_PRECISION_CHOICES = ("auto", "float32", "bfloat16")  # int8 is for inference only
PRECISION_HELP = ("Number format of the weights: auto takes bfloat16 where this CPU or GPU computes it natively "
                  "(about twice as fast, same results in our measurements), float32 otherwise; int8 quantises "
                  "the linear layers (CPU only).")
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})  # x86 flags, and Arm's "Features: ... bf16"
LINEAR_SHARE_FOR_INT8 = 0.25  # below this share of weights in nn.Linear, int8 would leave the model as it was


# hardware


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> frozenset[str]:
    """The feature flags the kernel lists for the first CPU (empty where there is no /proc/cpuinfo)."""
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in ("flags", "features"):
            return frozenset(value.split())
    return frozenset()


@lru_cache(maxsize=None)
def _native_bf16_cpu(cpuinfo: str) -> str | None:
    found = sorted(cpu_flags(cpuinfo) & NATIVE_BF16_FLAGS)
    return ", ".join(found) or None


def native_bf16(device, cpuinfo: str | Path = "/proc/cpuinfo") -> str | None:
    """Why `device` computes bfloat16 natively (the CPU flags, or the GPU's name), or None when it does not."""
    import torch

    kind = getattr(device, "type", str(device))
    if kind == "cpu":
        return _native_bf16_cpu(str(cpuinfo))
    if kind == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return f"{torch.cuda.get_device_name(device)} supports bf16"
    return None


# the formats


@dataclass(frozen=True)
class Precision:
    name: str
    label: str  # what the status line says

    @property
    def dtype(self):
        import torch

        return getattr(torch, self.name)

    def refusal(self, model, device) -> str | None:
        """One sentence saying why this format can't run `model` on `device`, or None when it can."""
        return None

    def convert(self, model):
        """`model` in this format (in place where torch allows), in eval mode."""
        return model.to(self.dtype).eval()

    def autocast(self, device):
        """The context a training step and an evaluation run in: bfloat16 autocast, or nothing for float32."""
        import contextlib

        import torch

        if self.name != "bfloat16":
            return contextlib.nullcontext()
        return torch.autocast(getattr(device, "type", str(device)), dtype=torch.bfloat16)

    def prepare(self, model, device):
        """Convert `model`, or raise the one-sentence UserError when this format can't run it there."""
        reason = self.refusal(model, device)
        if reason:
            raise UserError(reason)
        return self.convert(model)


@dataclass(frozen=True)
class Int8(Precision):
    def refusal(self, model, device) -> str | None:
        if getattr(device, "type", str(device)) != "cpu":
            return i18n.t("errors.precision.int8_cpu_only", device=device)
        share = linear_share(model)
        if share < LINEAR_SHARE_FOR_INT8:
            return i18n.t("errors.precision.int8_few_linear", share=share)
        try:
            import torchao  # noqa: F401
        except ImportError:
            return i18n.t("errors.precision.no_torchao")
        return None

    @property
    def dtype(self):
        import torch

        return torch.float32  # activations and the layers left unquantised stay float32

    def convert(self, model):
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

        model = model.to(self.dtype).eval()
        quantize_(model, Int8DynamicActivationInt8WeightConfig())
        return model


PRECISIONS = {p.name: p for p in (Precision("float32", "float32"), Precision("bfloat16", "bfloat16"),
                                  Int8("int8", "int8 (dynamic, linear layers)"))}
assert tuple(PRECISIONS) == PRECISION_CHOICES[1:], "PRECISION_CHOICES and the registry drifted apart"


@dataclass(frozen=True)
class Choice:
    """A resolved precision and why it was picked: what the status line and the System tab show."""

    precision: Precision
    asked: str  # what the user chose ("auto" or a format)
    reason: str = ""

    @property
    def name(self) -> str:
        return self.precision.name

    def describe(self) -> str:
        if self.asked != "auto":
            return self.precision.label
        return f"{self.precision.label} (auto: {self.reason})"


def resolve(name: str, device, *, cpuinfo: str | Path = "/proc/cpuinfo") -> Choice:
    """The format for the user's choice `name` on `device`; `auto` picks as the module docstring says."""
    name = (name or "auto").strip().lower()
    if name not in PRECISION_CHOICES:
        raise UserError(i18n.t("errors.precision.unknown", name=name, choices=', '.join(PRECISION_CHOICES)))
    if name != "auto":
        return Choice(PRECISIONS[name], name)
    native = native_bf16(device, cpuinfo)
    if native:
        return Choice(PRECISIONS["bfloat16"], "auto", f"native bf16 on {getattr(device, 'type', device)}: {native}")
    return Choice(PRECISIONS["float32"], "auto", f"no native bf16 on {getattr(device, 'type', device)}")


def training_choice(name: str, model, device, *, cpuinfo: str | Path = "/proc/cpuinfo") -> Choice:
    """The autocast a training run uses: `auto` is bfloat16 for convolutional nets where bf16 is native (measured
    to pay there, benchmarks/bench_training.py) and float32 for the rest (fully connected and recurrent nets on
    tiny batches gain nothing: their time is not in the matrix products)."""
    from torch import nn

    name = (name or "auto").strip().lower()
    if name not in TRAIN_PRECISION_CHOICES:
        raise UserError(i18n.t("errors.precision.unknown_training", name=name,
                               choices=', '.join(TRAIN_PRECISION_CHOICES)))
    if name != "auto":
        return Choice(PRECISIONS[name], name)
    if not any(isinstance(m, nn.Conv2d) for m in model.modules()):
        return Choice(PRECISIONS["float32"], "auto", "not a convolutional net")
    chosen = resolve("auto", device, cpuinfo=cpuinfo)
    return Choice(chosen.precision, "auto", chosen.reason)


def linear_share(model) -> float:
    """Share of the weight-matrix parameters that sit in `nn.Linear` layers; embeddings (and an output layer
    tied to one, which is a lookup table's transpose) are left out of both counts."""
    from torch import nn

    embeddings = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    seen, linear, total = set(embeddings), 0, 0
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if not hasattr(weight, "dim") or weight.dim() < 2 or id(weight) in seen:
            continue
        seen.add(id(weight))
        total += weight.numel()
        linear += weight.numel() if isinstance(module, nn.Linear) else 0
    return linear / total if total else 0.0


def auto_summary(device=None) -> str:
    """One line for the System tab: what `auto` picks for generation and transcription here."""
    import torch

    device = device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return resolve("auto", device).describe()
