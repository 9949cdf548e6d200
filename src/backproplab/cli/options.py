"""What every command's parser shares: one-line errors, RunConfig fields as options, the output options."""

import argparse
import re
from dataclasses import fields


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2, and no abbreviated options.

    With abbreviations, an option a command lacks can silently become another one
    (``trace --out x`` was read as ``--output-activation x``).
    """

    def __init__(self, *args, arguments=None, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        # A value that starts with '-' and a digit is a number, however written ('--x -1e-3 0.5', '-1.');
        # argparse alone takes only '-1' and '-0.5' for numbers, and '-1e-3' for an unknown option.
        self._negative_number_matcher = re.compile(r"^-\.?\d")
        # ``arguments(parser)`` adds a command's arguments when its parser is first used, for a command whose
        # options live in a module that takes long to import (the checker's): 'backproplab --help' needs none.
        self._arguments = arguments

    def add_deferred_arguments(self):
        """The command's arguments, added now if they were left to the parser's first use."""
        add, self._arguments = self._arguments, None
        if add is not None:
            add(self)

    def parse_known_args(self, args=None, namespace=None):
        self.add_deferred_arguments()
        if args is not None:
            self._refuse_contradictions(list(args))
        parsed, unknown = super().parse_known_args(args, namespace)
        self._refuse_empty_values(parsed)
        return parsed, unknown

    def _refuse_empty_values(self, parsed):
        """An empty value ('--out ""') is an error: it would read as the option left out, or as a path."""
        for action in self._actions:
            value = getattr(parsed, action.dest, None)
            given = value if isinstance(value, list) else [value]
            if action.default != "" and any(isinstance(v, str) and not v.strip() for v in given):
                name = action.option_strings[0] if action.option_strings else action.metavar or action.dest
                self.error(f"{name} is given an empty value; give it a value"
                           + (f", or drop {name}" if action.option_strings else ""))

    def _refuse_contradictions(self, args):
        """An option given twice with different values is an error naming both: '--lr 0.1 --lr 0.2' would
        otherwise keep the last without a word."""
        seen = {}
        for i, token in enumerate(args):
            if token == "--":
                break
            name, equals, inline = token.partition("=")
            action = self._option_string_actions.get(name) if token.startswith("--") else None
            if action is None or isinstance(action, (argparse._AppendAction, argparse._CountAction)):
                continue
            values = [inline] if equals else []
            for following in args[i + 1:]:
                if equals or following.startswith("--"):
                    break
                values.append(following)
            key = action.dest
            if key in seen and seen[key][1] != values:
                first, earlier = seen[key]
                self.error(f"{name} is given twice, as {' '.join([first, *earlier])} and "
                           f"{' '.join([name, *values])}; give it once")
            seen[key] = (name, values)

    def format_usage(self):
        self.add_deferred_arguments()
        return super().format_usage()

    def format_help(self):
        self.add_deferred_arguments()
        return super().format_help()

    def error(self, message):
        self.exit(2, f"error: {message} (see '{self.prog} --help')\n")


def _add_loss_settings(group, hidden=False):
    """One option per setting of the registered losses (``--loss-delta``), typed by its default, with the
    losses that take it and what it means (their ``settings_help``)."""
    from ..nn import LOSSES
    from ..run import option
    from ..run.config import loss_options

    for key, (setting, default, takers) in loss_options().items():
        meaning = next((LOSSES[name].settings_help[setting] for name in takers
                        if setting in LOSSES[name].settings_help), "a setting of the loss")
        shown = argparse.SUPPRESS if hidden else f"{', '.join(takers)}: {meaning} (default: the loss's own, {default!r})"
        kind = type(default) if isinstance(default, (int, float, str)) and not isinstance(default, bool) else None
        group.add_argument(option(key), dest=key, default=None, help=shown.replace("%", "%%"),
                           **({"type": kind} if kind else {}))


def _add_config_option(group, f, default=None, lab_only=False, hidden=False):
    """One RunConfig field as an option, as its metadata declares it (``hidden``: left out of --help)."""
    from ..run import option
    from ..run.help import help_text

    meta = f.metadata
    if meta.get("loss_settings"):
        return _add_loss_settings(group, hidden)
    shown = argparse.SUPPRESS if hidden else help_text(f, lab_only).replace("%", "%%")
    kwargs = {"help": shown, "default": default, "dest": f.name}
    if meta.get("type") is bool:
        if "flag" in meta:  # an option that turns a default-on setting off, such as --no-download
            kwargs.update(action="store_false", dest=f.name)
            return group.add_argument(meta["flag"], **kwargs)
        kwargs["action"] = argparse.BooleanOptionalAction
    else:
        kwargs.update({k: meta[k] for k in ("type", "nargs", "metavar") if k in meta})
    return group.add_argument(option(f.name), **kwargs)


def add_config_options(parser, names=None, defaults=False, hidden=()):
    """Argument groups of RunConfig fields (all, or ``names``), built from the fields' metadata.

    Options default to None, so that each data set can bring its own defaults
    (RunConfig.for_dataset); with ``defaults`` they take RunConfig's (the lab's). Those
    named in ``hidden`` are parsed but left out of --help (the command refuses them in its own words).
    """
    # Here, not above: the run layer imports NumPy and the registries, which 'backproplab --help' does not need.
    from ..run import RunConfig
    from ..run.config import GROUPS

    groups = {name: parser.add_argument_group(name) for name in GROUPS}
    for f in fields(RunConfig):
        if names is None or f.name in names:
            _add_config_option(groups[f.metadata["group"]], f, f.default if defaults else None, lab_only=defaults,
                               hidden=f.name in hidden)
    return groups


def add_output_options(group, label):
    group.add_argument("--out", metavar="DIR", help=f"folder to write to (default: runs/<timestamp>-{label}/)")
    group.add_argument("--force", action="store_true", help="allow --out to name a folder that already holds files")
    group.add_argument("--debug", action="store_true", help="show a traceback on errors")


def config_options(args):
    """The RunConfig options given on the command line (None means not given), a loss's settings as
    ``loss_delta`` (``RunConfig.for_dataset`` takes them so)."""
    from ..run import RunConfig
    from ..run.config import LIST_FIELDS, loss_options

    names = [*(f.name for f in fields(RunConfig)), *loss_options()]
    given = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    for name in LIST_FIELDS:
        if name in given:
            given[name] = tuple(given[name])
    return given
