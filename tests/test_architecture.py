"""The house is one-way: every import of src/backproplab, read with ``ast``, points down.

Layers, lowest first (a module imports from its own layer or lower ones):

- engine: ``nn``, ``optim``, ``data``, ``training``, ``gradcheck``, ``model_file`` and
  the small modules they share; it imports nothing but NumPy and the standard library;
- run: ``run`` (a RunConfig and building and training a run from it) and ``check`` (a student's
  network graded against the engine's numbers);
- upper: ``plots`` <- ``outputs`` <- ``experiments`` <- ``report`` <- ``playground`` (the live
  page, on the engine and the run layer, imported only by the cli), in that order;
- cli: the command line.

Imports inside functions may only load the optional third-party extras named in
OPTIONAL_EXTRAS, never a module of backproplab or of the standard library; but a command of
the command line loads the modules of backproplab it runs when it runs (CLI_LOADS_WHEN_RUN). A new
module or subpackage must be placed in a layer below before this test passes.
"""

import ast
import pathlib
import re
import sys

import pytest

from backproplab.nn import ACTIVATIONS, LOSSES
from backproplab.nn import LAYERS as LAYER_TYPES
from backproplab.optim import OPTIMIZERS, SCHEDULES

PACKAGE = "backproplab"
SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / PACKAGE

# A unit is a subpackage or a top-level module of backproplab ("__init__" is the package itself).
LAYERS = {
    "engine": ("__init__", "nn", "optim", "data", "training", "gradcheck", "model_file", "validation", "registry",
               "errors", "rng", "progress", "version", "limits", "tracing", "atomic", "model_record", "npz_file",
               "records"),
    "run": ("run", "check"),
    "upper": ("plots", "outputs", "experiments", "report", "playground"),  # also in this order among themselves
    "estimators": ("sklearn",),  # backproplab.sklearn: on the engine and the run layer, imported by no module
    "cli": ("cli", "__main__", "bench"),
}
LAYER_ORDER = tuple(LAYERS)
UPPER_ORDER = LAYERS["upper"]

# The only imports allowed inside a function: optional third-party packages that only the function needs.
OPTIONAL_EXTRAS = {
    "matplotlib": "draws figures; a function documented as needing it may load it when called",
    "torch": "an optional peer (parity checks, the benchmark), absent from a NumPy-only install",
    "threadpoolctl": "reports BLAS thread pools where installed; optional",
    "dask": "runs a sweep on a Dask cluster (the [dask] extra), only when a scheduler is given",
    "pandas": "a sweep's runs as tables (the [pandas] extra), only when one is asked for",
}
# The command line's modules import what a command runs inside it: --help then imports no figures, report or server.
CLI_LOADS_WHEN_RUN = "cli"
ENGINE_MAY_IMPORT = set(sys.stdlib_module_names) | {"numpy", PACKAGE}


def _module_name(path):
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _unit(module):
    """'backproplab.nn.module' -> 'nn'; 'backproplab' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit):
    return next((name for name, units in LAYERS.items() if unit in units), None)


class _Import:
    def __init__(self, module, line, top, target, in_function):
        self.module, self.line, self.top, self.target, self.in_function = module, line, top, target, in_function

    def __repr__(self):
        return f"{MODULES[self.module].relative_to(SRC.parent)}:{self.line} imports {self.target or self.top}"


def _imports_of(module, source=None):
    """Every import statement of ``module``: its top-level package and, for backproplab, the module it loads."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def resolve(name):  # the module of backproplab that a dotted name loads, as far as it is a module
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    top = alias.name.split(".")[0]
                    target = resolve(alias.name) if top == PACKAGE else None
                    found.append(_Import(module, child.lineno, top, target, in_function))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = ".".join(base[:len(base) - (child.level - 1)])
                    base = f"{base}.{child.module}" if child.module else base
                else:
                    base = child.module
                top = base.split(".")[0]
                for alias in child.names:
                    target = resolve(f"{base}.{alias.name}") if top == PACKAGE else None
                    found.append(_Import(module, child.lineno, top, target, in_function))
            visit(child, inside)

    visit(tree, False)
    return found


