"""Number formats a model can run in, and `auto`: the fastest one that is safe on this hardware, per workload.

A `Precision` supplies what differs between formats (its torch dtype, how to
convert a loaded model, why it can't run somewhere), so callers ask it instead
of branching on a name. A `Workload` (TEXT: token-by-token generation, SPEECH:
one pass over a whole clip) says what `auto` picks on a CPU, because the two
were measured to want different formats (benchmarks/RESULTS.md, issue 15):
wav2vec2 over a clip is compute-bound and bfloat16 pays where the CPU computes
it natively (/proc/cpuinfo lists avx512_bf16 or amx_bf16, or Arm's bf16),
while GPT-2 decoding one token at a time was *slower* in bfloat16 than in
float32 here and 1.8x faster in int8, so text's auto is int8 on a CPU with
the int8 dot-product instructions (avx512_vnni / avx_vnni) and float32
elsewhere. On a CUDA GPU that says `torch.cuda.is_bf16_supported()` auto is
bfloat16 for both; anywhere else float32. Quality was measured before auto was
allowed to pick a format (benchmarks/bench_quality.py, RESULTS.md).

int8 is dynamic quantisation of the `nn.Linear` layers (int8 weights packed
once, activations quantised per call) with `torch.ao.quantization.quantize_dynamic`
on fbgemm's x86 kernels. torchao's `quantize_` (where torch.ao now points) was
tried first and measured slower than float32 on this CPU for both models (its
CPU path in eager mode does not prepack), so the older route, which still
ships with torch, is used. transformers' Conv1D (GPT-2's blocks: a Linear with
its weight transposed) is turned into `nn.Linear` first, exactly. It runs on
the CPU only; anywhere else, or for a model with few linear layers, it is
refused with one sentence. Torch-free at import: the app builds its controls
from PRECISION_CHOICES at start-up.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from playground import i18n
from playground.errors import UserError

PRECISION_CHOICES = ("auto", "float32", "bfloat16", "int8")
TRAIN_PRECISION_CHOICES = ("auto", "float32", "bfloat16")  # int8 is for inference only
SPEECH_PRECISION_HELP = ("Number format of the weights: auto takes bfloat16 where this CPU or GPU computes it "
                         "natively (about twice as fast, same results in our measurements), float32 otherwise; int8 "
                         "quantises the linear layers (CPU only).")
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16", "bf16"})  # x86 flags, and Arm's "Features: ... bf16"
INT8_DOT_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})  # x86 int8 dot products (fbgemm uses them)
BF16_TRAINING_MIN_PIXELS = 16 * 16  # smaller images train faster in float32 (training_choice)
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
def _cpu_has(cpuinfo: str, wanted: frozenset) -> str | None:
    found = sorted(cpu_flags(cpuinfo) & wanted)
    return ", ".join(found) or None


def native_bf16(device, cpuinfo: str | Path = "/proc/cpuinfo") -> str | None:
    """Why `device` computes bfloat16 natively (the CPU flags, or the GPU's name), or None when it does not."""
    import torch

    kind = getattr(device, "type", str(device))
    if kind == "cpu":
        return _cpu_has(str(cpuinfo), NATIVE_BF16_FLAGS)
    if kind == "cuda" and torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return f"{torch.cuda.get_device_name(device)} supports bf16"
    return None


# the formats


@dataclass(frozen=True)
class Precision:
    name: str
    label: str  # its name in JSON and logs; a person reads spoken()

    def spoken(self) -> str:
        """The label in the visitor's language (a format's own name, float32, is the same in both)."""
        return i18n.t_or(f"precision.label.{self.name}", self.label)

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
        return None

    @property
    def dtype(self):
        import torch

        return torch.float32  # activations and the layers left unquantised stay float32

    def convert(self, model):
        import warnings

        import torch
        from torch import nn

        model = linear_from_conv1d(model.to(self.dtype).eval())
        with warnings.catch_warnings():  # "moves to torchao": measured faster here than torchao's route (docstring)
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8, inplace=True)


PRECISIONS = {p.name: p for p in (Precision("float32", "float32"), Precision("bfloat16", "bfloat16"),
                                  Int8("int8", "int8 (dynamic, linear layers)"))}
assert tuple(PRECISIONS) == PRECISION_CHOICES[1:], "PRECISION_CHOICES and the registry drifted apart"


@dataclass(frozen=True)
class Choice:
    """A resolved precision and why it was picked: what the status line and the System tab show."""

    precision: Precision
    asked: str  # what the user chose ("auto" or a format)
    reason_key: str = ""  # why auto picked it: a catalogue key (precision.reason.*), spoken when described
    reason_params: tuple = ()  # (name, value) pairs for its placeholders

    @property
    def name(self) -> str:
        return self.precision.name

    @property
    def reason(self) -> str:
        return i18n.t(self.reason_key, **dict(self.reason_params)) if self.reason_key else ""

    def describe(self) -> str:
        """The format, and for auto why it was picked, in the language of the request being served."""
        if self.asked != "auto":
            return self.precision.spoken()
        return i18n.t("precision.describe.auto", label=self.precision.spoken(), reason=self.reason)


