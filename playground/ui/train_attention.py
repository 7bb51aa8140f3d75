"""The Train tab's attention view of a Transformer run: the maps of one test example, titled with its label.

Kept apart from train_inside.py (which only picks the view that fits a model)
so the attention view can grow without touching the panel everybody shares.
`read` touches the model (call it between steps, as the live worker does);
`draw` only turns what was read into a figure.
"""

from playground.plots import attention as attention_plots


def read(run, example: int) -> dict:
    """The attention of every layer and head for test example `example`, plus what the title needs."""
    from playground.inspect.attention import attention_maps

    result = attention_maps(run.model, run.splits.x_test[example])
    predicted = int(result["probabilities"].argmax())
    about = run.problem.target_of(run.splits, example)
    if run.task == "classification":
        about += f", predicted {run.splits.classes[predicted]} at {float(result['probabilities'][predicted]):.0%}"
    return {**result, "example": example, "about": about, "patch_size": run.model.patch_size,
            "image": run.splits.x_test[example].numpy() if run.model.patch_size else None}


def draw(result: dict):
    example, about, patch = result["example"], result["about"], result["patch_size"]
    if patch:
        what = (f"where [CLS] looked among the {len(result['labels']) - result['has_cls']} patches of "
                f"{patch}×{patch} pixels" if result["has_cls"] else "how much attention each patch received")
        title = f"Test image {example} ({about}). Pick a layer and head ▸<br><sup>{what}</sup>"
        return attention_plots.image_attention(result, result["image"], patch=patch, title=title)
    title = (f"Attention for test sequence {example} ({about}). Pick a layer and head ▸<br><sup>Tokens are "
             f"named {result['named']}; bright: looked at a lot</sup>")
    return attention_plots.sequence_attention(result, title=title)


def attention_figure(run, example: int):
    return draw(read(run, example))
