"""The textbook notation of a trace: a symbol for every value (a0 = x, z1, a1, W1 ...), the formulas, and
each layer, loss and optimizer setting named in words ('Linear 2 -> 8', 'binary cross-entropy').

Layers the table below does not know (a new layer type) are named by their type and
described by the first line of their docstring, so every registered layer can be traced.
"""

import re

from ..nn import ACTIVATIONS

# type -> (output letter, forward formula, backward formula); {o} output, {i} input, {l} layer number.
_LAYERS = {
    "Linear": ("z", "{o} = W{l} {i} + b{l}",
               "dL/dW{l} = dL/d{o} {i}^T;  dL/db{l} = dL/d{o};  dL/d{i} = W{l}^T dL/d{o}"),
    "Conv2d": ("z", "{o} = W{l} (cross-correlated with) {i} + b{l}",
               "dL/dW{l} = dL/d{o} correlated with {i};  dL/db{l} = dL/d{o} summed over positions;  "
               "dL/d{i} = dL/d{o} fully convolved with W{l}"),
    "MaxPool2d": ("p", "{o} = the maximum of each window of {i}",
                  "dL/d{i} = dL/d{o} routed to the maximum of each window, 0 elsewhere"),
    "AvgPool2d": ("p", "{o} = the mean of each window of {i}",
                  "dL/d{i} = dL/d{o} / (window size), spread over each window"),
    "Flatten": ("f", "{o} = {i} laid out as one vector", "dL/d{i} = dL/d{o} laid out as {i}"),
    "Dropout": ("h", "{o} = {i} * m / (1 - p), mask m ~ Bernoulli(1 - p)", "dL/d{i} = dL/d{o} * m / (1 - p)"),
    "BatchNorm1d": ("n", "{o} = gamma{l} ({i} - running_mean) / sqrt(running_var + eps) + beta{l}",
                    "dL/dgamma{l} = dL/d{o} * normalised {i};  dL/dbeta{l} = dL/d{o};  "
                    "dL/d{i} = dL/d{o} * gamma{l} / sqrt(running_var + eps)"),
}
_LAYERS["BatchNorm2d"] = _LAYERS["BatchNorm1d"]
_PARAMETERS = {"weight": "W", "bias": "b"}
_NORM_PARAMETERS = {"weight": "gamma", "bias": "beta"}

# activation type -> (a as a function of z, f'(z) in terms of a and z)
_ACTIVATIONS = {
    "Sigmoid": ("1 / (1 + exp(-{z}))", "{a} (1 - {a})"),
    "Tanh": ("tanh({z})", "1 - {a}^2"),
    "ReLU": ("max({z}, 0)", "1 if {z} > 0 else 0"),
    "LeakyReLU": ("{z} if {z} > 0 else {slope:g} {z}", "1 if {z} > 0 else {slope:g}"),
    "Identity": ("{z}", "1"),
    "Softmax": ("exp({z}_i) / sum_j exp({z}_j)", None),
}

_LOSSES = {
    "MSELoss": ("L = mean(({p} - y)^2)", "dL/d{p} = 2 ({p} - y) / n"),
    "BCELoss": ("L = -(y log {p} + (1 - y) log(1 - {p}))", "dL/d{p} = ({p} - y) / ({p} (1 - {p}))"),
    "BCEWithLogitsLoss": ("L = log(1 + exp({p})) - y {p}", "dL/d{p} = sigmoid({p}) - y"),
    "CrossEntropyLoss": ("L = -log softmax({p})[y]", "dL/d{p} = softmax({p}) - onehot(y)"),
}

# A registered loss's name in words, for a reader who does not know the option names.
LOSS_WORDS = {"mse": "mean squared error", "half_sse": "half the sum of squared errors",
              "bce": "binary cross-entropy", "bce_logits": "binary cross-entropy on logits",
              "cross_entropy": "cross-entropy"}


def loss_words(name):
    """'bce' -> 'binary cross-entropy'; a loss this table does not know keeps its name."""
    return LOSS_WORDS.get(name, name)


def _doc_line(obj):
    """The first line of the class docstring, braces escaped for ``str.format``."""
    line = (type(obj).__doc__ or type(obj).__name__).strip().splitlines()[0]
    return line.replace("{", "{{").replace("}", "}}")


def _is_activation(layer):
    return type(layer) in ACTIVATIONS.values()


