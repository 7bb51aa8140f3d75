"""The tiny GPT panel at the bottom of the Text tab: train a small GPT-2 from scratch, offline, then use it above.

The handler streams the training events: the loss curves (training loss every
step, held-out loss every few steps), and a sample of what the model writes at
each evaluation, drawn with the same seed so the samples can be compared. At
the end the model is saved (`save_pretrained`) under the outputs folder,
offered as a zip, and added to the Model menu above and selected there. Stop
ends training after the step in flight and still saves what was learnt.
`/train_lm` takes every setting by name, e.g. `client.predict(source="Paste
text", pasted=text, steps=40, api_name="/train_lm")`; a refused input ends as
one sentence in the status line, as everywhere in the Text tab.
"""

import time
from datetime import datetime

import gradio as gr
import pandas as pd

from playground import config as cfg
from playground import limits
from playground.errors import UserError
from playground.gpu import gpu_task
from playground.guards import check_upload
from playground.text.corpus import check_corpus, read_corpus_file, stdlib_corpus
from playground.text.loading import SUGGESTED_MODELS
from playground.text.tiny_gpt import TinyGPTConfig, parameter_count, train_events, zip_folder
from playground.ui import jobs, sessions
from playground.ui.controls import make_controls

SOURCES = ("Python documentation (built in)", "Paste text", "Upload a text file")
MAIN_SETTINGS = ["layers", "heads", "embedding_size", "context_length", "steps", "learning_rate"]
MORE_SETTINGS = ["batch_size", "tokenizer", "vocab_size", "sample_every", "seed", "sample_prompt"]
SETTINGS = MAIN_SETTINGS + MORE_SETTINGS  # the order /train_lm takes them in after its first inputs
UPDATE_SECONDS = 0.5
EXPLANATION = """Train a small model with GPT-2's architecture from scratch: no download, no network. By default it
learns from the Python standard library's own documentation (the docstrings `pydoc` shows, gathered when you press
Train); you can paste or upload any text instead. A tokenizer is learnt on the spot (one token per character, or
BPE). Watch the loss fall and the samples turn from noise into something that looks like the text. When it is done
the model is selected in the **Model** menu above: press **Generate**."""


# helpers


def corpus_for(source: str, pasted: str, uploaded) -> str:
    if source == SOURCES[1]:
        return check_corpus(pasted)
    if source == SOURCES[2]:
        if not uploaded:
            raise UserError("Choose a text file to upload, or pick another training text.")
        return read_corpus_file(check_upload(uploaded, "text file"))
    return stdlib_corpus()


def curves(rows: list[tuple]) -> pd.DataFrame | None:
    """Long format for gr.LinePlot, or None until both curves have a point: the plot keeps the colours (curves) of
    its first data for good, and one that starts from an empty frame never draws its lines."""
    if len({row[2] for row in rows}) < 2:
        return None
    frame = pd.DataFrame(rows, columns=["step", "loss", "curve"])
    return frame.astype({"step": "int64", "loss": "float64", "curve": "str"})


@gpu_task(duration=120)
def training(request: gr.Request, config: TinyGPTConfig, corpus: str, folder):
    """One run's plain events (on ZeroGPU, in the GPU worker), then {"event": "time limit"} if the job's time ran out.

    It runs for at most PLAYGROUND_MAX_JOB_SECONDS, then saves what it learnt.
    """
    with sessions.job(request, "train_lm") as (flag, deadline):
        yield from train_events(config, corpus, out_dir=folder, stop=flag)
    if deadline.expired:
        yield {"event": "time limit", "message": deadline.message()}


