"""What the app runs on: device, library versions, memory, cached models. For the System tab and bug reports."""

import importlib.metadata
import os
import platform

LIBRARIES = ("torch", "torchaudio", "transformers", "gradio", "scikit-learn", "plotly", "safetensors", "tokenizers",
             "optuna")
SETTINGS = ("PLAYGROUND_ALLOWED_MODELS", "PLAYGROUND_MODELS_DIR", "PLAYGROUND_OUTPUT_DIR", "PLAYGROUND_DATA_DIR",
            "PLAYGROUND_MAX_CACHED_MODELS", "PLAYGROUND_MAX_QUEUE", "HF_HOME", "HF_HUB_OFFLINE")


def memory_mb() -> dict:
    """This process's resident memory and the machine's total/available, from /proc (Linux) when present."""
    info = {}
    try:
        for line in open(f"/proc/{os.getpid()}/status"):
            if line.startswith("VmRSS:"):
                info["process resident MB"] = int(line.split()[1]) // 1024
        for line in open("/proc/meminfo"):
            key, value = line.split(":", 1)
            if key in ("MemTotal", "MemAvailable"):
                info[f"machine {key[3:].lower()} MB"] = int(value.split()[0]) // 1024
    except OSError:
        pass
    return info


def device_info() -> dict:
    import torch

    info = {"torch threads": torch.get_num_threads(), "CPU cores": os.cpu_count(), "CUDA": torch.cuda.is_available()}
    if torch.cuda.is_available():
        free, total = torch.cuda.mem_get_info()
        info.update({"GPU": torch.cuda.get_device_name(0), "GPU memory free/total GB":
                     f"{free / 2**30:.1f} / {total / 2**30:.1f}", "bf16": torch.cuda.is_bf16_supported()})
    return info


def versions() -> dict:
    found = {"python": platform.python_version(), "platform": platform.platform()}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def report() -> list[list[str]]:
    """[section, item, value] rows."""
    from playground.hub import allowed_models, cached_models

    rows = [["device", k, str(v)] for k, v in device_info().items()]
    rows += [["memory", k, str(v)] for k, v in memory_mb().items()]
    rows += [["library", k, v] for k, v in versions().items()]
    rows += [["cached model", kind, model_id] for kind, model_id in cached_models()] or [["cached model", "-", "none"]]
    rows += [["allowed model", "id", m] for m in allowed_models()]
    rows += [["setting", k, os.environ[k]] for k in SETTINGS if k in os.environ]
    from playground.limits import table

    rows += [["limit", f"{what} ({env})", f"{value:,}"] for env, what, value, _ in table()]
    return rows