def layer_symbols(layers):
    """For each layer: its input and output symbols, its parameters' symbols and its two formulas."""
    l, current, used, found = 0, "a0", {"a0"}, []
    for i, layer in enumerate(layers):
        name = type(layer).__name__
        params = [n for n, _ in layer.named_parameters()]
        if name in ("Linear", "Conv2d") or (name not in _LAYERS and params and not _is_activation(layer)):
            l += 1
        if _is_activation(layer):
            letter, forward, backward = "a", _activation_formula(layer), _activation_backward(layer)
        else:
            letter, forward, backward = _LAYERS.get(name, ("h", f"{{o}} = {name}({{i}}): {_doc_line(layer)}",
                                                           f"dL/d{{i}} = {name}.backward(dL/d{{o}})"))
        out = f"{letter}{l}"
        while out in used:
            out += "'"
        used.add(out)
        names = _NORM_PARAMETERS if name.startswith("BatchNorm") else _PARAMETERS
        sym = {"in": current, "out": out, **{p: f"{names.get(p, p)}{l}" for p in params}}
        sym["formula"] = forward.format(o=out, i=current, l=l)
        sym["backward_formula"] = backward.format(o=out, i=current, l=l)
        found.append(sym)
        current = out
    return found


def _activation_formula(layer):
    name = type(layer).__name__
    a_of_z = _ACTIVATIONS.get(name, (f"{name}({{z}})", None))[0]
    return "{o} = " + a_of_z.replace("{z}", "{i}").replace("{slope:g}", f"{getattr(layer, 'negative_slope', 0):g}")


def _activation_backward(layer):
    if getattr(type(layer), "hidden_layer", True):
        return "dL/d{i} = dL/d{o} * f'({i}),  f'({i}) = " + derivative_formula(layer, None)
    return "dL/d{i} = {o} * (dL/d{o} - sum_j dL/d{o}_j {o}_j)   (the Jacobian diag({o}) - {o} {o}^T)"


def derivative_formula(layer, sym):
    """f'(z) of an elementwise activation in the trace's symbols (or {i}/{o} placeholders)."""
    name = type(layer).__name__
    text = _ACTIVATIONS.get(name, (None, None))[1] or f"{name}.backward(1)"
    text = text.replace("{slope:g}", f"{getattr(layer, 'negative_slope', 0):g}")
    if sym is None:
        return text.replace("{a}", "{o}").replace("{z}", "{i}")
    return text.format(a=sym["out"], z=sym["in"])


def loss_formulas(loss_fn, out="p"):
    """The loss and its gradient with respect to the network's output ``out``."""
    name = type(loss_fn).__name__
    loss, grad = _LOSSES.get(name, (f"L = {name}({{p}}, y): {_doc_line(loss_fn)}", f"dL/d{{p}} = {name}.backward()"))
    reduction = getattr(loss_fn, "reduction", "mean")
    if reduction != "mean":  # one sample: only the mean over several outputs (MSE's) changes
        loss = loss.replace("mean(", f"{reduction}(")
        grad = grad.replace(" / n", "") if reduction == "sum" else grad + f"   (reduction '{reduction}')"
    return loss.format(p=out), grad.format(p=out)


def optimizer_formula(opt):
    """The update rule ``opt`` applies, with its settings, in the names of its state."""
    name, h = type(opt).__name__, opt.hyperparameters()
    decay = f"g <- g + {h['weight_decay']:g} w;  " if h.get("weight_decay") and name != "AdamW" else ""
    if name == "SGD":
        if not h["momentum"]:
            rule = "w <- w - lr g"
        else:
            step = "w <- w - lr (g + momentum momentum_buffer)" if h["nesterov"] else "w <- w - lr momentum_buffer"
            rule = ("momentum_buffer <- g at step 1, then momentum momentum_buffer + (1 - dampening) g;  " + step)
    elif name == "Adagrad":
        rule = "sum <- sum + g^2;  w <- w - lr g / (sqrt(sum) + eps)"
    elif name == "RMSprop":
        rule = "square_avg <- alpha square_avg + (1 - alpha) g^2;  w <- w - lr g / (sqrt(square_avg) + eps)"
        if h["centered"] or h["momentum"]:
            rule += "  (centered and/or with momentum: see RMSprop's docstring)"
    elif name in ("Adam", "AdamW"):
        rule = ("exp_avg <- beta1 exp_avg + (1 - beta1) g;  exp_avg_sq <- beta2 exp_avg_sq + (1 - beta2) g^2;  "
                "w <- w - lr (exp_avg / (1 - beta1^t)) / (sqrt(exp_avg_sq / (1 - beta2^t)) + eps)")
        if name == "AdamW" and h["weight_decay"]:
            rule = f"w <- w (1 - lr {h['weight_decay']:g});  " + rule
    else:
        rule = f"w <- {name}.update(w, g): {_doc_line(opt).replace('{{', '{').replace('}}', '}')}"
    return decay + rule


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
