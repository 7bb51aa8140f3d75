"""Pretrained models by Hugging Face id or local folder: loaded once, kept in a bounded cache.

Every `from_pretrained` call in the project goes through `load_cached`, so a
model that can't be reached always gives the same one plain sentence, and the
number of models held in memory stays bounded (PLAYGROUND_MAX_CACHED_MODELS,
least recently used goes first). Never `trust_remote_code`.

Web visitors may load only what the host allows: the app calls
`restrict_to_allow_list()` at start, after which a model id must be on the
allow-list (PLAYGROUND_ALLOWED_MODELS) and a folder must lie inside the models
folder (PLAYGROUND_MODELS_DIR) or the app's own output folder (models trained
in the app). The CLI, run by the machine's owner, loads any local folder.
"""

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from playground import i18n
from playground.errors import UserError, shorten, shown

_cache: "OrderedDict[tuple, object]" = OrderedDict()
_lock = threading.Lock()
_loading: dict[tuple, threading.Lock] = {}
_restricted = False

MAX_ID_CHARS = 512  # a Hub id is at most 96 characters; this leaves room for a deep local folder
DEFAULT_ALLOWED_MODELS = ("gpt2", "distilgpt2", "gpt2-medium", "facebook/wav2vec2-base-960h",
                          "microsoft/resnet-18", "google/vit-base-patch16-224")


def max_cached_models() -> int:
    from playground.limits import limit

    return max(1, int(limit("cached_models")))


def unreachable(model_id: str, offline_hint: str = "") -> UserError:
    """The one sentence for a model we could not load; `offline_hint` is the catalogue key of a hint to add."""
    if Path(model_id).expanduser().is_dir():
        return UserError(i18n.t("errors.hub.folder_not_model", model=shown(model_id)))
    hint = f" {i18n.t(offline_hint)}" if offline_hint else ""
    return UserError(i18n.t("errors.hub.unreachable", model=shown(model_id), hint=hint))


def restrict_to_allow_list(restricted: bool = True) -> None:
    """From now on, refuse models a web visitor may not load (see the module's docstring)."""
    global _restricted
    _restricted = restricted


def allowed_models() -> list[str]:
    listed = os.environ.get("PLAYGROUND_ALLOWED_MODELS")
    return [m.strip() for m in listed.split(",") if m.strip()] if listed else list(DEFAULT_ALLOWED_MODELS)


def models_dir() -> Path:
    return Path(os.environ.get("PLAYGROUND_MODELS_DIR", "models")).expanduser().resolve()


def checked_id(model_id) -> str:
    """`model_id` stripped, or a UserError when it is not text that could name a model or a folder."""
    if model_id is None or isinstance(model_id, str) and not model_id.strip():
        raise UserError(i18n.t("errors.hub.no_id"))
    if not isinstance(model_id, str):
        raise UserError(i18n.t("errors.hub.id_not_text", value=shown(model_id)))
    model_id = model_id.strip()
    if len(model_id) > MAX_ID_CHARS or any(ord(char) < 32 for char in model_id):
        raise UserError(i18n.t("errors.hub.id_too_long", value=shown(model_id), most=MAX_ID_CHARS))
    return model_id


def check_allowed(model_id: str) -> None:
    """Raise a UserError if a web visitor may not load `model_id`; a no-op until restricted."""
    model_id = checked_id(model_id)
    if not _restricted or model_id in allowed_models():
        return
    from playground.outputs import output_root

    # anything else must be a folder under the models folder or our outputs; resolve() undoes ../ and links
    folder = Path(model_id).expanduser().resolve()
    for root in (models_dir(), output_root()):
        if folder.is_relative_to(root):
            return
    # the host's remedy comes before the list, which can be long: a refusal shows at most MESSAGE_CHARS
    raise UserError(i18n.t("errors.hub.not_allowed", model=shown(model_id),
                           allowed=shorten(', '.join(allowed_models()), 90)))


def load_cached(kind: str, model_id: str, loader: Callable[[str], object], *, offline_hint: str = ""):
    """Return `loader(model_id)`, loading it at most once while it stays in the cache.

    `kind` keeps different uses of the same id apart (a tokenizer and a model, say).
    Loader errors that mean "not there" become one UserError.
    """
    model_id = checked_id(model_id)
    check_allowed(model_id)
    key = (kind, model_id)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        key_lock = _loading.setdefault(key, threading.Lock())
    with key_lock:  # two users asking for the same model wait for one load
        with _lock:
            if key in _cache:
                return _cache[key]
        try:
            value = loader(model_id)
            with _lock:
                _cache[key] = value
                while len(_cache) > max_cached_models():
                    _cache.popitem(last=False)
            return value
        except (OSError, ValueError, KeyError) as error:
            if isinstance(error, UserError):
                raise
            raise unreachable(model_id, offline_hint) from error
        finally:  # loaded or failed, its lock goes: ids that never load must not pile up locks
            with _lock:
                _loading.pop(key, None)


def cached_models() -> list[tuple[str, str]]:
    """(kind, id) of every model held now, oldest first: for the System tab."""
    with _lock:
        return list(_cache)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
