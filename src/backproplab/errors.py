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


# Other well-known names of registered entries ('glorot' for 'xavier'), filled by Registry.register's
# also_known_as: an error suggests the entry, but the other name is not accepted in its place.
ALSO_KNOWN_AS: dict[str, str] = {}


def did_you_mean(name, choices):
    """Return ' (did you mean X?)' for the closest choice, or ''.

    Case is ignored ('XOR' finds 'xor'), and a well-known other name finds its entry (ALSO_KNOWN_AS)."""
    by_case = {str(choice).lower(): str(choice) for choice in choices}
    asked = str(name).lower()
    other = ALSO_KNOWN_AS.get(asked)
    if asked in by_case:
        close = [by_case[asked]]
    elif other in by_case.values():
        close = [other]
    else:
        close = [by_case[c] for c in difflib.get_close_matches(asked, list(by_case), n=1, cutoff=0.5)]
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
