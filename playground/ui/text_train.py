"""The tiny GPT panel at the bottom of the Text tab: train a small GPT-2 from scratch, offline, then use it above.

The handler streams the training events: the loss curves (training loss every
step, held-out loss every few steps), and a sample of what the model writes at
each evaluation, drawn with the same seed so the samples can be compared. At
the end the model is saved (`save_pretrained`) under the outputs folder,
offered as a zip, and added to the Model menu above and selected there. Stop
ends training after the step in flight and still saves what was learnt.
Training is a live job on the engine (ui/engine/): the worker trains, the
handler draws what it published. `/train_lm` takes every setting by name,
e.g. `client.predict(source="Paste text", pasted=text, steps=40,
api_name="/train_lm")`; a refused input ends as one sentence in the status
line, as everywhere in the Text tab.
"""

import functools
from datetime import datetime

import gradio as gr
import pandas as pd

from playground import config as cfg
from playground import i18n, limits
from playground.errors import UserError
from playground.gpu import gpu_task
from playground.guards import check_upload
from playground.text.corpus import check_corpus, read_corpus_file, stdlib_corpus
from playground.text.loading import SUGGESTED_MODELS
from playground.text.tiny_gpt import TinyGPTConfig, parameter_count, train_events, zip_folder
from playground.ui import engine
from playground.ui.controls import make_controls

SOURCES = ("Python documentation (built in)", "Paste text", "Upload a text file")  # the API's values: English
SOURCE_KEYS = ("text.tiny.source.builtin", "text.tiny.source.paste", "text.tiny.source.upload")  # what a person reads
CURVES = ("training", "held-out")  # the loss curves' ids; the legend shows text.tiny.curve.<id>
COLOURS = ("#60a5fa", "#f97316")
MAIN_SETTINGS = ["layers", "heads", "embedding_size", "context_length", "steps", "learning_rate"]
MORE_SETTINGS = ["batch_size", "tokenizer", "vocab_size", "sample_every", "seed", "sample_prompt"]
SETTINGS = MAIN_SETTINGS + MORE_SETTINGS  # the order /train_lm takes them in after its first inputs
KIND = "train_lm"  # the engine's name for this panel's live job


# helpers


def corpus_for(source: str, pasted: str, uploaded) -> str:
    if source == SOURCES[1]:
        return check_corpus(pasted)
    if source == SOURCES[2]:
        if not uploaded:
            raise UserError(i18n.t("text.tiny.error.no_file"))
        return read_corpus_file(check_upload(uploaded, "nouns.text_file"))
    return stdlib_corpus()


def curves(rows: list[tuple]) -> pd.DataFrame | None:
    """Long format for gr.LinePlot, or None until both curves have a point: the plot keeps the colours (curves) of
    its first data for good, and one that starts from an empty frame never draws its lines."""
    if len({row[2] for row in rows}) < 2:
        return None
    names = {curve: i18n.t(f"text.tiny.curve.{curve}") for curve in CURVES}
    frame = pd.DataFrame([(step, loss, names[curve]) for step, loss, curve in rows], columns=["step", "loss", "curve"])
    return frame.astype({"step": "int64", "loss": "float64", "curve": "str"})


# the live job


def work(config, corpus, folder, job):
    """Runs in the worker thread: train, publish the loss rows, the samples and the header line."""
    rows, samples = [], []
    job.publish(rows=rows, samples=samples, header="", done=None)
    for event in train_events(config, corpus, out_dir=folder, stop=job.flag):
        kind = event["event"]
        if kind == "start":
            job.publish(header=i18n.t("text.tiny.header", parameters=event["parameters"],
                                      vocabulary=event["vocab_size"], tokens=event["train_tokens"],
                                      device=event["device"]))
        elif kind == "step":
            rows.append((event["step"], event["loss"], "training"))
            job.publish(step=event["step"])
        elif kind == "eval":
            rows.append((event["step"], event["val_loss"], "held-out"))
            job.publish(step=event["step"])
        elif kind == "sample":
            samples.append(i18n.t("text.tiny.sample", step=event["step"], text=event["text"]))
            job.publish(sampled=len(samples))
        elif kind == "done":
            job.publish(done=event)
    return job.view()["done"]


def render(config):
    def draw(view: dict) -> dict:
        rows = view.get("rows", [])
        if not view.get("header"):
            return {"status": i18n.t("text.tiny.status.tokenizer")}
        progress = (i18n.t("text.tiny.status.step", step=rows[-1][0], steps=config.steps) if rows
                    else i18n.t("text.tiny.status.starting"))
        return {"status": i18n.t("text.tiny.status.progress", header=view["header"], progress=progress),
                "curves": curves(rows),
                "samples": "\n\n".join(view.get("samples", []))}

    return draw


# handlers


