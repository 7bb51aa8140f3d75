"""The Speech tab: record or upload, get a transcript, and see how the model heard it.

The handler is a generator: it first shows the waveform and log-mel
spectrogram of the clip (no model needed), then loads the model with a progress
bar, then shows the transcript, the words on the spectrogram's time axis with
the unsure ones marked, and the time taken. Every UserError ends as one
sentence in the status line and the tab keeps working. The audio arrives as a
file path (`type="filepath"`) rather than Gradio's numpy array so that WAV,
FLAC, OGG and MP3 files, and files that are not audio at all, go through
libsndfile (speech/audio.py) and get our own message instead of a decoder's
traceback.
`assets/speech_example.wav` is three synthetic vowel-like syllables (no speech
model is needed to see its waveform and spectrogram).
"""

from pathlib import Path

import gradio as gr

from playground.errors import UserError
from playground.gpu import gpu_task
from playground.guards import Deadline, check_upload
from playground.speech.audio import load_audio
from playground.speech.recognize import DEFAULT_MODEL, SpeechConfig, checked, load_recognizer, transcribe
from playground.speech.spectrogram import figure
from playground.ui import jobs
from playground.ui.controls import make_controls, read_controls

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "speech_example.wav"
SETTINGS = ["model", "low_confidence", "chunk_seconds", "stride_seconds", "precision"]
INTRO = f"""Speak into the microphone or upload a WAV, FLAC, OGG or MP3 file (any sample rate, mono or stereo),
then press **Transcribe**. A CTC model (`{DEFAULT_MODEL}` by default: English, about 360 MB on first use) writes what it heard;
the plot shows the waveform and log-mel spectrogram with each recognised word where the model placed it,
orange when it was unsure."""


# handlers


def marked_words(result, threshold: float):
    """HighlightedText value: each word, labelled 'unsure' when its confidence is below the threshold."""
    return [(word.word + " ", "unsure" if word.confidence < threshold else None) for word in result.words]


def status_line(result) -> str:
    if result.note == "silence":
        return "🔇 The clip is silent, so there is nothing to transcribe: speak closer to the microphone or check its level."
    speed = f"{1 / result.real_time_factor:.0f}× faster than real time" if result.real_time_factor < 1 else \
        "slower than real time"
    heard = f"{len(result.words)} word{'s' * (len(result.words) != 1)}" if result.words else "no words"
    return (f"✅ {heard} in {result.audio_seconds:.1f} s of audio; recognised in {result.seconds:.2f} s "
            f"(real-time factor **{result.real_time_factor:.3f}**, {speed}) on `{result.device}` with "
            f"`{result.model}` in {result.precision or 'float32'}.")


def status_only(status: str):
    return gr.skip(), gr.skip(), gr.skip(), status, gr.skip()


def uploaded_path(audio):
    """The uploaded file's path, checked against the upload limit (a `(rate, samples)` pair passes as it is)."""
    if isinstance(audio, dict) and "path" in audio:
        audio = audio["path"]
    return str(check_upload(audio, "nouns.audio_file")) if isinstance(audio, (str, Path)) else audio


@jobs.limited("speech", status_only)
@gpu_task(duration=60)
def run_transcribe(audio, model, low_confidence, chunk_seconds, stride_seconds, precision="auto",
                   progress=gr.Progress(track_tqdm=True)):
    """Generator: (transcript, marked words, figure, status, word timings) after each stage.

    It runs once a speech slot is free (jobs.limited) and for at most PLAYGROUND_MAX_JOB_SECONDS.
    """
    plot = None
    deadline = Deadline(None)

    def on_chunk(done, total):
        deadline.check()
        progress(0.5 + 0.5 * done / total, desc=f"Recognising window {done} of {total}")

    try:
        config = checked(read_controls(SpeechConfig, SETTINGS, [model, low_confidence, chunk_seconds, stride_seconds,
                                                                precision]))
        if audio is None:
            raise UserError("No audio yet: record with the microphone or upload a WAV, FLAC, OGG or MP3 file first.")
        clip = load_audio(uploaded_path(audio), max_seconds=config.max_seconds or None)
        plot = figure(clip.samples, clip.rate)
        yield "", None, plot, f"⏳ Loading `{config.model}`…", None
        progress(0.05, desc=f"Loading {config.model} (the first use downloads it)")
        deadline.start()
        recognizer = load_recognizer(config.model, config.device, config.precision)
        progress(0.5, desc="Recognising")
        result = transcribe(recognizer, clip, config, on_chunk=on_chunk)
    except UserError as error:
        yield "", None, plot, f"⚠️ {error}", None
        return
    finally:
        deadline.cancel()
    plot = figure(clip.samples, clip.rate, result.words, low_confidence=config.low_confidence)
    yield (result.text, marked_words(result, config.low_confidence), plot, status_line(result),
           result.to_dict())


# layout


def build():
    with gr.Column(elem_id="speech-tab"):
        layout()


def layout():
    gr.Markdown(INTRO)
    with gr.Row():
        with gr.Column(scale=2):
            audio = gr.Audio(sources=["microphone", "upload"], type="filepath",
                             label="Speech (microphone, or a WAV, FLAC, OGG or MP3 file)",
                             elem_id="speech-audio")
            controls = make_controls(SpeechConfig, only=["model", "low_confidence", "precision"])
            button = gr.Button("Transcribe", variant="primary")
            with gr.Accordion("Long recordings", open=False):
                controls.update(make_controls(SpeechConfig, only=["chunk_seconds", "stride_seconds"]))
            if EXAMPLE.is_file():
                gr.Examples([[str(EXAMPLE)]], inputs=[audio], label="Example (synthetic syllables, not words)")
        with gr.Column(scale=3):
            status = gr.Markdown("Record or upload a clip, then press **Transcribe**.", elem_id="speech-status")
            transcript = gr.Textbox(label="Transcript", lines=2, interactive=False, buttons=["copy"],
                                    elem_id="speech-transcript")
            marked = gr.HighlightedText(label="Words (orange: the model was unsure)", color_map={"unsure": "orange"},
                                        show_legend=False, show_inline_category=False)
            plot = gr.Plot(label="Waveform and log-mel spectrogram, with the recognised words")
            with gr.Accordion("Word timings (JSON)", open=False):
                timings = gr.JSON(label="Words with start, end (s) and confidence")
    inputs = [audio] + [controls[name] for name in SETTINGS]
    # admission is jobs.limited's (per-kind slots and waiting line), so Gradio doesn't hold these back itself
    button.click(run_transcribe, inputs, [transcript, marked, plot, status, timings], api_name="transcribe",
                 concurrency_limit=None)
