"""bfloat16 speech models on a CPU keep their first convolution (the one that reads the waveform) in float32.

A wav2vec2-style model's feature encoder starts with a Conv1d from one input
channel (the raw samples) to hundreds, over every sample of the clip (160,000
for 10 s). oneDNN runs that one convolution several times *slower* in bfloat16
than in float32 on the CPU this was measured on (Intel Xeon with AMX; in
torch.profiler, 1 thread, 10 s of audio, the bfloat16 convolution and the
reorder of its 512 x 32,000 output took about a quarter of the whole bfloat16
pass, against 70 ms in float32), while every later layer gains from bfloat16.
So after the model is converted to bfloat16, that convolution alone goes back
to float32 (its input, which arrives in the model's dtype as transformers'
pipeline sends it, so both transcribe alike, is cast up) and hands bfloat16 on
to its norm and the rest. Keeping its norm
and activation in float32 too was measured slower (RESULTS.md, issue 15;
benchmarks/bench_speech.py for speed, benchmarks/bench_quality.py for the
transcripts). Parameter names don't change; on a GPU, and for float32 and int8
(whose activations are float32 already), the model is left as converted. torch
is imported where used, like the rest of playground/speech.
"""


def waveform_layer(model):
    """(name, module) of the first Conv1d that reads one channel (the waveform), or None."""
    from torch import nn

    for name, module in model.named_modules():
        if isinstance(module, nn.Conv1d) and module.in_channels == 1:
            return name, module
    return None


def _to_float32(module, args):
    import torch

    return tuple(a.float() if torch.is_tensor(a) and a.is_floating_point() else a for a in args)


def _back_to(dtype):
    import torch

    def hook(module, args, output):
        return output.to(dtype) if torch.is_tensor(output) else output
    return hook


def for_speech(model, precision_name: str, device):
    """`model`, converted to `precision_name` already, with its waveform convolution back in float32 where that
    pays (bfloat16 on a CPU); in place."""
    import torch

    if precision_name != "bfloat16" or getattr(device, "type", str(device)) != "cpu":
        return model
    found = waveform_layer(model)
    if found is None:
        return model
    _, layer = found
    layer.float()
    layer.register_forward_pre_hook(_to_float32)
    layer.register_forward_hook(_back_to(torch.bfloat16))
    return model
