"""Speech recognition: audio in any shape -> mono 16 kHz -> a CTC model -> words with timings.

`audio` turns what Gradio, an audio file (WAV, FLAC, OGG, MP3, through
`soundfile`) or a caller gives into one clean clip; `recognize` loads a CTC
model and transcribes in overlapping chunks; `ctc` turns frame predictions into
words with times and confidences; `spectrogram` draws what the model heard.
"""
