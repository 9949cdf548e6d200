"""The items a submission is graded on, in the order the numbers flow, and what each one depends on."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str  # the quantity's key: "z1", "loss", "delta3", "W2" (after one step), "step2"
    label: str
    depends_on: tuple  # keys of the items whose numbers this one is computed from
    required: bool  # graded even when the student's code does not show it


def graded_items(layers, has_biases):
    """Forward values, loss, each layer's backward from the output down, then the update, in that order."""
    found = []
    for l in range(1, layers + 1):
        found.append(Item(f"z{l}", f"layer {l} z = a·W + b", (f"a{l - 1}",) if l > 1 else (), False))
        found.append(Item(f"a{l}", f"layer {l} a = f(z)" if l < layers else "output a", (f"z{l}",), l == layers))
    found.append(Item("loss", "loss", (f"a{layers}",), False))
    for l in range(layers, 0, -1):
        found.append(Item(f"da{l}", f"layer {l} dL/da", (f"delta{l + 1}",) if l < layers else (f"a{l}",), False))
        found.append(Item(f"delta{l}", f"layer {l} δ = dL/dz", (f"da{l}", f"z{l}", f"a{l}"), False))
        found.append(Item(f"dW{l}", f"layer {l} dW", (f"delta{l}",) + ((f"a{l - 1}",) if l > 1 else ()), True))
        if has_biases:
            found.append(Item(f"db{l}", f"layer {l} db", (f"delta{l}",), True))
    for l in range(1, layers + 1):
        found.append(Item(f"W{l}", f"layer {l} W after one step", (f"dW{l}",), True))
        if has_biases:
            found.append(Item(f"b{l}", f"layer {l} b after one step", (f"db{l}",), True))
    params = tuple(f"{p}{l}" for l in range(1, layers + 1) for p in ("W", "b")[:1 + has_biases])
    found.append(Item("step2", "all parameters after a second step", params, True))
    return found


def ancestors(items):
    """key -> every key its numbers are computed from, directly or not."""
    direct = {item.key: set(item.depends_on) for item in items}
    found = {}
    for item in items:  # in flow order, so every parent's ancestors are known first
        seen = set()
        for parent in direct[item.key]:
            seen |= {parent} | found.get(parent, set())
        found[item.key] = seen
    return found
