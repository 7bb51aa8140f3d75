"""No English hard-coded in the UI: a scan of app.py and playground/ui/*.py for text a person reads.

It reads the source (ast) and flags a string literal (or f-string with words in it) that is:
- the label=, info=, placeholder= of a component or a gr.update, or the value= of a display component
  (Markdown, Button, HTML...), or the first positional text of gr.Markdown / gr.Button / gr.Tab / gr.Accordion;
- the message of gr.Error / gr.Warning / gr.Info;
- a status line: a value in a dict that a handler returns or yields ({status: "Training..."});
- any other sentence (three English words in a row) that is not a docstring, a log line, an internal error
  (ValueError...), JavaScript or CSS, or an argument of i18n itself.
Text a person reads comes from the catalogue instead: `i18n.ui(key)` on components, `i18n.t(key)` at run time.
Model-facing strings, API names and the languages' own names stay as they are (they are not in those places).

NOT_YET_CONVERTED lists the modules still being converted; each one leaves it when it is done, and the list
must be empty at the end.
"""

import ast
import re
from pathlib import Path

import pytest

from playground import i18n

ROOT = Path(__file__).resolve().parent.parent
MODULES = [ROOT / "app.py", *sorted((ROOT / "playground" / "ui").glob("*.py"))]
NOT_YET_CONVERTED: set[str] = set()
TEXT_KEYWORDS = {"label", "info", "placeholder"}
DISPLAY = {"Markdown", "Button", "HTML", "DownloadButton", "UploadButton", "ClearButton", "Tab", "TabItem",
           "Accordion"}
MESSAGES = {"Error", "Warning", "Info"}
WORDS = re.compile(r"[A-Za-z]{2,}")
PROSE = re.compile(r"[A-Za-z][a-z']+(?:[ ,;:]+[A-Za-z][a-z']+){2,}")  # three words in a row: a sentence
QUIET = {"debug", "info", "warning", "error", "exception", "critical", "warn", "getLogger"}  # the host's log
INTERNAL = {"RuntimeError", "ValueError", "TypeError", "KeyError", "AssertionError", "NotImplementedError",
            "AttributeError", "IndexError", "LookupError", "OSError"}  # bugs: the visitor sees no text of these
CODE_NAMES = re.compile(r"(JS|CSS|SCRIPT)$")  # JavaScript and CSS run in the page, nobody reads them


def words_in(node) -> str | None:
    """The English of a literal: a str constant, or an f-string's literal parts, if they hold a word."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = " ".join(part.value for part in node.values if isinstance(part, ast.Constant))
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return words_in(node.left) or words_in(node.right)
    else:
        return None
    text = re.sub(r"<[^>]*>|\{[^}]*\}|[#*_`]", " ", text)  # markup and placeholders are not words
    return text.strip() if WORDS.search(text) else None


def gradio_name(call: ast.Call) -> str | None:
    """`Markdown` for gr.Markdown(...), else None."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "gr":
        return func.attr
    return None


class Scan(ast.NodeVisitor):
    def __init__(self):
        self.checked, self.english, self.skip = 0, [], set()

    def look(self, node, where):
        if isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp)):
            self.checked += 1
            found = words_in(node)
            if found:
                self.english.append(f"line {node.lineno} ({where}): {found[:70]!r}")

    def visit_Call(self, node):
        name = gradio_name(node)
        if name is not None:
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS or keyword.arg == "value" and name in DISPLAY:
                    self.look(keyword.value, f"gr.{name}({keyword.arg}=)")
                if keyword.arg == "message" and name in MESSAGES:
                    self.look(keyword.value, f"gr.{name}")
            if node.args and (name in DISPLAY or name in MESSAGES):
                self.look(node.args[0], f"gr.{name}")
        self.generic_visit(node)

    def status_values(self, value, where):
        if isinstance(value, ast.Dict):
            for item in value.values:
                self.look(item, where)

    def visit_Return(self, node):
        self.status_values(node.value, "returned")
        self.generic_visit(node)

    def visit_Yield(self, node):
        self.status_values(node.value, "yielded")
        self.generic_visit(node)


def not_for_people(tree) -> set[int]:
    """ids of the literals nobody reads on the page: docstrings, log lines, internal errors, JS/CSS, i18n keys."""
    skip = set()

    def under(node):
        skip.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            under(node.body[0])
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(getattr(func, "value", None), "id", "")
            if name in QUIET and owner in {"log", "logger", "logging", "warnings", "LOG"} or name in INTERNAL or \
                    owner == "i18n":
                under(node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and CODE_NAMES.search(t.id)
                                                  for t in node.targets):
            under(node.value)
        elif isinstance(node, ast.Assert) and node.msg is not None:  # a bug's message: nobody reads it on the page
            under(node.msg)
        elif isinstance(node, ast.keyword) and node.arg in {"js", "css", "elem_id", "elem_classes", "api_name"}:
            under(node.value)
    return skip


class Prose(ast.NodeVisitor):
    """Any other sentence in a UI module: most likely a status line or a figure's title in English."""

    def __init__(self, skip: set[int], found: Scan):
        self.skip, self.found = skip, found

    def visit_Constant(self, node):
        if id(node) not in self.skip and isinstance(node.value, str):
            self.found.checked += 1
            if PROSE.search(node.value):
                self.found.english.append(f"line {node.lineno} (a sentence): {node.value.strip()[:70]!r}")


def scan(path: Path) -> Scan:
    found = Scan()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found.visit(tree)
    seen = {line.split(" (")[0] for line in found.english}
    prose = Scan()
    Prose(not_for_people(tree), prose).visit(tree)
    found.checked += prose.checked
    found.english += [line for line in prose.english if line.split(" (")[0] not in seen]
    return found


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_no_english_hard_coded(path):
    if relative(path) in NOT_YET_CONVERTED:
        pytest.skip("not yet converted (NOT_YET_CONVERTED)")
    assert scan(path).english == [], "put these into playground/i18n/locales/*.json and name their keys"


def test_not_yet_converted_are_real_modules_that_still_need_it():
    """The list only shrinks: a converted module (nothing found) must leave it."""
    listed = {relative(p) for p in MODULES} & NOT_YET_CONVERTED
    assert listed == NOT_YET_CONVERTED, "a module in NOT_YET_CONVERTED no longer exists"
    done = sorted(name for name in NOT_YET_CONVERTED if not scan(ROOT / name).english)
    assert done == [], "these are converted: take them out of NOT_YET_CONVERTED in tests/test_i18n_scan.py"


def test_figures():
    """The completeness figures, printed for the report (pytest -s)."""
    scans = {relative(p): scan(p) for p in MODULES}
    checked = sum(s.checked for s in scans.values())
    left = sum(len(s.english) for s in scans.values())
    keys = len(i18n.catalogue("en"))
    print(f"\ncatalogue: {keys} keys in each of {', '.join(i18n.LANGUAGES)}; scan: {len(scans)} modules, "
          f"{checked} UI strings checked, {left} English left in {len(NOT_YET_CONVERTED)} not-yet-converted modules")
    assert keys == len(i18n.catalogue("zh-CN")) and checked > 0
