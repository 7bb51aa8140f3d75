"""Pretrained image backbones from Hugging Face (`microsoft/resnet-18`, `google/vit-base-patch16-224`, a folder).

`load_backbone(model_id)` loads the base model once through `hub.load_cached`
(never trust_remote_code); `make(pretrained=True)` hands out a copy to train,
`make(pretrained=False)` the same architecture with random weights, which is
what "from scratch" means for it. The wrapper takes our images in [0, 1],
normalises them as the model was trained, and returns one feature vector per
image (the pooled output, else the first token or the spatial mean).
"""

import copy
import inspect

import torch
from torch import nn

from playground import i18n
from playground.errors import UserError
from playground.hub import load_cached
from playground.libraries import import_transformers

IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
OFFLINE_HINT = "errors.hub.hint.backbone"  # a catalogue key: or leave the backbone empty ..."


class HubFeatures(nn.Module):
    """A transformers vision model as a backbone: images in [0, 1] -> (N, features)."""

    def __init__(self, model: nn.Module, mean: list[float], std: list[float], interpolate: bool):
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        self.interpolate = interpolate  # ViTs need it when images are not their own size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        extra = {"interpolate_pos_encoding": True} if self.interpolate else {}
        outputs = self.model(pixel_values=(x - self.mean) / self.std, **extra)
        pooled = getattr(outputs, "pooler_output", None)
        if pooled is not None:
            return pooled.flatten(1)
        hidden = outputs.last_hidden_state
        return hidden.mean(dim=(2, 3)) if hidden.dim() == 4 else hidden[:, 0]


class HubBackbone:
    def __init__(self, model_id: str, model: nn.Module, image_size: int, mean, std):
        self.model_id = model_id
        self.model = model
        self.mean, self.std = list(mean), list(std)
        channels = int(getattr(model.config, "num_channels", 3))
        own_size = getattr(model.config, "image_size", None)
        own_size = own_size[0] if isinstance(own_size, (list, tuple)) else own_size
        size = image_size or own_size or 224
        accepts = "interpolate_pos_encoding" in inspect.signature(model.forward).parameters
        self.interpolate = accepts and own_size is not None and size != own_size
        self.input_shape = (channels, size, size)
        self.description = f"{model_id} (pretrained, {sum(p.numel() for p in model.parameters()):,} parameters)"
        with torch.no_grad():
            probe = self.wrap(model).eval()
            self.feature_dim = int(probe(torch.zeros(1, *self.input_shape)).shape[1])

    def wrap(self, model: nn.Module) -> HubFeatures:
        return HubFeatures(model, self.mean[: self.input_shape[0]], self.std[: self.input_shape[0]],
                           self.interpolate)

    def make(self, pretrained: bool) -> nn.Module:
        import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
        from transformers import AutoModel

        if pretrained:
            model = copy.deepcopy(self.model)
        else:
            model = AutoModel.from_config(self.model.config)
        return self.wrap(model.float().train())


def _load_model(model_id: str):
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_id, dtype=torch.float32)
    if getattr(model, "main_input_name", None) != "pixel_values":
        raise UserError(i18n.t("errors.transfer.not_image_model", model=model_id))
    return model.eval()


def _normalisation(model_id: str) -> tuple[list, list]:
    """The model's own mean/std when it ships an image processor, ImageNet's otherwise."""
    import_transformers()  # its first import isn't thread-safe (playground/libraries.py)
    from transformers import AutoImageProcessor

    try:
        processor = load_cached("image-processor", model_id, AutoImageProcessor.from_pretrained)
    except (UserError, OSError, ValueError, KeyError):
        return IMAGENET_MEAN, IMAGENET_STD
    mean, std = getattr(processor, "image_mean", None), getattr(processor, "image_std", None)
    return (list(mean), list(std)) if mean and std else (IMAGENET_MEAN, IMAGENET_STD)


def load_backbone(model_id: str, *, image_size: int = 0) -> HubBackbone:
    model_id = model_id.strip()
    model = load_cached("image-backbone", model_id, _load_model, offline_hint=OFFLINE_HINT)
    mean, std = _normalisation(model_id)
    return HubBackbone(model_id, model, image_size, mean, std)
