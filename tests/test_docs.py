"""The hook contract and its documentation stay in step.

``lk_platform/hookspecs.py`` is the contract; docs/hooks.md documents every
hook under a heading ``### lk_name(arg, ...)`` followed by a code block with
the signature exactly as in the code (compared after parsing, so line breaks
do not matter). No document may name a hook that does not exist, and an
example implementation in the docs may only take arguments the hook offers.
(After datasette's ``test_plugin_hooks_are_documented``.)
"""
from __future__ import annotations

import ast
import copy
import re
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pluggy
import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "lk_platform" / "hookspecs.py"
HOOKS_DOC = ROOT / "docs" / "hooks.md"

#: ``lk_`` names in the docs that are not hooks and not packages: the
#: ``lk_cache`` view option and the pytest fixtures of lk_platform.testing.
OTHER_LK_NAMES = {"lk_cache", "lk_settings", "lk_app", "lk_db", "lk_demo", "lk_demo_template", "lk_demo_copy"}


def _spec_defs() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(SPECS.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
                (d.func if isinstance(d, ast.Call) else d).id == "hookspec" for d in node.decorator_list
                if isinstance(d, (ast.Name, ast.Call))):
            found[node.name] = node
    return found


SPEC_DEFS = _spec_defs()
HOOKS = sorted(SPEC_DEFS)


def _signature(node: ast.FunctionDef) -> str:
    """``def name(args) -> returns: ...`` with no decorators, docstring or body."""
    node = copy.deepcopy(node)
    node.decorator_list = []
    node.body = [ast.Expr(ast.Constant(...))]
    return ast.unparse(node)


def _argnames(node: ast.FunctionDef) -> list[str]:
    return [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]


def _sections(text: str) -> dict[str, tuple[str, str]]:
    """``{hook: (heading arguments, section text)}`` for every ``### lk_...`` heading."""
    sections = {}
    parts = re.split(r"^(#{1,3} .*)$", text, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2]):
        if not heading.startswith("### lk_"):
            continue
        match = re.fullmatch(r"### (lk_\w+)\(([\w, ]*)\)\s*", heading)
        assert match, "a hook heading must read '### lk_name(arg, arg)': %r" % heading
        name, args = match.groups()
        assert name not in sections, "%s is documented twice" % name
        sections[name] = (args, body)
    return sections


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[\w-]*\n(.*?)^```", text, flags=re.M | re.S)


def _doc_files() -> list[Path]:
    return sorted({ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("plugins/*/*.md")})


def _package_names() -> set[str]:
    return {p.parent.name for pattern in ("lk_*/__init__.py", "plugins/*/lk_*/__init__.py",
                                          "docs/example_plugin/lk_*/__init__.py")
            for p in ROOT.glob(pattern)}


@pytest.fixture(scope="module")
def documented():
    return _sections(HOOKS_DOC.read_text(encoding="utf-8"))


def test_the_parsed_specs_are_the_plugin_managers_hooks():
    from lk_platform import hookspecs
    pm = pluggy.PluginManager("lk_platform")
    pm.add_hookspecs(hookspecs)
    assert set(HOOKS) == {n for n in vars(pm.hook) if n.startswith("lk_")}
    assert HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_signature(hook, documented):
    assert hook in documented, "docs/hooks.md has no section '### %s(...)'" % hook
    heading_args, body = documented[hook]
    spec = SPEC_DEFS[hook]
    assert heading_args == ", ".join(_argnames(spec)), "heading of %s: arguments differ from hookspecs.py" % hook
    blocks = _code_blocks(body)
    assert blocks, "the section of %s has no code block" % hook
    # The first block of the section is the signature, as written in hookspecs.py.
    source = textwrap.dedent(blocks[0]).rstrip()
    if source.endswith(":"):
        source += "\n    ..."
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        pytest.fail("the signature block of %s does not parse: %s" % (hook, e))
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef), \
        "the first code block under %s must be its signature only" % hook
    assert _signature(tree.body[0]) == _signature(spec), "signature of %s in docs/hooks.md" % hook


def test_docs_name_only_existing_hooks():
    """Any ``lk_name`` in the documentation that is not a package, an
    attribute (``registry.lk_roles``) or a known other name must be a hook."""
    known = set(HOOKS) | _package_names() | OTHER_LK_NAMES
    unknown = {}
    for path in _doc_files():
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in re.findall(r"(?<![\w.])lk_[a-z0-9_]+", line):
                if name not in known:
                    unknown.setdefault(name, []).append("%s:%d" % (path.relative_to(ROOT), line_no))
    assert not unknown, "the docs name hooks that do not exist: %s" % unknown


def test_documented_implementations_take_only_the_hooks_arguments():
    """pluggy rejects an implementation with an argument its hook lacks."""
    wrong = []
    for path in _doc_files():
        for block in _code_blocks(path.read_text(encoding="utf-8")):
            try:
                tree = ast.parse(textwrap.dedent(block))
            except SyntaxError:
                continue   # signature blocks, shell, ini, templates
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and node.name in SPEC_DEFS:
                    extra = set(_argnames(node)) - set(_argnames(SPEC_DEFS[node.name]))
                    if extra:
                        wrong.append("%s: %s(%s)" % (path.relative_to(ROOT), node.name, ", ".join(sorted(extra))))
    assert not wrong


def test_no_other_hook_sections(documented):
    assert set(documented) <= set(HOOKS), "docs/hooks.md documents hooks that do not exist"


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspec_states_each_argument_when_and_which_plugins(hook):
    spec = SPEC_DEFS[hook]
    doc = ast.get_docstring(spec) or ""
    params = re.findall(r":param (\w+):", doc)
    assert params == _argnames(spec), "%s: describe each argument, in order, with ':param name:'" % hook
    assert "**When:**" in doc and "**Plugins:**" in doc, "%s: say when it runs and on which plugins" % hook
    assert spec.returns is not None and all(a.annotation is not None for a in spec.args.args), \
        "%s: type every argument and the return value" % hook


def test_hookspec_types_resolve():
    """The annotations (imported only for type checkers) name real things."""
    from lk_platform import hookspecs
    tree = ast.parse(SPECS.read_text(encoding="utf-8"))
    guarded = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    assert len(guarded) == 1
    namespace = dict(vars(hookspecs))
    exec(compile(ast.Module(body=guarded[0].body, type_ignores=[]), str(SPECS), "exec"), namespace)
    for hook in HOOKS:
        typing.get_type_hints(getattr(hookspecs, hook), globalns=namespace)


def test_hookspecs_import_nothing_of_the_core():
    code = ("import sys, lk_platform; before = set(sys.modules); import lk_platform.hookspecs; "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith('lk_platform')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['lk_platform.hookspecs']"
