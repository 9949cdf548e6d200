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

from .errors import lookup


class Registry:
    """An ordered mapping of name to class or function, of one kind (``"activation"``, ``"loss"`` ...)."""

    def __init__(self, kind):
        self.kind = kind
        self._entries = {}

    def register(self, name, *, replace=False):
        """Decorator: add the decorated object under ``name``.

        A name is taken only once, unless ``replace`` (a class defined again,
        as in a notebook cell run twice, takes the place of the old one).
        """

        def add(obj):
            if not replace and name in self._entries and self._entries[name] is not obj:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._entries[name] = obj
            return obj

        return add

    def unregister(self, name):
        """Remove ``name`` (for tests that register a throwaway entry)."""
        self._entries.pop(name, None)

    def get(self, name):
        """The entry called ``name``, or a ConfigError that lists the choices and the closest."""
        return lookup(self.kind, name, self._entries)

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
