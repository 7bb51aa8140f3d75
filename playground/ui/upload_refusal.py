"""Our sentence for an upload refused at Gradio's upload route, naming the limit and how to raise it.

With `launch(max_file_size=...)` Gradio stops reading an oversize upload and
answers 413 "File size exceeded maximum allowed size of 20971520 bytes." The
page checks the size itself before sending (its own message), but an API
client sees only that. This ASGI middleware, given to FastAPI through
`launch(app_kwargs={"middleware": ...})`, swaps the text of a 413 for the
sentence every other limit gives, in the uploader's language (?lang= of the
page, else Accept-Language); it reads no request body and passes every other
answer through untouched.
"""

from starlette.middleware import Middleware
from starlette.requests import Request

from playground import i18n
from playground.guards import upload_limit_bytes
from playground.limits import LIMITS


def sentence(lang: str | None = None) -> str:
    return i18n.t("upload.refusal.too_big", lang=lang, most=f"{upload_limit_bytes() / 2**20:g}",
                  env=LIMITS["upload_mb"].env)


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
                from playground.ui.language import language_of  # the uploader's language, from the request

                body = sentence(language_of(Request(scope))).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"]
                await send({**message, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body, "more_body": False})
            elif not refused:
                await send(message)

        await self.app(scope, receive, send_with_sentence)


def middleware() -> list[Middleware]:
    return [Middleware(UploadRefusal)]
