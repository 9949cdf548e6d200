"""The backward pass of the lab's network written symbolically, in the trace's own symbols.

The trace of each data set's hardest point (in the data sets' sections) gives every quantity
below as numbers: the derivation says what the trace computes, the trace that it does.
"""

from ..nn import ACTIVATIONS, LOSSES
from ..tracing.notation import loss_words


def _activation(name):
    """(its formula in z, its derivative in z and f(z)) of a registered activation, as its class declares them."""
    kind = ACTIVATIONS.get(name)
    symbols = {"z": "z", "a": "f(z)", "negative_slope": getattr(kind, "negative_slope", 0.01)}
    return (kind.formula or "f(z)").format(**symbols), (kind.derivative or "f'(z)").format(**symbols)


def derivation_lines(config):
    """The forward and backward formulas of a network with ``config``'s hidden layers, loss and activations."""
    out = len(config["hidden"]) + 1
    hidden = config["activation"]
    f, f_prime = _activation(hidden[0] if isinstance(hidden, (list, tuple)) else hidden)
    loss = LOSSES.get(config["loss"])
    lines = ["Forward, layer by layer (a0 = x, one column per sample):"]
    for l in range(1, out + 1):
        lines.append(f"  z{l} = W{l} a{l - 1} + b{l}      " + (f"a{l} = f(z{l})" if l < out else
                                                              f"ŷ = a{l}, the output unit's activation of z{l}"))
    lines += [f"  f(z) = {f}, so f'(z) = {f_prime}",
              f"  {(loss.formula or 'L = L(ŷ, y)').format(p='ŷ')}   ({loss_words(config['loss'])}, "
              "averaged over the n samples)", "",
              "Backward, by the chain rule, from the loss to the first layer:"]
    if getattr(loss, "takes_logits", False):
        lines.append(f"  δ{out} = dL/dz{out} = ({(loss.derivative or '').split('= ')[-1].format(p=f'z{out}')}) / n")
    else:
        lines.append(f"  {(loss.derivative or 'dL/dŷ').format(p='ŷ')}, over n")
        lines.append(f"  δ{out} = dL/dz{out} = dL/dŷ ⊙ ŷ'(z{out})"
                     + ("   = (ŷ − y) / n for a sigmoid output" if getattr(loss, "takes_probabilities", False) else ""))
    for l in range(out, 0, -1):
        lines.append(f"  dL/dW{l} = δ{l} a{l - 1}ᵀ      dL/db{l} = δ{l} summed over the samples")
        if l > 1:
            lines.append(f"  dL/da{l - 1} = W{l}ᵀ δ{l}      δ{l - 1} = dL/da{l - 1} ⊙ f'(z{l - 1})")
    chain = f"δ{out}"
    for l in range(out, 1, -1):
        chain = f"(W{l}ᵀ {chain}) ⊙ f'(z{l - 1})"
    return lines + ["", "Put together, the first layer's weight gradient is one product of the chain:",
                    f"  dL/dW1 = [{chain}] xᵀ"]


def derivation_section(doc, config, traced):
    """The section: the formulas for the lab's network, linked to the numeric traces of ``traced``
    [(label, anchor)]."""
    doc.heading("How backpropagation computes the gradients", anchor="derivation")
    doc.para("The lab's network in the trace's symbols: layer l computes z_l from the layer before and a_l from z_l; "
             "δ_l = dL/dz_l is the error signal that flows back; ⊙ multiplies element by element, and ᵀ transposes. "
             "Each weight gradient is the error signal of its layer times the input the layer saw, which is why a "
             "backward pass must keep each layer's input from the forward pass.")
    doc.formulas(derivation_lines(config))
    doc.link("Every quantity here is computed in numbers, for the hardest training point, in the trace "
             "(Backpropagation by hand) of each data set's section:", traced)
