"""Export a run as code: one standalone PyTorch script, its weights, and (for uploads) its data.

The script holds copies of the playground's own definitions (the dataset's
loader and its helpers, the model and its config, the optimizer and schedule
makers; see sources.py), then the training loop of standalone.py, then the
settings chosen in the app. Run as `python train_<model>_<dataset>.py` it
rebuilds the same data and the same model from the same seed and trains it
the same way; `--weights weights.safetensors` evaluates the app's trained
weights instead. A bundled dataset is rebuilt by the copied loader; an upload
travels as `data.safetensors` next to the script.
"""

import inspect
import json
import pprint
import re
from pathlib import Path

from playground import i18n
from playground import config as cfg
from playground.data.registry import DATASETS, Splits, to_splits
from playground.device import pick_device
from playground.errors import UserError
from playground.export import sources, standalone
from playground.training.config import TrainConfig
from playground.training.trainer import l1_penalty, make_optimizer, make_schedule

HEADER = '''"""{title}

Exported from the Deep Learning Playground: the same data, model and training
settings as in the app, in plain PyTorch. Needs torch, numpy, scikit-learn and
safetensors.

    python {script}                                  # train again from the same seed
    python {script} --weights weights.safetensors    # evaluate the app's trained weights

The last line printed is JSON with the test metrics.
"""

import argparse
import dataclasses
import json
import math
import time
import types
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


'''

UPLOAD_LOADER = '''
def load_data():
    """Your uploaded data, as the app prepared it (split, encoded, scaled), from data.safetensors."""
    from pathlib import Path

    from safetensors import safe_open

    path = Path(__file__).with_name("data.safetensors")
    with safe_open(str(path), framework="pt") as handle:
        meta = json.loads(handle.metadata()["splits"])
        tensors = {{key: handle.get_tensor(key) for key in handle.keys()}}
    return Splits(**meta, **tensors)
'''


def script_name(run) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", run.splits.name.lower()).strip("_")[:40] or "data"
    return f"train_{run.architecture.name}_{slug}.py"


def _data_code(run) -> tuple[str, str, list]:
    """(code defining load_data(), the objects it needs copied, whether data.safetensors is needed)."""
    name = run.splits.name
    if name in DATASETS:
        dataset = DATASETS[name]
        options = {**dataset.options, **{k: v for k, v in run.dataset_options.items() if v is not None}}
        code = (f"\n\ndef load_data():\n"
                f'    """The bundled dataset {name!r}, built and split exactly as in the app."""\n'
                f"    arrays = {dataset.loader.__name__}(**{options!r})\n"
                f"    return to_splits({name!r}, {dataset.kind!r}, arrays, task={dataset.task!r})\n")
        return code, [dataset.loader, to_splits], False
    return UPLOAD_LOADER.format(), [Splits], True


def _model_code(run) -> str:
    arch = run.architecture
    return (f'\n\ndef build_model(data):\n    """{arch.title} with the settings chosen in the app."""\n'
            f"    config = {arch.config_class.__name__}(**SETTINGS['model_settings'])\n"
            f"    return {arch.module_class.__name__}(input_shape=data.input_shape, num_classes=data.num_classes, "
            f"config=config)\n")


def build_script(run) -> str:
    """The whole script as text (checked to compile)."""
    data_code, data_objects, _ = _data_code(run)
    arch = run.architecture
    copied = sources.collect([*data_objects, arch.config_class, arch.module_class, TrainConfig, make_optimizer,
                              make_schedule, l1_penalty, pick_device])
    loop = inspect.getsource(standalone)
    loop = loop[loop.index("LOSSES = "):]  # drop its docstring and imports: the header has them
    settings = {"model": arch.name, "dataset": run.splits.name, "task": run.task,
                "model_settings": cfg.to_dict(run.model_config), "train_settings": cfg.to_dict(run.train_config),
                "loss": run.task_settings.get("loss", "cross_entropy"),
                "segments": run.segments or [run.train_config.epochs]}
    if run.summary:
        settings["app_test_metrics"] = {k: v for k, v in run.summary.items()
                                        if k in ("test_accuracy", "test_r2", "test_mae", "test_loss")}
    title = f"Train a {arch.title} on {run.splits.name!r} ({run.task})."
    parts = [HEADER.format(title=title, script=script_name(run)), copied, "\n\n# --- the data and the model ---",
             data_code, _model_code(run), "\n\n# --- training (plain PyTorch) ---\n\n", loop,
             f"\n\nSETTINGS = {pprint.pformat(settings, sort_dicts=False, width=110)}\n",
             '\n\nif __name__ == "__main__":\n    main()\n']
    text = re.sub(r"\n{4,}", "\n\n\n", "".join(parts))
    compile(text, script_name(run), "exec")
    return text


def export_run(run, folder) -> dict[str, Path]:
    """Write the script, the trained weights, config.json, and data.safetensors for uploaded data."""
    from safetensors.torch import save_file

    if not run.summary:
        raise UserError(i18n.t("errors.export.train_first"))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: v for k, v in run.save(folder).items() if k in ("weights", "config")}
    paths["script"] = folder / script_name(run)
    paths["script"].write_text(build_script(run))
    if _data_code(run)[2]:
        s = run.splits
        meta = {"name": s.name, "kind": s.kind, "classes": s.classes, "feature_names": s.feature_names,
                "task": s.task, "target_mean": s.target_mean, "target_std": s.target_std}
        tensors = {k: getattr(s, k).contiguous() for k in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")}
        paths["data"] = folder / "data.safetensors"
        save_file(tensors, str(paths["data"]), metadata={"splits": json.dumps(meta)})
    return paths