IMPORTS = [imp for module in MODULES for imp in _imports_of(module)]


def _lines(imports):
    """One line per distinct import, in file order (``from .nn import A, B`` is one line)."""
    return "\n".join(dict.fromkeys(map(repr, imports)))


def test_the_walk_sees_the_whole_package():
    assert {"backproplab", "backproplab.nn", "backproplab.cli"} <= set(MODULES)
    assert len(IMPORTS) > 100


def test_every_module_has_a_layer():
    unplaced = sorted({_unit(m) for m in MODULES if _layer(_unit(m)) is None})
    assert not unplaced, f"place these in a layer of LAYERS in {__file__}: {unplaced}"


def test_no_import_inside_a_function_except_optional_extras():
    bad = [imp for imp in IMPORTS if imp.in_function and imp.top not in OPTIONAL_EXTRAS
           and not (_unit(imp.module) == CLI_LOADS_WHEN_RUN and imp.top == PACKAGE)]
    assert not bad, ("imports inside functions (move them to the top of the module; only "
                     f"{sorted(OPTIONAL_EXTRAS)}, and backproplab in the command line, may load lazily):\n"
                     + _lines(bad))


def test_no_noqa_e402():
    bad = [f"{path.relative_to(SRC.parent)}:{n}" for path in MODULES.values()
           for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if re.search(r"noqa\s*:[^\n#]*\bE402\b", line)]
    assert not bad, "module-level imports after code (noqa: E402):\n" + "\n".join(bad)


def test_imports_point_down_the_layers():
    rank = {unit: LAYER_ORDER.index(layer) for layer, units in LAYERS.items() for unit in units}
    bad = [imp for imp in IMPORTS if imp.target and _unit(imp.target) in rank and _unit(imp.module) in rank
           and rank[_unit(imp.target)] > rank[_unit(imp.module)]]
    assert not bad, (f"imports up the layers {' < '.join(LAYER_ORDER)}:\n"
                     + "\n".join(dict.fromkeys(f"{imp!r} ({_layer(_unit(imp.module))} -> {_layer(_unit(imp.target))})" for imp in bad)))


def test_upper_layer_imports_point_down_its_order():
    bad = [imp for imp in IMPORTS if imp.target and _unit(imp.module) in UPPER_ORDER
           and _unit(imp.target) in UPPER_ORDER
           and UPPER_ORDER.index(_unit(imp.target)) > UPPER_ORDER.index(_unit(imp.module))]
    assert not bad, f"upper-layer imports against {' <- '.join(UPPER_ORDER)}:\n" + _lines(bad)


