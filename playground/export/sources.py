"""Copy the playground's own definitions into a script, with everything they need and nothing else.

`collect(objects)` takes functions and classes from `playground` modules and
returns their source code, plus that of every module-level function, class
or constant of a playground module they refer to, dependencies first and each
module in its own order. Imports of `playground` are dropped (what they
brought in is copied instead), and the `@register(...)` decorators that file
datasets in the registry are left out. Copying the real code, not a
re-typing of it, is what makes the exported model the exact same model.
"""

import ast
import functools
import importlib
import inspect
import re
import types

PLAYGROUND_IMPORT = re.compile(r"^[ \t]*from playground[.\w]* import [^\n(]+\n(?:[ \t]*\n)?", re.MULTILINE)
SKIPPED_DECORATORS = {"register"}


@functools.lru_cache(maxsize=None)
def _module_items(module_name: str) -> dict[str, tuple[int, str]]:
    """{top-level name: (line number, source)} for the functions, classes and assignments of a module."""
    source = inspect.getsource(importlib.import_module(module_name))
    items: dict[str, tuple[int, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            decorators = [d for d in node.decorator_list if _decorator_name(d) not in SKIPPED_DECORATORS]
            text = "".join(f"@{ast.get_source_segment(source, d)}\n" for d in decorators)
            items[node.name] = (node.lineno, text + ast.get_source_segment(source, node))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    items[target.id] = (node.lineno, ast.get_source_segment(source, node))
    return items


@functools.lru_cache(maxsize=None)
def _imported(module_name: str) -> dict[str, str]:
    """{name: playground module it comes from} for the module's top-level `from playground... import` lines."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    return {alias.asname or alias.name: node.module for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("playground")
            for alias in node.names}


def _decorator_name(node) -> str:
    node = node.func if isinstance(node, ast.Call) else node
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _names_used(source: str) -> set[str]:
    """Every bare name the code reads (globals resolved at run time or at definition time)."""
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)} | \
        {node.value.id for node in ast.walk(ast.parse(source))
         if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)}


def _home(module_name: str, name: str) -> tuple[str, str] | None:
    """Where `name`, as seen from `module_name`, is defined: (module, name) when that is a playground module."""
    value = getattr(importlib.import_module(module_name), name, None)
    if value is None or isinstance(value, types.ModuleType):
        return None
    if name in _module_items(module_name):
        return module_name, name
    home = _imported(module_name).get(name) or getattr(value, "__module__", None)
    if home and home.startswith("playground") and name in _module_items(home):
        return home, name
    return None


def collect(objects) -> str:
    """The source of `objects` and of all they need from playground, as one block of code."""
    wanted: dict[tuple[str, str], None] = {}
    order: list[tuple[str, str]] = []
    module_needs: dict[str, set[str]] = {}

    def visit(key: tuple[str, str]):
        if key in wanted:
            return
        wanted[key] = None
        module_name, name = key
        module_needs.setdefault(module_name, set())
        for used in sorted(_names_used(_module_items(module_name)[name][1])):
            home = _home(module_name, used)
            if home is not None and home != key:
                if home[0] != module_name:
                    module_needs[module_name].add(home[0])
                visit(home)
        order.append(key)

    for obj in objects:
        visit((obj.__module__, obj.__name__))
    # modules after the modules they use (class bodies and defaults run at definition), items in source order
    modules: list[str] = []

    def place(module_name: str, path: tuple = ()):
        if module_name in modules or module_name in path:
            return
        for needed in sorted(module_needs[module_name]):
            place(needed, path + (module_name,))
        modules.append(module_name)

    for module_name in dict.fromkeys(module for module, _ in order):
        place(module_name)
    blocks = []
    for module_name in modules:
        names = sorted((n for m, n in order if m == module_name), key=lambda n: _module_items(module_name)[n][0])
        code = "\n\n\n".join(_module_items(module_name)[n][1] for n in names)
        blocks.append(f"# --- from {module_name.replace('.', '/')}.py ---\n\n\n" + PLAYGROUND_IMPORT.sub("", code))
    return "\n\n\n".join(blocks)
