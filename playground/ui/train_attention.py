"""The Train tab's attention view of a Transformer run: the maps of one test example, titled with its label.

Kept apart from train_inside.py (which only picks the view that fits a model)
so the attention view can grow without touching the panel everybody shares.
`read` touches the model (call it between steps, as the live worker does);
`draw` only turns what was read into a figure. The live worker also records
what `read` returns in each epoch's replay snapshot (a few small arrays:
layers x heads x tokens x tokens for one example), so the replay slider can
redraw the attention at any recorded epoch with `replayed`.
"""

from playground import i18n
from playground.plots import attention as attention_plots


def fits(run) -> bool:
    return callable(getattr(run.model, "forward_with_attention", None))


def read(run, example: int) -> dict:
    """The attention of every layer and head for test example `example`, plus what the title needs."""
    from playground.inspect.attention import attention_maps

    result = attention_maps(run.model, run.splits.x_test[example])
    predicted = int(result["probabilities"].argmax())
    about = run.problem.target_of(run.splits, example)
    if run.task == "classification":
        classes = i18n.class_words(run.splits.classes, run.splits.name)
        about += i18n.t("attention.predicted", predicted=classes[predicted],
                        probability=f"{float(result['probabilities'][predicted]):.0%}")
    return {**result, "example": example, "about": about, "patch_size": run.model.patch_size,
            "image": run.splits.x_test[example].numpy() if run.model.patch_size else None}


def draw(result: dict, epoch: int | None = None):
    """The figure; `epoch` (a replayed one) goes in the title: "before training" for 0."""
    example, about, patch = result["example"], result["about"], result["patch_size"]
    if epoch is not None:
        about += i18n.t("attention.before") if epoch == 0 else i18n.t("attention.after", epoch=epoch)
    if patch:
        what = (i18n.t("attention.image.cls", patches=len(result["labels"]) - result["has_cls"], size=patch)
                if result["has_cls"] else i18n.t("attention.image.received"))
        title = i18n.t("attention.image.title", example=example, about=about, what=what)
        return attention_plots.image_attention(result, result["image"], patch=patch, title=title)
    title = i18n.t("attention.sequence.title", example=example, about=about, named=result["named"])
    return attention_plots.sequence_attention(result, title=title)


def replayed(snapshots, epoch: int):
    """The attention recorded nearest to `epoch` in a job's snapshots, drawn; None when none was recorded."""
    found = snapshots.at(epoch) if snapshots else None
    if found is None or "attention" not in found[1]:
        return None
    recorded, data = found
    return draw(data["attention"], recorded)


def attention_figure(run, example: int):
    return draw(read(run, example))