def _cycles(edges):
    """Strongly connected components with more than one unit (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_no_cycles_between_subpackages():
    edges = {}
    for imp in IMPORTS:
        if imp.target and _unit(imp.target) != _unit(imp.module):
            edges.setdefault(_unit(imp.module), set()).add(_unit(imp.target))
    cycles = _cycles(edges)
    detail = [imp for imp in IMPORTS if imp.target and any(
        _unit(imp.module) in c and _unit(imp.target) in c and _unit(imp.module) != _unit(imp.target) for c in cycles)]
    assert not cycles, f"import cycles between {cycles}:\n" + _lines(detail)


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_needs_the_scikit_learn_estimators():
    bad = [imp for imp in IMPORTS if imp.target and _unit(imp.target) == "sklearn" and _unit(imp.module) != "sklearn"]
    assert not bad, "backproplab.sklearn is an optional extra; nothing else may import it:\n" + _lines(bad)


def test_engine_imports_only_numpy_and_the_standard_library():
    bad = [imp for imp in IMPORTS if _layer(_unit(imp.module)) == "engine" and imp.top not in ENGINE_MAY_IMPORT]
    assert not bad, "the engine imports beyond NumPy and the standard library:\n" + _lines(bad)


@pytest.mark.parametrize("source, expected", [
    ("def f():\n    import json\n", "json"),
    ("class A:\n    def f(self):\n        from . import nn\n", "backproplab.nn"),
    ("async def g():\n    if True:\n        from .nn.module import Module\n", "backproplab.nn.module"),
])
def test_the_walk_finds_imports_inside_functions(source, expected):
    found = [imp for imp in _imports_of("backproplab.gradcheck", source) if imp.in_function]
    assert [imp.target or imp.top for imp in found] == [expected]


def test_the_walk_counts_imports_under_if_and_try_as_module_level():
    source = "try:\n    import json\nexcept ImportError:\n    pass\nif True:\n    from .errors import ConfigError\n"
    found = _imports_of("backproplab.gradcheck", source)
    assert [(imp.target or imp.top, imp.in_function) for imp in found] == [("json", False), ("backproplab.errors", False)]


# --- size: a module a reader can hold in mind ------------------------------------------------------

MAX_LINES = 350


def test_no_module_is_over_the_line_limit():
    sizes = {path.relative_to(SRC).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in MODULES.values()}
    long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them along their seams): {long}"


# --- names: an activation, loss or optimizer is named by its own class and registration only -----

# (module, name) -> why the module spells the name out.
NAMED_ON_PURPOSE = {
    ("sklearn/base.py", "relu"): "the estimators' defaults are MLPClassifier's, as scikit-learn spells them",
    ("sklearn/base.py", "adam"): "the estimators' defaults are MLPClassifier's, as scikit-learn spells them",
}


def _registered_names():
    """Every registered activation, loss and optimizer name, but those that are also the name of a
    constructor's parameter ('momentum' is an optimizer and SGD's momentum): there a string is the parameter."""
    names = set(ACTIVATIONS) | set(LOSSES) | set(OPTIMIZERS)
    parameters = {p for registry in (ACTIVATIONS, LOSSES, OPTIMIZERS, SCHEDULES, LAYER_TYPES)
                  for entry in registry for p in registry.parameters(entry)}
    return names - parameters


def _own_names(tree):
    """The string constants a module may hold: the names in its registrations (``@LOSSES.register("bce")``),
    and inside a registered class, its own name (Sigmoid's words, 'sigmoid')."""
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register":
            allowed.update(id(arg) for arg in node.args)
        if isinstance(node, ast.ClassDef):
            own = {arg.value for d in node.decorator_list if isinstance(d, ast.Call)
                   and isinstance(d.func, ast.Attribute) and d.func.attr == "register"
                   for arg in d.args if isinstance(arg, ast.Constant)}
            allowed.update(id(c) for c in ast.walk(node) if isinstance(c, ast.Constant) and c.value in own)
    return allowed


def _names_spelled_out(names):
    """(module, name, line) of every string constant in src/ equal to one of ``names``, outside its own class."""
    found = []
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = _own_names(tree)
        found += [(path.relative_to(SRC).as_posix(), node.value, node.lineno) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
                  and id(node) not in own]
    return found


def test_no_activation_loss_or_optimizer_name_is_spelled_out_beyond_its_own_class():
    found = _names_spelled_out(_registered_names())
    bad = [f"{module}:{line} {name!r}" for module, name, line in found
           if (module, name) not in NAMED_ON_PURPOSE]
    assert not bad, ("names of registered entries written out (read them from the class, e.g. a loss's "
                     "takes_logits, or name it with LOSSES.name_of(BCELoss)):\n" + "\n".join(bad))
    still = {module for module, _, _ in found}
    assert {module for module, _ in NAMED_ON_PURPOSE} <= still


def test_the_name_scan_finds_a_name_and_spares_the_registration():
    tree = ast.parse('@LOSSES.register("bce")\nclass BCELoss:\n    words = "bce"\n\nDEFAULT = "bce"\n')
    own = _own_names(tree)
    spelled = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value == "bce"
               and id(node) not in own]
    assert spelled == [5]
