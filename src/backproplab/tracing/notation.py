"""The textbook notation of a trace: a symbol for every value (a0 = x, z1, a1, W1 ...), the formulas, and
each layer, loss and optimizer setting named in words ('Linear 2 -> 8', 'binary cross-entropy').

Every formula is read from the class it describes (``formula``, ``derivative``, ``symbol`` ...; see
``Linear``, ``_Activation``, ``Loss`` and ``Optimizer``). A class that declares none (a new layer
type) is named by its type and described by the first line of its docstring, so every registered
layer can be traced.
"""

import re

from ..nn import ACTIVATIONS, LOSSES

_PARAMETERS = {"weight": "W", "bias": "b"}


def loss_words(name):
    """'bce' -> 'binary cross-entropy', the loss's own ``words``; a loss that has none keeps its name."""
    if name not in LOSSES:
        return name
    return getattr(LOSSES[name], "words", None) or name


def _doc_line(obj):
    """The first line of the class docstring, braces escaped for ``str.format``."""
    line = (type(obj).__doc__ or type(obj).__name__).strip().splitlines()[0]
    return line.replace("{", "{{").replace("}", "}}")


def is_activation(layer):
    """A registered activation, or a subclass of one (a student's own Sigmoid, say)."""
    return isinstance(layer, tuple(ACTIVATIONS.values()))


def _starts_layer(layer, params):
    """True for a layer that numbers a new layer (W1, z1 ...): as it declares, else any non-activation with parameters."""
    declared = getattr(type(layer), "starts_layer", None)
    return declared if declared is not None else bool(params) and not is_activation(layer)


def layer_symbols(layers):
    """For each layer: its input and output symbols, its parameters' symbols, its two formulas and
    ``layer``, the number l its symbols carry (W1, z1, a1: 1), which numbers it in the trace too."""
    l, current, used, found = 0, "a0", {"a0"}, []
    for layer in layers:
        kind, name = type(layer), type(layer).__name__
        params = [n for n, _ in layer.named_parameters()]
        if _starts_layer(layer, params):
            l += 1
        if is_activation(layer):
            letter, forward, backward = "a", _activation_formula(layer), _activation_backward(layer)
        elif getattr(kind, "formula", None):
            letter, forward, backward = getattr(kind, "symbol", "h"), kind.formula, kind.derivative
        else:
            letter, forward, backward = ("h", f"{{o}} = {name}({{i}}): {_doc_line(layer)}",
                                         f"dL/d{{i}} = {name}.backward(dL/d{{o}})")
        out = f"{letter}{l}"
        while out in used:
            out += "'"
        used.add(out)
        names = getattr(kind, "parameter_symbols", _PARAMETERS)
        sym = {"in": current, "out": out, "layer": l, **{p: f"{names.get(p, p)}{l}" for p in params}}
        sym["formula"] = forward.format(o=out, i=current, l=l)
        sym["backward_formula"] = backward.format(o=out, i=current, l=l)
        found.append(sym)
        current = out
    return found


def _in_symbols(text, layer, a, z):
    """An activation's ``formula`` or ``derivative`` with its settings (``config()``) filled in and its
    output and input written as ``a`` and ``z`` (symbols, or the placeholders ``{o}`` and ``{i}``)."""
    return text.format(a=a, z=z, **layer.config())


def _activation_formula(layer):
    formula = getattr(type(layer), "formula", None) or f"{type(layer).__name__}({{z}})"
    return "{o} = " + _in_symbols(formula, layer, "{o}", "{i}")


def _activation_backward(layer):
    if getattr(type(layer), "hidden_layer", True):
        return "dL/d{i} = dL/d{o} * f'({i}),  f'({i}) = " + derivative_formula(layer, None)
    return "dL/d{i} = {o} * (dL/d{o} - sum_j dL/d{o}_j {o}_j)   (the Jacobian diag({o}) - {o} {o}^T)"


