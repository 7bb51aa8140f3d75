"""The Train tab's "Inside the network" panel: neuron maps, feature maps, RNN states, attention, histograms.

Which view a model gets is a table of (fits?, draw) pairs, first match wins:
an MLP on 2-D data shows every hidden neuron's map, a CNN the feature maps of
a test image, a recurrent net its states and gates over a test sequence.
Histograms fit every model. While training, the live job's worker calls
`live_state` between epochs (it reads the weights, so only there) and the
handler draws that state with `draw_live`, never touching the model. The
histograms go live only while the visitor has this panel open (`watch`): a
closed panel shows nothing, and redrawing its grid every 2 s slowed a loaded
browser enough to miss a live test's epochs; they are drawn when a run ends
either way.
"""

import threading
import weakref

import gradio as gr

from playground import i18n
from playground.errors import UserError
from playground.plots import inside
from playground.plots.style import empty
from playground.ui import visitors

_start_histograms: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # run -> its weights before training
_open: set[str] = set()  # the visitors (sessions) whose panel is open: their runs draw the histograms live
_open_lock = threading.Lock()


def _two_d_mlp(run) -> bool:
    return run.architecture.name == "mlp" and run.splits.input_shape == (2,)


def _neuron_maps(run) -> dict:
    from playground.inspect.neurons import hidden_neuron_maps

    return hidden_neuron_maps(run.model, run.splits, resolution=32)  # drawn 2x: 64 px tiles


def _neurons(run, example: int):
    return inside.neuron_thumbnails(_neuron_maps(run))


def _has_convolutions(run) -> bool:
    from playground.inspect.feature_maps import conv_readouts

    return run.splits.kind == "image" and bool(conv_readouts(run.model))


def _feature_maps(run, example: int):
    from playground.inspect.feature_maps import feature_maps

    image = run.splits.x_test[example]
    layers, probabilities = feature_maps(run.model, image)
    predicted = int(probabilities.argmax())
    classes = i18n.class_words(run.splits.classes, run.splits.name)
    title = i18n.t("inside.feature_maps.title", example=example, truth=classes[int(run.splits.y_test[example])],
                   predicted=classes[predicted],
                   probability=f"{float(probabilities[predicted]):.0%}")
    return inside.feature_map_grid(layers, image.numpy(), title=title)


def _is_recurrent(run) -> bool:
    return hasattr(run.model, "rnn")


def _recurrent(run, example: int):
    from playground.inspect.rnn_states import recurrent_states

    sequence = run.splits.x_test[example]
    result = recurrent_states(run.model, sequence)
    top = [layer for layer in result["layers"] if layer["direction"] == "forward"][-1]
    title = i18n.t("inside.recurrent.title", cell=result["cell"].upper(), layer=top["layer"], example=example,
                   about=run.problem.target_of(run.splits, example))
    return inside.recurrent_heatmaps({k: v.numpy() for k, v in top["states"].items()}, sequence.numpy(), title=title)


def _has_attention(run) -> bool:
    return callable(getattr(run.model, "forward_with_attention", None))


def _attention(run, example: int):
    from playground.ui.train_attention import attention_figure

    return attention_figure(run, example)


VIEWS = [(_two_d_mlp, _neurons), (_has_attention, _attention), (_has_convolutions, _feature_maps),
         (_is_recurrent, _recurrent)]


def view_for(run):
    return next((draw for fits, draw in VIEWS if fits(run)), None)


def look_inside(run, example=0):
    """The view that fits the run's model, for test example number `example`."""
    if run is None:
        return empty(i18n.t("inside.empty.untrained"))
    draw = view_for(run)
    if draw is None:
        return empty(i18n.t("inside.empty.no_view"))
    return draw(run, chosen_example(run, example))


def chosen_example(run, example) -> int:
    """The test example number from the box, kept within the test split (an empty box is example 0)."""
    try:
        number = int(float(example or 0))
    except (TypeError, ValueError, OverflowError):
        raise UserError(i18n.t("errors.train.example_number", value=str(example)[:40])) from None
    return min(max(number, 0), len(run.splits.y_test) - 1)


def remember_start(run) -> None:
    """Keep the weights' histograms before training, drawn as an outline later."""
    from playground.inspect.histograms import weight_histograms  # torch: imported when a run exists, not at app start

    if run not in _start_histograms:
        _start_histograms[run] = weight_histograms(run.model)


def histograms(run):
    """The weight histograms now (after training: it reads the model)."""
    return draw_live(run, live_state(run, neurons=False))["histograms"]


def watch(request, opened: bool) -> None:
    """The visitor opened (or closed) the panel: from now on their runs, the one training included (it asks
    `is_open` each time), draw the weight histograms live (or stop drawing them)."""
    with _open_lock:
        (_open.add if opened else _open.discard)(visitors.session_of(request))


def watch_opened(request: gr.Request) -> None:  # the panel's expand and collapse events
    watch(request, True)


def watch_closed(request: gr.Request) -> None:
    watch(request, False)


def is_open(session: str) -> bool:
    """Whether the visitor of `session` (visitors.session_of) has the panel open."""
    with _open_lock:
        return session in _open


@visitors.on_leave
def _forget(session: str) -> None:
    with _open_lock:
        _open.discard(session)


def live_state(run, *, neurons: bool = True, histograms: bool = True, example: int = 0) -> dict:
    """What the live views need, read from the model: call it only between steps (the worker does)."""
    from playground.inspect.histograms import weight_histograms

    state = {"epoch": run.epochs_run}
    if histograms:
        state["histograms"] = weight_histograms(run.model)
    if neurons and _two_d_mlp(run):  # cheap there: a 32 x 32 grid through a small net
        state["neurons"] = _neuron_maps(run)
    if neurons and _has_attention(run):  # one test example through the model: cheap too
        from playground.ui import train_attention

        state["attention"] = train_attention.read(run, example)
    return state


def draw_live(run, state: dict) -> dict:
    """{'histograms': figure, 'inside': figure (neuron maps or attention, where the model has them)}."""
    drawn = {}
    if "histograms" in state:
        title = i18n.t("inside.histograms.title", epoch=state["epoch"])
        drawn["histograms"] = inside.histogram_grid(state["histograms"], _start_histograms.get(run), title=title)
    if "neurons" in state:
        drawn["inside"] = inside.neuron_thumbnails(state["neurons"])
    if "attention" in state:
        from playground.ui import train_attention

        drawn["inside"] = train_attention.draw(state["attention"])
    return drawn


# layout


def build():
    """The panel's components: {'panel', 'histograms', 'inside', 'example', 'look'}."""
    with gr.Accordion(i18n.ui("inside.title"), open=False, elem_id="inside-network") as panel:
        gr.Markdown(i18n.ui("inside.explain"))
        with gr.Row():
            example = gr.Number(0, precision=0, label=i18n.ui("inside.example.label"), minimum=0, scale=1,
                                info=i18n.ui("inside.example.info"))
            look = gr.Button(i18n.ui("inside.look"), scale=1, elem_id="look-inside")
        inside_plot = gr.Plot(label=i18n.ui("inside.title"), elem_id="inside-plot")
        histogram_plot = gr.Plot(label=i18n.ui("inside.histograms.label"), elem_id="histogram-plot")
    return {"panel": panel, "histograms": histogram_plot, "inside": inside_plot, "example": example, "look": look}
