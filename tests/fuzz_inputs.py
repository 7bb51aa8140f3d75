"""Hostile values for every public endpoint of the served app, sent the way a script would send them.

The endpoints and their parameters come from the app's own API description
(gradio_client's `view_api`), so a new endpoint or control is fuzzed without
anyone listing it here. Each call changes one parameter and leaves the others
at their defaults. Values travel through Gradio's plain HTTP API
(`/gradio_api/call/<name>`), because gradio_client refuses to encode NaN and
infinity (httpx writes strict JSON) and a hostile visitor is bound by no client.

An answer is one of: "result" (the call finished), "sentence" (an error with a
message of at most `MESSAGE_CHARS`), "long" (a message longer than that),
"silent" (an error with no message: what a visitor must never get) or
"broken" (no answer at all: a hung or dead server).
Used by tests/test_fuzz.py and benchmarks/fuzz_refusals.py.
"""

import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

MESSAGE_CHARS = 300
LONG_TEXT = "x" * 100_000
# limits that refuse every job once its settings are checked (each bad setting meets the check it would meet in a
# real run, and nothing trains or generates); the job-time limit bounds what has no such limit
SMALL_LIMITS = {"PLAYGROUND_MAX_EPOCHS": "0", "PLAYGROUND_MAX_PARAMETERS": "0", "PLAYGROUND_MAX_NEW_TOKENS": "0",
                "PLAYGROUND_MAX_JOB_SECONDS": "0.5"}
SERVER_FILE = {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}  # a file nobody uploaded


@dataclass(frozen=True)
class Parameter:
    endpoint: str  # "/train"
    name: str  # "dataset_name" or "param_3"
    component: str  # "Slider", "File", ...
    python_type: str  # "float", "list[Literal[...]]", "filepath", ...


@dataclass
class Answer:
    endpoint: str
    parameter: str
    label: str  # which bad value: "nan", "wrong type", ...
    kind: str  # result, sentence, long, silent, broken
    message: str = ""
    seconds: float = 0.0


def endpoints(client) -> dict[str, list[dict]]:
    """api_name -> its parameters as view_api describes them (name, component, type, default)."""
    api = client.view_api(return_format="dict", print_info=False)
    return {name: info["parameters"] for name, info in api["named_endpoints"].items()}


def defaults(parameters: list[dict]) -> list:
    return [p.get("parameter_default") if p.get("parameter_has_default") else None for p in parameters]


def wrong_type(parameter: dict):
    """A value of the wrong kind for this parameter: text for a number or a list, a list for text, a server path
    (not uploaded by anyone) for a file."""
    kind = parameter["python_type"]["type"]
    if kind in ("filepath", "str") and parameter["component"] in ("File", "Audio", "Image", "Video"):
        return SERVER_FILE
    if kind in ("float", "int", "bool") or kind.startswith("list"):
        return "abc"
    return [1, 2]


def bad_values(parameter: dict) -> dict:
    return {"nan": math.nan, "+inf": math.inf, "-inf": -math.inf, "wrong type": wrong_type(parameter),
            "None": None, "100k chars": LONG_TEXT}


def call(base_url: str, endpoint: str, data: list, timeout: float = 120) -> tuple[str, str]:
    """(kind, message) for one raw call of `endpoint` with `data` (NaN and infinity written as JSON allows)."""
    route = f"{base_url.rstrip('/')}/gradio_api/call{endpoint}"
    try:
        with httpx.Client(timeout=timeout) as http:
            posted = http.post(route, content=json.dumps({"data": data}), headers={"content-type": "application/json"})
            if posted.status_code != 200:
                detail = posted.json().get("detail") if posted.headers.get("content-type", "").startswith(
                    "application/json") else posted.text
                return judge(str(detail) if detail else None)
            event_id = posted.json()["event_id"]
            event = None
            with http.stream("GET", f"{route}/{event_id}") as stream:
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and event in ("complete", "error"):
                        if event == "complete":
                            return "result", ""
                        payload = json.loads(line.split(":", 1)[1])
                        message = payload.get("error") if isinstance(payload, dict) else payload
                        return judge(message)
    except (httpx.HTTPError, ValueError) as error:
        return "broken", f"{type(error).__name__}: {error}"[:MESSAGE_CHARS]
    return "broken", "the stream ended without an answer"


def judge(message) -> tuple[str, str]:
    if not isinstance(message, str) or not message.strip():
        return "silent", ""
    if len(message) > MESSAGE_CHARS:
        return "long", message[:MESSAGE_CHARS]
    return "sentence", message


def component_ids(client) -> dict[str, list[int]]:
    """api_name -> the id of the component behind each of its parameters (gr.State inputs are not parameters)."""
    types = {c["id"]: c.get("type") for c in client.config["components"]}
    return {f"/{d['api_name']}": [i for i in d["inputs"] if types.get(i) != "state"]
            for d in client.config["dependencies"] if d.get("api_name")}


def fuzz(base_url: str, api: dict[str, list[dict]], workers: int = 4, skip=(), shared_ids=None) -> list[Answer]:
    """Every bad value in every parameter of every endpoint in `api` (but those in `skip`), one at a time.

    With `shared_ids` (from `component_ids`), a control that feeds several endpoints (the Train tab's controls
    feed /train, /step, /continue and /share) gets each value through every endpoint only when that value got
    past the control: a value the control itself refused ("Epochs: expected ...") never reaches a handler, so
    sending it again through another endpoint tests nothing new.
    """
    first, again = [], []
    seen = set()
    for endpoint, parameters in api.items():
        if endpoint in skip:
            continue
        ids = (shared_ids or {}).get(endpoint)
        for index, parameter in enumerate(parameters):
            for label, value in bad_values(parameter).items():
                data = defaults(parameters)
                data[index] = value
                key = (ids[index], label) if ids and len(ids) == len(parameters) else None
                job = (endpoint, parameter["parameter_name"], label, data, key, parameter.get("label") or "")
                (again if key in seen else first).append(job)
                seen.add(key)
    seen.discard(None)

    def one(job):
        endpoint, name, label, data, _, _ = job
        started = time.perf_counter()
        kind, message = call(base_url, endpoint, data)
        return Answer(endpoint, name, label, kind, message, time.perf_counter() - started)

    with ThreadPoolExecutor(workers) as pool:
        answers = list(pool.map(one, first))
        refused_by_control = {job[4] for job, answer in zip(first, answers) if job[4] is not None
                              and answer.kind == "sentence" and job[5] and answer.message.startswith(f"{job[5]}: ")}
        answers += pool.map(one, [job for job in again if job[4] not in refused_by_control])
    return answers