@gpu_task(duration=120)
def train(request: gr.Request, source=SOURCES[0], pasted=None, uploaded=None, trained=None, **settings):
    """Stream: status, loss curves, samples; then the download, the model menu and the trained models (state).

    The job waits for one of the "train" slots every tab that trains shares, and runs for at most
    PLAYGROUND_MAX_JOB_SECONDS, then saves what it learnt.
    """
    from playground.outputs import new_run_dir

    try:
        config = cfg.build(TinyGPTConfig, settings)
        limits.check("parameters", parameter_count(config))
        corpus = corpus_for(source, pasted, uploaded)
    except UserError as error:
        yield {"status": f"⚠️ {error}"}
        return
    folder = new_run_dir("tiny-gpt") / "tiny-gpt"
    job = engine.Job(functools.partial(work, config, corpus, folder), kind=KIND, title=i18n.t("text.tiny.title"))
    yield {"status": i18n.t("text.tiny.status.tokenizer"), "curves": None, "samples": "", "download": None}
    job = yield from engine.follow(request, job, render(config))
    if not job.ran:  # refused (busy) or stopped while it waited: the status says so already
        return
    view, done = job.view(), job.result
    if job.state == "failed" or done is None:
        yield {"status": f"⚠️ {job.error or i18n.t('text.tiny.error.unsaved')}",
               "curves": curves(view["rows"]), "samples": "\n\n".join(view["samples"])}
        return
    label = i18n.t("text.tiny.menu_label", time=f"{datetime.now():%H:%M:%S}", layers=config.layers,
                   width=config.embedding_size)
    trained = [*(trained or []), (label, done["path"])]
    status = i18n.t("text.tiny.status.stopped" if done["status"] == "stopped" else "text.tiny.status.done",
                    steps=done["steps_run"], seconds=done["seconds"], initial=done["initial_val_loss"],
                    loss=done["val_loss"], header=view["header"])
    status += f" {job.deadline.message()}" if job.expired else ""
    yield {"status": status, "curves": curves(view["rows"]), "samples": "\n\n".join(view["samples"]),
           "download": gr.update(value=str(zip_folder(done["path"])), visible=True),
           "model_menu": gr.update(choices=[(m, m) for m in SUGGESTED_MODELS] + [tuple(t) for t in trained],
                                   value=done["path"]),
           "trained": trained}


def stop(request: gr.Request):
    engine.stop(request, KIND)


def on_source(source: str):
    return {"pasted": gr.update(visible=source == SOURCES[1]), "uploaded": gr.update(visible=source == SOURCES[2])}


# layout


def build(model_menu):
    """The panel, wired to the Model menu of the generation part above."""
    views = {"model_menu": model_menu}  # name -> component: what handlers update
    with gr.Accordion(i18n.ui("text.tiny.panel.label"), open=True, elem_id="tiny-gpt"):
        gr.Markdown(i18n.ui("text.tiny.explanation"))
        with gr.Row():
            with gr.Column(scale=4, min_width=320):
                text = {"source": gr.Radio([(i18n.ui(key), value) for key, value in zip(SOURCE_KEYS, SOURCES)],
                                           value=SOURCES[0], label=i18n.ui("text.tiny.source.label"),
                                           info=i18n.ui("text.tiny.source.info")),
                        "pasted": gr.Textbox(lines=6, label=i18n.ui("text.tiny.pasted.label"), visible=False,
                                             info=i18n.ui("text.tiny.pasted.info")),
                        "uploaded": gr.File(label=i18n.ui("text.tiny.uploaded.label"), type="filepath", visible=False,
                                            file_types=[".txt", ".md", ".rst", ".py", ".csv"])}
                controls = make_controls(TinyGPTConfig, only=MAIN_SETTINGS)
                with gr.Accordion(i18n.ui("text.tiny.more.label"), open=False):
                    controls |= make_controls(TinyGPTConfig, only=MORE_SETTINGS)
            with gr.Column(scale=7):
                with gr.Row():
                    train_button = gr.Button(i18n.ui("text.tiny.train.button"), variant="primary", scale=3)
                    stop_button = gr.Button(i18n.ui("text.tiny.stop.button"), variant="stop", scale=1)
                views["status"] = gr.Markdown(i18n.ui("text.tiny.status.intro"), elem_id="tiny-gpt-status")
                # the legend's names are the visitor's language, so the colours are given for each language's
                colours = {i18n.t(f"text.tiny.curve.{curve}", lang=lang): colour
                           for lang in i18n.LANGUAGES for curve, colour in zip(CURVES, COLOURS)}
                views["curves"] = gr.LinePlot(None, x="step", y="loss", color="curve", height=280,
                                              label=i18n.ui("text.tiny.curves.label"), color_map=colours)
                views["samples"] = gr.Textbox(label=i18n.ui("text.tiny.samples.label"), lines=8,
                                              interactive=False, elem_id="tiny-gpt-samples")
                views["download"] = gr.File(label=i18n.ui("text.tiny.download.label"),
                                            interactive=False, visible=False)
    views["trained"] = gr.State([])
    engine.listen(text["source"].change, on_source, inputs={"source": text["source"]},
                  outputs={name: text[name] for name in ("pasted", "uploaded")}, api_visibility="private")
    # positional data (raw API calls) follow this order: the text, the trained models (state), SETTINGS
    inputs = {**text, "trained": views["trained"], **{name: controls[name] for name in SETTINGS}}
    outputs = {name: views[name] for name in ("status", "curves", "samples", "download", "model_menu", "trained")}
    engine.listen(train_button.click, train, inputs=inputs, outputs=outputs, api_name="train_lm",
                  concurrency_limit=None)  # admission is the engine's: the "train" slots
    engine.listen(stop_button.click, stop, api_name="stop_train_lm", queue=False)
