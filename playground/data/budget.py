"""The memory budget of uploaded datasets: how much one upload's tensors and one visitor's uploads may take.

An upload is small on the wire but not in memory: 20,000 one-pixel PNGs fit in
3 MB and become 3.9 GB of float32 pixels at 128x128. So every upload is priced
in tensor bytes *before* it is decoded (the zip listing gives the count of
images and the visitor chose the size; a table's rows and encoded columns are
known before the matrix is built) and refused, in one sentence naming the
limit, when it would pass PLAYGROUND_MAX_DATASET_MB, or when it and the
visitor's other uploads would pass PLAYGROUND_MAX_VISITOR_DATASETS_MB. Like the
other limits these bind web visitors only (`limits.enforced()`); the CLI's
owner may load what their machine holds.
"""

import threading

from playground import i18n
from playground import limits
from playground.errors import UserError

FLOAT32 = 4  # bytes per value: every dataset here is float32 features (labels are a rounding error)
filing = threading.Lock()  # held around check_room and the add that follows, so two uploads can't both fit


def megabytes(size: float) -> str:
    """1,250 MB; 1.5 MB; 0.059 MB (two figures under 10 MB, so a tiny limit never reads as 0)."""
    mb = size / 2**20
    return f"{mb:,.0f} MB" if mb >= 10 else f"{mb:.2g} MB"


def limit_bytes(name: str) -> int:
    return int(limits.limit(name) * 2**20)


def splits_bytes(splits) -> int:
    """The bytes a dataset's tensors hold (features and labels of all three splits)."""
    tensors = (splits.x_train, splits.y_train, splits.x_val, splits.y_val, splits.x_test, splits.y_test)
    return sum(t.numel() * t.element_size() for t in tensors)


def check_dataset(size: int, what: str, *, at_least: bool = False) -> None:
    """Refuse an upload whose tensors would take `size` bytes (`what` says what they are) over the dataset limit."""
    most = limit_bytes("dataset_mb")
    if limits.enforced() and size > most:
        raise UserError(i18n.t("errors.budget.dataset", what=what, size=megabytes(size), most=megabytes(most),
                               at_least=i18n.t("errors.budget.at_least") if at_least else "",
                               env=limits.LIMITS['dataset_mb'].env))


def held_bytes(session: str, *, besides: str | None = None) -> int:
    """What the visitor's uploads hold now, the one named `besides` left out (a new upload of it replaces it)."""
    from playground.data import registry

    with registry.session_scope(session):
        own = [name for name in registry.dataset_names() if name not in registry.DATASETS and name != besides]
        return sum(splits_bytes(registry.load_dataset(name)) for name in own)


def check_room(size: int, session: str, *, name: str | None = None) -> None:
    """Refuse a new upload of `size` bytes when it and the visitor's other uploads would pass their total."""
    most = limit_bytes("visitor_datasets_mb")
    if not limits.enforced():
        return
    held = held_bytes(session, besides=name)
    if held + size > most:
        raise UserError(i18n.t("errors.budget.visitor", size=megabytes(size), held=megabytes(held),
                               most=megabytes(most), env=limits.LIMITS['visitor_datasets_mb'].env))
