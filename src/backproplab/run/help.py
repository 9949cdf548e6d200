"""The help of each RunConfig option: its text, its choices, the entries that take it and its defaults.

A default is shown for the lab and, where they differ, for the image and CSV data sets, read
from each data set's own defaults as ``RunConfig.for_dataset`` reads them. An optimizer or schedule
setting names the entries whose constructor takes it, read from their signatures.
"""

from collections import Counter

from ..optim import OPTIMIZERS, SCHEDULES
from . import datasets
from .config import DEFAULTS, FIELDS
from .validate import names_text


def _shown(value, none="none"):
    if value is None:
        return none
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return f"{value:g}" if isinstance(value, float) else str(value)


# How the help names the table data sets: a whole kind, and a kind before a model ("the CSV mlp").
_KIND_WORDS = {"images": ("images", "images"), "csv": ("CSV tables", "CSV")}


def _table_defaults(name):
    """Field ``name``'s default per (kind, model) of the image and CSV sets, read from each source's own
    defaults as RunConfig.for_dataset reads them, and the (image set, model, value) that differ from
    their kind's."""
    models = FIELDS["model"].metadata["choices"]()
    cells, exceptions = {}, []
    for kind in _KIND_WORDS:
        for model in models:
            own = {s.name: s.defaults.get(model, {}).get(name, DEFAULTS[name])
                   for s in datasets.sources().values() if s.kind == kind}
            common = Counter(own.values()).most_common(1)[0][0]  # ties: the first set's
            cells[kind, model] = common
            exceptions += [(image_set, model, value) for image_set, value in own.items() if value != common]
    return cells, exceptions


def _where(group, cells):
    """Words for ``group``, some of the (kind, model) ``cells``: whole kinds ("images"), then one model on
    every kind ("the images and CSV cnn"), then single cells ("the CSV mlp"), joined by "and"."""
    kinds, models = list(dict.fromkeys(k for k, _ in cells)), list(dict.fromkeys(m for _, m in cells))
    parts, left = [], set(group)
    for kind in kinds:
        whole = {(kind, model) for model in models}
        if whole <= left:
            parts.append(_KIND_WORDS[kind][0])
            left -= whole
    for model in models:
        across = {(kind, model) for kind in kinds}
        if across <= left:
            parts.append(f"the {' and '.join(_KIND_WORDS[kind][1] for kind in kinds)} {model}")
            left -= across
    parts += [f"the {_KIND_WORDS[kind][1]} {model}" for kind, model in cells if (kind, model) in left]
    return " and ".join(parts)


def _default_text(f, lab_only=False):
    """The lab's default of field ``f`` and (unless ``lab_only``) every image and CSV default that differs
    from it, e.g. ``8 8; 256 128 for the images mlp; 128 for the images and CSV cnn; 64 32 for the CSV mlp``.
    An image set with its own default follows its kind's: ``5 for ... cnn (9 on fashion-mnist)``."""
    meta = f.metadata
    if "default_text" in meta:
        text = meta["default_text"]
        return text() if callable(text) else text
    none = meta.get("none", "none")
    if lab_only:
        return _shown(f.default, none)
    cells, exceptions = _table_defaults(f.name)
    clauses, placed = [_shown(f.default, none)], set()
    for value in dict.fromkeys(cells.values()):  # each value once, in the order of the cells
        if value == f.default:
            continue
        group = {cell for cell, v in cells.items() if v == value}
        own_defaults = {}  # phrase -> None: each once, in order
        for image_set, model, own in exceptions:
            if ("images", model) in group:
                same = {m for s, m, v in exceptions if s == image_set and v == own}
                whole = same >= {m for k, m in group if k == "images"}
                phrase = f"on {image_set}" if whole else f"for the {image_set} {model}"
                own_defaults[f" ({_shown(own, none)} {phrase})"] = None
                placed.add((image_set, model))
        clauses.append(f"{_shown(value, none)} for {_where(group, cells)}" + "".join(own_defaults))
    # an image set's own default where its kind keeps the lab's
    clauses += [f"{_shown(own, none)} for the {image_set} {model}" for image_set, model, own in exceptions
                if (image_set, model) not in placed]
    return "; ".join(dict.fromkeys(clauses))


# A setting's names in the constructors, where the flat config names it otherwise (see run.build):
# --t-max is a cosine's T_max and the length of a one-cycle's total_steps.
CONSTRUCTOR_NAMES = {"beta1": ("betas",), "beta2": ("betas",), "t_max": ("T_max", "total_steps")}
PARTS = {"optimizer": OPTIMIZERS, "schedule": SCHEDULES}


def takers(f):
    """The names of the optimizers (or schedules) whose constructor takes field ``f``."""
    registry = PARTS[f.metadata["part"]]
    return tuple(dict.fromkeys(name for parameter in CONSTRUCTOR_NAMES.get(f.name, (f.name,))
                               for name in registry.takers(parameter)))


def _for_takers(f, text):
    """'adam, adamw: first-moment decay': ``text`` after the entries that take the setting, read from their
    constructors (none when all do). Weight decay also says which optimizers decouple it (``decoupled``)."""
    registry, names = PARTS[f.metadata["part"]], takers(f)
    if set(names) != set(registry.names()):
        text = f"{', '.join(names)}: {text}"
    decoupled = [name for name in names if getattr(registry[name], "decoupled", False)]
    if f.name == "weight_decay" and decoupled:
        text += f"; decoupled from the gradient, w <- w (1 - lr weight_decay), for {names_text(decoupled)}"
    return text


def help_text(f, lab_only=False):
    """The help of field ``f``: its text, its choices, the entries that take it, and its default (the lab's,
    and the images' and CSV tables' where they differ and what holds for them alone, unless ``lab_only``)."""
    meta = f.metadata
    text = meta["help"]
    if "choices" in meta:
        text = text.format(choices=", ".join(meta["choices"]()))
    if "part" in meta:
        text = _for_takers(f, text)
    if "tables" in meta and not lab_only:
        text += f" ({meta['tables']})"
    default = _default_text(f, lab_only)
    return f"{text} (default: {default})" if default else text


