"""`python -m playground transcribe FILE [--model ID_OR_PATH] [--json]`: speech to text from an audio file.

Prints the transcript and one line per word (start, end, confidence), then, as
the last line, one JSON object with `text`, `words`, `audio_seconds` and
`seconds`. With `--json` only that line is printed. WAV, FLAC, OGG and MP3 files
are read with libsndfile (`soundfile`), so no ffmpeg is needed.
"""

import sys

from playground import i18n
from playground.cli import print_json
from playground.config import add_arguments, from_namespace


def add_parser(subparsers):
    from playground.speech.recognize import SpeechConfig

    parser = subparsers.add_parser("transcribe", help=i18n.t("cli.transcribe.help"),
                                   description=i18n.t("cli.transcribe.description"))
    parser.add_argument("file", help=i18n.t("cli.transcribe.file.help"))
    add_arguments(parser, SpeechConfig)
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.transcribe.json.help"))
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.speech.audio import load_audio
    from playground.speech.recognize import SpeechConfig, checked, load_recognizer, transcribe

    config = checked(from_namespace(SpeechConfig, args))
    clip = load_audio(args.file, max_seconds=config.max_seconds or None)
    print(i18n.t("cli.transcribe.loading", model=config.model), file=sys.stderr, flush=True)
    recognizer = load_recognizer(config.model, config.device, config.precision)
    result = transcribe(recognizer, clip, config)
    if not args.json:
        silence = "cli.transcribe.silent" if result.note else "cli.transcribe.no_speech"
        print(result.text if result.text else i18n.t(silence))
        for word in result.words:
            flag = "  ?" if word.confidence < config.low_confidence else ""
            print(f"  {word.start:7.2f} {word.end:7.2f}  {word.confidence:5.0%}  {word.word}{flag}")
        print(i18n.t("cli.transcribe.timing", audio=result.audio_seconds, seconds=result.seconds,
                     factor=result.real_time_factor, device=result.device, precision=result.precision))
    print_json(result.to_dict())
    return 0