@dataclass(frozen=True)
class Workload:
    """What a kind of inference wants from `auto` on a CPU: the format, and the CPU flags that make it pay."""

    name: str  # its words: precision.reason.<name>.fast (why the format pays) and .lacking (what a CPU lacks)
    cpu_format: str
    cpu_flags: frozenset

    def on_cpu(self, cpuinfo) -> Choice:
        found = _cpu_has(str(cpuinfo), self.cpu_flags)
        if found:
            return Choice(PRECISIONS[self.cpu_format], "auto", f"precision.reason.{self.name}.fast",
                          (("flags", found),))
        return Choice(PRECISIONS["float32"], "auto", f"precision.reason.{self.name}.lacking")


TEXT = Workload("text", "int8", INT8_DOT_FLAGS)
SPEECH = Workload("speech", "bfloat16", NATIVE_BF16_FLAGS)


def resolve(name: str, device, *, workload: Workload = SPEECH, cpuinfo: str | Path = "/proc/cpuinfo") -> Choice:
    """The format for the user's choice `name` on `device`; `auto` picks as the module docstring says."""
    name = (name or "auto").strip().lower()
    if name not in PRECISION_CHOICES:
        raise UserError(i18n.t("errors.precision.unknown", name=name, choices=', '.join(PRECISION_CHOICES)))
    if name != "auto":
        return Choice(PRECISIONS[name], name)
    kind = getattr(device, "type", str(device))
    if kind == "cpu":
        return workload.on_cpu(cpuinfo)
    native = native_bf16(device, cpuinfo)
    if native:
        return Choice(PRECISIONS["bfloat16"], "auto", "precision.reason.native", (("device", kind), ("native", native)))
    return Choice(PRECISIONS["float32"], "auto", "precision.reason.not_native", (("device", kind),))


def training_choice(name: str, model, device, *, input_shape=None, cpuinfo: str | Path = "/proc/cpuinfo") -> Choice:
    """The autocast a training run uses: `auto` is bfloat16 for convolutional nets on images of at least
    BF16_TRAINING_MIN_PIXELS where bf16 is native, float32 for the rest. Measured per training step
    (channels-last, fused Adam, batch 32, 1 thread, CPU time; benchmarks/RESULTS.md, issue 15): bf16 autocast was
    0.90x float32 on 8x8 images (`digits`: the products are too small to repay the casts), 1.10x on 16x16,
    1.2-1.5x on 28x28 and 32x32, 1.87x on 64x64 (`shapes`). Fully connected and recurrent nets on tiny
    batches gain nothing: their time is not in the matrix products. `input_shape` is one example's shape."""
    from torch import nn

    name = (name or "auto").strip().lower()
    if name not in TRAIN_PRECISION_CHOICES:
        raise UserError(i18n.t("errors.precision.unknown_training", name=name,
                               choices=', '.join(TRAIN_PRECISION_CHOICES)))
    if name != "auto":
        return Choice(PRECISIONS[name], name)
    if not any(isinstance(m, nn.Conv2d) for m in model.modules()):
        return Choice(PRECISIONS["float32"], "auto", "precision.reason.not_convolutional")
    pixels = input_shape[-1] * input_shape[-2] if input_shape is not None and len(input_shape) >= 2 else None
    if pixels is not None and pixels < BF16_TRAINING_MIN_PIXELS:
        return Choice(PRECISIONS["float32"], "auto", "precision.reason.small_images", (("pixels", "16x16"),))
    chosen = resolve("auto", device, cpuinfo=cpuinfo)
    return Choice(chosen.precision, "auto", chosen.reason_key, chosen.reason_params)


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
        linear += weight.numel() if isinstance(module, (nn.Linear, *_conv1d_classes())) else 0
    return linear / total if total else 0.0


def _conv1d_classes() -> tuple:
    try:
        from transformers.pytorch_utils import Conv1D
    except ImportError:
        return ()
    return (Conv1D,)


def linear_from_conv1d(model):
    """`model` with every transformers Conv1D (y = x @ W + b, W stored in x out) replaced, in place, by the
    nn.Linear that computes the same (W transposed), so quantisation that knows nn.Linear reaches it."""
    from torch import nn

    conv1d = _conv1d_classes()
    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if conv1d and isinstance(child, conv1d):
                linear = nn.Linear(*child.weight.shape, device=child.weight.device, dtype=child.weight.dtype)
                linear.weight.data = child.weight.data.t().contiguous()
                linear.bias.data = child.bias.data
                setattr(parent, child_name, linear)
    return model


def auto_summary(device=None) -> str:
    """One line for the System tab: what `auto` picks for generation and for transcription here."""
    import torch

    device = device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return i18n.t("precision.summary", text=resolve("auto", device, workload=TEXT).describe(),
                  speech=resolve("auto", device, workload=SPEECH).describe())
