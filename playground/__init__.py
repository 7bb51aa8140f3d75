"""Deep Learning Playground: everything the web app and the CLI share.

The package never imports gradio; `app.py` and `playground/ui/` do. Heavy
libraries (torch, transformers, torchaudio) are imported by the modules that
need them, so `python -m playground --help` and the app start quickly.
"""

__version__ = "0.1.0"
