"""Our sentence for an upload refused at Gradio's upload route, naming the limit and how to raise it.

With `launch(max_file_size=...)` Gradio stops reading an oversize upload and
answers 413 "File size exceeded maximum allowed size of 20971520 bytes." The
page checks the size itself before sending (its own message), but an API
client sees only that. This ASGI middleware, given to FastAPI through
`launch(app_kwargs={"middleware": ...})`, swaps the text of a 413 for the
sentence every other limit gives; it reads no request body and passes every
other answer through untouched.
"""

from starlette.middleware import Middleware

from playground.guards import upload_limit_bytes
from playground.limits import LIMITS


def sentence() -> str:
    return (f"This app allows at most {upload_limit_bytes() / 2**20:g} MB per upload: the file was refused before "
            f"it was stored (the host can raise it with {LIMITS['upload_mb'].env}).")


class UploadRefusal:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope.get("path", "").endswith("/upload"):
            return await self.app(scope, receive, send)
        refused = False

        async def send_with_sentence(message):
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 413:
                refused = True
                body = sentence().encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                await send({**message, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body, "more_body": False})
            elif not refused:
                await send(message)

        await self.app(scope, receive, send_with_sentence)


def middleware() -> list[Middleware]:
    return [Middleware(UploadRefusal)]
