"""The Gradio side: one module per tab (`build()` lays it out), plus shared controls.

Only this package and `app.py` import gradio.
"""
