"""Server settings for `python app.py`, read from the environment.

PLAYGROUND_HOST / PLAYGROUND_PORT pick where to listen (Spaces and containers
want 0.0.0.0:7860); PLAYGROUND_MAX_QUEUE bounds the number of waiting jobs.
"""

import os


def launch_options() -> dict:
    return {
        "queue": {"max_size": int(os.environ.get("PLAYGROUND_MAX_QUEUE", "64")), "default_concurrency_limit": 2},
        "launch": {
            "server_name": os.environ.get("PLAYGROUND_HOST", os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")),
            "server_port": int(os.environ.get("PLAYGROUND_PORT", os.environ.get("GRADIO_SERVER_PORT", "7860"))),
            "theme": "soft",
        },
    }
