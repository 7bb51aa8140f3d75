"""Call a Gradio endpoint the way the page's own JavaScript client does: one kept-alive connection, the SSE stream
read as it arrives.

Why: gradio_client is the API user's route, but it is not the browser's. It
opens a new HTTP client for every join, and its message loop sleeps 50 ms
whenever no message is waiting (`gradio_client/utils.py`), so a short run's
last update can sit unread for up to 50 ms. Those costs are the client's, not
the app's. bench_app.py times the same runs both ways; this is the way a
visitor's browser waits (join the queue, read `/queue/data` until the event's
`process_completed`).

gradio_client is used once per endpoint only to name the inputs: it turns
keyword arguments into the positional list the queue takes, with every other
input at its default, exactly as `Client.predict` does.
"""

import json
import uuid

import httpx


class QueueClient:
    def __init__(self, url: str):
        from gradio_client import Client

        self.url = url.rstrip("/") + "/"
        self.names = Client(url, verbose=False, download_files=False)  # reads the API's parameter names once
        self.http = httpx.Client(timeout=120)
        self.session = uuid.uuid4().hex

    def payload(self, api_name: str, kwargs: dict) -> dict:
        from gradio_client import utils

        fn_index = self.names._infer_fn_index(api_name, None)
        endpoint = self.names.endpoints[fn_index]
        data = endpoint.insert_empty_state(*utils.construct_args(endpoint.parameters_info, (), kwargs))
        return {"data": list(data), "fn_index": fn_index, "session_hash": self.session, "event_data": None,
                "trigger_id": None}

    def predict(self, api_name: str, **kwargs) -> dict:
        """Join the queue, read the session's stream until this event completes; returns its last message (its
        "output" holds the final data) with "updates": how many messages carried output on the way."""
        joined = self.http.post(self.url + "gradio_api/queue/join", json=self.payload(api_name, kwargs))
        joined.raise_for_status()
        event_id, updates = joined.json()["event_id"], 0
        with self.http.stream("GET", self.url + "gradio_api/queue/data",
                              params={"session_hash": self.session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") != event_id:
                    continue
                if message.get("msg") == "process_generating":
                    updates += 1
                if message.get("msg") == "process_completed":
                    if not message.get("success", True):
                        raise RuntimeError(f"{api_name} failed: {message.get('output')}")
                    return {**message, "updates": updates}
        raise RuntimeError(f"{api_name}: the stream closed before the event completed")

    def close(self) -> None:
        self.http.close()
        self.names.close()