def derivative_formula(layer, sym):
    """f'(z) of an elementwise activation in the trace's symbols (or {i}/{o} placeholders)."""
    text = getattr(type(layer), "derivative", None) or f"{type(layer).__name__}.backward(1)"
    if sym is None:
        return _in_symbols(text, layer, "{o}", "{i}")
    return _in_symbols(text, layer, sym["out"], sym["in"])


def loss_formulas(loss_fn, out="p"):
    """The loss and its gradient with respect to the network's output ``out``."""
    kind, name = type(loss_fn), type(loss_fn).__name__
    loss = getattr(kind, "formula", None) or f"L = {name}({{p}}, y): {_doc_line(loss_fn)}"
    grad = getattr(kind, "derivative", None) or f"dL/d{{p}} = {name}.backward()"
    reduction = getattr(loss_fn, "reduction", "mean")
    if reduction != "mean":  # one sample: only the mean over several outputs (MSE's) changes
        loss = loss.replace("mean(", f"{reduction}(")
        grad = grad.replace(" / n", "") if reduction == "sum" else grad + f"   (reduction '{reduction}')"
    settings = loss_fn.config() if hasattr(loss_fn, "config") else {}  # Huber's {delta:g}
    return loss.format(p=out, **settings), grad.format(p=out, **settings)


def optimizer_formula(opt):
    """The update rule ``opt`` applies, with its settings, in the names of its state.

    Weight decay is written as the optimizer declares it: added to the gradient, or, for an
    optimizer whose ``decoupled`` is True, shrinking the weights before the update.
    """
    decay = opt.hyperparameters().get("weight_decay")
    decoupled = getattr(opt, "decoupled", False)
    rule = opt.update_formula() if hasattr(opt, "update_formula") else None
    if rule is None:
        rule = f"w <- {type(opt).__name__}.update(w, g): {_doc_line(opt).replace('{{', '{').replace('}}', '}')}"
    if decay and decoupled:
        return f"w <- w (1 - lr {decay:g});  " + rule
    return (f"g <- g + {decay:g} w;  " if decay else "") + rule


# --- a layer and an optimizer's settings in words, never as Python prints them ---------------------

_REPR = re.compile(r"^(?:(\d+): )?(\w+)\((.*)\)$")


def layer_title(layer):
    """'Linear 2 -> 8', 'Sigmoid', 'Conv2d 1 -> 8, kernel_size 3 x 3, ...': the layer as a student reads it,
    from the record's 'i: Linear(in_features=2, out_features=8)'."""
    found = _REPR.match(layer["name"])
    if not found:
        return layer["name"]
    _, kind, arguments = found.groups()
    settings = dict(re.findall(r"(\w+)=(\[[^]]*\]|\([^)]*\)|[^,]+)", arguments))
    words = [kind]
    for left, right in (("in_features", "out_features"), ("in_channels", "out_channels")):
        if left in settings and right in settings:
            words[0] += f" {settings.pop(left)} -> {settings.pop(right)}"
    if settings.pop("bias", None) == "False":
        settings["bias"] = "none"
    words += [f"{k} {_setting(v)}" for k, v in settings.items()]
    return ", ".join(words)


def _setting(value):
    """A setting's value as written in prose: '3 x 3' for a pair of sizes, 'yes'/'no' for a flag."""
    value = str(value).strip()
    if value[:1] in "[(":
        return " x ".join(v.strip() for v in value.strip("[]()").split(",") if v.strip())
    return {"True": "yes", "False": "no", "None": "none"}.get(value.strip("'\""), value.strip("'\""))


def settings_text(hyperparameters):
    """'lr 0.01, beta1 0.9, beta2 0.999, eps 1e-08, weight_decay 0, amsgrad no': an optimizer's settings."""
    words = []
    for key, value in hyperparameters.items():
        if key == "betas":
            words += [f"beta1 {value[0]:g}", f"beta2 {value[1]:g}"]
        elif isinstance(value, bool):
            words.append(f"{key} {'yes' if value else 'no'}")
        elif isinstance(value, float):
            words.append(f"{key} {value:g}")
        else:
            words.append(f"{key} {_setting(value)}")
    return ", ".join(words)
