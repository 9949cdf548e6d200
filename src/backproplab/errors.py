"""The library's own error types.

Every error a user can provoke with bad input is one of these, with a
one-line message that names the value, the rule it breaks and a fix.
"""

import difflib


class BackproplabError(Exception):
    """Base class of every error raised on purpose by backproplab.

    Its message is one line whatever it quotes: a name read from a damaged file
    may hold a line break, which is shown as ``\\n``.
    """

    def __str__(self):
        return super().__str__().replace("\r", "\\r").replace("\n", "\\n")


class ConfigError(BackproplabError, ValueError):
    """An argument, option or data array that breaks a rule."""


class WriteError(ConfigError):
    """A file that could not be written (a full disk, a refused permission); any old file is unchanged."""


class ModelFileError(BackproplabError):
    """A model file that cannot be read: missing, truncated, corrupted or foreign."""


def did_you_mean(name, choices):
    """Return ' (did you mean X?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_name(kind, name, choices):
    """A ConfigError for a name that is not in a registry."""
    return ConfigError(
        f"unknown {kind} {name!r}{did_you_mean(name, choices)}; "
        f"choose one of: {', '.join(sorted(choices))}"
    )


def lookup(kind, name, table):
    """``table[name]``, or a ConfigError that lists the choices and suggests the closest."""
    if isinstance(name, str) and name in table:
        return table[name]
    raise unknown_name(kind, name, table)