class TinyGptPanel:
    """The panel's components (built by `layout`) and its handlers."""

    def __init__(self, model_menu):
        self.model_menu = model_menu  # the generation part's Model menu, which lists the trained models

    # handlers

    def train(self, request: gr.Request, source, pasted=None, uploaded=None, trained=None, **settings):
        """Stream: status, loss curves, samples; then the download, the model menu and the trained models (state).

        Runs once a training slot is free (jobs.limited): the "train" slots every tab that trains shares.
        """
        from playground.outputs import new_run_dir

        try:
            config = cfg.build(TinyGPTConfig, settings)
            limits.check("parameters", parameter_count(config))
            corpus = corpus_for(source, pasted, uploaded)
        except UserError as error:
            yield {self.status: f"⚠️ {error}"}
            return
        show = lambda note: {self.status: note}  # noqa: E731
        folder = new_run_dir("tiny-gpt") / "tiny-gpt"
        yield from jobs.limited("train", show)(self.stream)(request, config, corpus, folder, trained)

    def stream(self, request, config, corpus, folder, trained):
        rows, samples, last_update, header, done, time_limit = [], [], 0.0, "", None, ""
        yield {self.status: "⏳ Learning the tokenizer…", self.curves: curves(rows), self.samples: "",
               self.download: None}
        try:
            for event in training(request, config, corpus, folder):
                kind = event["event"]
                if kind == "start":
                    header = (f"{event['parameters']:,} parameters · {event['vocab_size']} tokens in the "
                              f"vocabulary · {event['train_tokens']:,} training tokens · {event['device']}")
                elif kind == "step":
                    rows.append((event["step"], event["loss"], "training"))
                elif kind == "eval":
                    rows.append((event["step"], event["val_loss"], "held-out"))
                elif kind == "sample":
                    samples.append(f"step {event['step']}: {event['text']}")
                elif kind == "done":
                    done = event
                elif kind == "time limit":
                    time_limit = f" {event['message']}"
                now = time.monotonic()
                if kind in ("start", "sample") or (kind == "step" and now - last_update >= UPDATE_SECONDS):
                    last_update = now
                    progress = f"step {rows[-1][0]}/{config.steps}" if rows else "starting"
                    yield {self.status: f"🏋️ {header} · {progress}", self.curves: curves(rows),
                           self.samples: "\n\n".join(samples)}
        except UserError as error:
            yield {self.status: f"⚠️ {error}", self.curves: curves(rows), self.samples: "\n\n".join(samples)}
            return
        label = f"tiny GPT · {datetime.now():%H:%M:%S} · {config.layers} layers × {config.embedding_size}"
        trained = [*(trained or []), (label, done["path"])]
        verb = "⏹️ Stopped" if done["status"] == "stopped" else "✅ Trained"
        status = (f"{verb}: {done['steps_run']} steps in {done['seconds']:.1f} s, held-out loss "
                  f"**{done['initial_val_loss']:.2f} → {done['val_loss']:.2f}** · {header}. It is now selected in "
                  f"the Model menu above: press **Generate**.{time_limit}")
        yield {self.status: status, self.curves: curves(rows), self.samples: "\n\n".join(samples),
               self.download: gr.update(value=str(zip_folder(done["path"])), visible=True),
               self.model_menu: gr.update(choices=[(m, m) for m in SUGGESTED_MODELS] + [tuple(t) for t in trained],
                                          value=done["path"]),
               self.trained: trained}

    def stop(self, request: gr.Request):
        sessions.stop(request, "train_lm")

    def on_source(self, source: str):
        return {self.pasted: gr.update(visible=source == SOURCES[1]),
                self.uploaded: gr.update(visible=source == SOURCES[2])}

    # layout

    def layout(self):
        with gr.Accordion("🧪 Train a tiny GPT yourself (works offline)", open=True, elem_id="tiny-gpt"):
            gr.Markdown(EXPLANATION)
            with gr.Row():
                with gr.Column(scale=4, min_width=320):
                    self.source = gr.Radio(list(SOURCES), value=SOURCES[0], label="Training text",
                                           info="What the model learns from; the built-in text needs no network.")
                    self.pasted = gr.Textbox(lines=6, label="Your text", visible=False,
                                             info="At least 1,000 characters: the more, the better it learns.")
                    self.uploaded = gr.File(label="Text file (UTF-8)", type="filepath", visible=False,
                                            file_types=[".txt", ".md", ".rst", ".py", ".csv"])
                    controls = make_controls(TinyGPTConfig, only=MAIN_SETTINGS)
                    with gr.Accordion("More training settings", open=False):
                        controls |= make_controls(TinyGPTConfig, only=MORE_SETTINGS)
                    self.controls = {name: controls[name] for name in SETTINGS}
                with gr.Column(scale=7):
                    with gr.Row():
                        self.train_button = gr.Button("Train", variant="primary", scale=3)
                        self.stop_button = gr.Button("Stop", variant="stop", scale=1)
                    self.status = gr.Markdown("Press **Train**: the default settings take a minute or less on a CPU.",
                                              elem_id="tiny-gpt-status")
                    self.curves = gr.LinePlot(None, x="step", y="loss", color="curve", height=280,
                                              label="Loss (blue: training batches, orange: held-out text)",
                                              color_map={"training": "#60a5fa", "held-out": "#f97316"})
                    self.samples = gr.Textbox(label="What the model writes (same seed at every step shown)", lines=8,
                                              interactive=False, elem_id="tiny-gpt-samples")
                    self.download = gr.File(label="The trained model: a save_pretrained folder, zipped",
                                            interactive=False, visible=False)
        self.trained = gr.State([])

    def wire(self):
        self.source.change(self.on_source, self.source, [self.pasted, self.uploaded], api_visibility="private")
        self.train_button.click(
            self.train, [self.source, self.pasted, self.uploaded, self.trained],
            [self.status, self.curves, self.samples, self.download, self.model_menu, self.trained],
            inputs_kwargs=self.controls, api_name="train_lm", concurrency_limit=None)  # admission: jobs.limited
        self.stop_button.click(self.stop, None, None, api_name="stop_train_lm", queue=False)


def build(model_menu):
    """The panel, wired to the Model menu of the generation part above."""
    panel = TinyGptPanel(model_menu)
    panel.layout()
    panel.wire()
