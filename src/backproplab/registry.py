"""Registries: the one place a new activation, loss, optimizer, schedule, initialiser or data set is named.

A class (or function) joins its kind's registry with a decorator beside its
definition::

    @ACTIVATIONS.register("elu")
    class ELU(Activation):
        ...

and from that alone it is in the Python API, the CLI's choices, the sweep
options, model files, the gradient checks and the PyTorch parity tests, which
all read the registries instead of keeping lists of their own.
"""

import functools
import inspect

from .errors import ALSO_KNOWN_AS, lookup


class Registry:
    """An ordered mapping of name to class or function, of one kind (``"activation"``, ``"loss"`` ...)."""

    def __init__(self, kind):
        self.kind = kind
        self._entries = {}

    def register(self, name, *, replace=False, also_known_as=()):
        """Decorator: add the decorated object under ``name``.

        A name is taken only once, unless ``replace`` (a class defined again,
        as in a notebook cell run twice, takes the place of the old one).
        ``also_known_as``: other names it goes by elsewhere ('glorot' for 'xavier'),
        which an error for an unknown name suggests it for; they are not accepted.
        """

        def add(obj):
            if not replace and name in self._entries and self._entries[name] is not obj:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._entries[name] = obj
            ALSO_KNOWN_AS.update(dict.fromkeys((other.lower() for other in also_known_as), name))
            return obj

        return add

    def unregister(self, name):
        """Remove ``name`` (for tests that register a throwaway entry)."""
        self._entries.pop(name, None)

    def get(self, name):
        """The entry called ``name``, or a ConfigError that lists the choices and the closest."""
        return lookup(self.kind, name, self._entries)

    def parameters(self, entry):
        """The keyword parameters ``entry`` (a name or the registered object) takes, by name.

        A factory function that passes ``**kwargs`` on (such as ``momentum_sgd``) takes
        those of the registered classes defined beside it.
        """
        factory = self.get(entry) if isinstance(entry, str) else entry
        params = dict(_signature(factory))
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            for sibling in self.values():
                if isinstance(sibling, type) and sibling.__module__ == factory.__module__:
                    params = {**_signature(sibling), **params}
        return {name: p for name, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}

    def takers(self, parameter):
        """The names of the entries whose constructor takes ``parameter``."""
        return tuple(name for name in self if parameter in self.parameters(name))

    def name_of(self, entry):
        """The name ``entry`` (a class or function) is registered under, so code names it from its definition."""
        found = [name for name, obj in self._entries.items() if obj is entry]
        if not found:
            raise ValueError(f"{entry!r} is not a registered {self.kind}")
        return found[0]

    def names(self):
        return tuple(self._entries)

    def items(self):
        return self._entries.items()

    def values(self):
        return self._entries.values()

    def __contains__(self, name):
        return name in self._entries

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def __getitem__(self, name):
        return self._entries[name]

    def __repr__(self):
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"


@functools.lru_cache(maxsize=None)
def _signature(obj):
    """``obj``'s parameters, read once: every run of a sweep checks its settings against them."""
    return inspect.signature(obj).parameters
