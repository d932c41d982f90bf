"""The core's shape: the layer contracts hold, no module takes part in an
import cycle (counting imports inside functions), the core imports its own
modules only at the top except in the composition root and the CLI, and
bundled plugins import only the modules docs/plugins.md lists."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import grimp

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE = os.path.join(REPO, "lk_platform")
#: where a function-local import of the core is allowed: start-up wiring and commands
LOCAL_IMPORTS_ALLOWED = ("lk_platform/app.py", "lk_platform/cli/")
TESTS_ONLY = {"lk_platform.testing", "lk_platform.i18n.extract", "lk_platform.cli"}


def _python_files(top):
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", "build", ".venv") and not d.endswith(".egg-info")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def _imports(path):
    """``(module, lineno, inside_a_function)`` for every lk_platform import."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names if a.name.startswith("lk_platform"))
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and (child.module or "").startswith("lk_platform"):
                for alias in child.names:
                    sub = "%s.%s" % (child.module, alias.name)
                    # "from lk_platform.caching import rendercache" imports a module
                    is_module = os.path.exists(os.path.join(REPO, *sub.split("."))) or \
                        os.path.exists(os.path.join(REPO, *sub.split(".")) + ".py")
                    found.append((sub if is_module else child.module, child.lineno, in_function))
            visit(child, inner)

    visit(tree, False)
    return found


def test_layer_contracts_hold():
    linter = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run([linter], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _cycles(graph, modules):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def strong(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in modules:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            strong(module)
    return out


def test_no_import_cycles_in_the_core():
    graph = grimp.build_graph("lk_platform")   # imports inside functions count too
    assert _cycles(graph, set(graph.modules)) == []


def test_the_core_imports_its_modules_at_the_top():
    offenders = []
    for path in _python_files(CORE):
        rel = os.path.relpath(path, REPO)
        if rel.startswith(LOCAL_IMPORTS_ALLOWED):
            continue
        offenders += ["%s:%d %s" % (rel, line, mod) for mod, line, local in _imports(path) if local]
    assert offenders == []


def plugin_api() -> set[str]:
    """The first column of the table in docs/plugins.md's API section."""
    text = open(os.path.join(REPO, "docs", "plugins.md"), encoding="utf-8").read()
    section = text.split("## What a plugin may import from the core", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(lk_platform[\w.]*)` \|", section, re.M))


def _plugin_roots():
    roots = [os.path.join(REPO, "plugins", d) for d in sorted(os.listdir(os.path.join(REPO, "plugins")))]
    return [r for r in roots if os.path.isdir(r)] + [os.path.join(REPO, "docs", "example_plugin")]


def test_the_plugin_api_is_listed_and_exists():
    api = plugin_api()
    assert "lk_platform" in api and "lk_platform.plugins.declarations" in api
    for module in api:
        path = os.path.join(REPO, *module.split("."))
        assert os.path.isdir(path) or os.path.exists(path + ".py"), module


def test_bundled_plugins_import_only_the_plugin_api():
    api = plugin_api()
    offenders = []
    for root in _plugin_roots():
        for path in _python_files(root):
            rel = os.path.relpath(path, REPO)
            in_tests = "/tests/" in rel or os.path.basename(path) == "conftest.py"
            allowed = api if in_tests else api - TESTS_ONLY
            offenders += ["%s:%d %s" % (rel, line, mod) for mod, line, _local in _imports(path) if mod not in allowed]
    assert offenders == []


def test_the_api_check_sees_a_forbidden_import(tmp_path):
    """The scan itself works: a private module is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text("from lk_platform.caching.pagecache import CSRF_MARK\n"
                     "def f():\n    from lk_platform.cabinet.views import user_accounts\n")
    found = _imports(str(probe))
    assert ("lk_platform.caching.pagecache", 1, False) in found
    assert ("lk_platform.cabinet.views", 3, True) in found
