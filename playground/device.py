"""Pick the torch device once, from a user's choice of auto/cpu/cuda/mps."""

from playground import i18n

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


def pick_device(name: str = "auto"):
    import torch

    from playground.errors import UserError

    if name not in DEVICE_CHOICES:
        raise UserError(i18n.t("errors.device.unknown", name=name, choices=', '.join(DEVICE_CHOICES)))
    mps_ok = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if mps_ok else torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError(i18n.t("errors.device.no_cuda"))
    if name == "mps" and not mps_ok:
        raise UserError(i18n.t("errors.device.no_mps"))
    return torch.device(name)
