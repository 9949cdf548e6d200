"""Stochastic gradient descent with momentum, Nesterov momentum and weight decay."""

from ..errors import ConfigError
from ..validation import check_bool, check_number
from .optimizer import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    r"""SGD, with PyTorch's update rule, defaults and state name.

    For step t with gradient g_t of parameter w:

        g  <- g_t + weight_decay * w
        if momentum > 0:
            b <- g                                 (t = 1)
            b <- momentum * b + (1 - dampening) g  (t > 1)
            g <- g + momentum * b   if nesterov else   b
        w  <- w - lr * g

    b is ``state["momentum_buffer"]``. Like PyTorch (and unlike Sutskever et
    al.), lr multiplies the velocity at the update rather than the gradient
    inside it.
    """

    words = "SGD (plain gradient descent)"

    def __init__(self, params, lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.momentum = check_number("momentum", momentum, 0.0, 1.0, high_open=True)
        self.dampening = check_number("dampening", dampening, 0.0, 1.0)
        self.weight_decay = check_number("weight_decay", weight_decay, 0.0)
        self.nesterov = check_bool("nesterov", nesterov)
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ConfigError(
                f"Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                f"{self.momentum} and dampening {self.dampening}; set --momentum 0.9"
            )
        self.state_names = ("momentum_buffer",) if self.momentum else ()
        super().__init__(params, lr)

    def update(self, w, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * w
        if self.momentum:
            b = state["momentum_buffer"]
            if self.steps == 1:
                b[...] = g
            else:
                b *= self.momentum
                b += (1.0 - self.dampening) * g
            g = g + self.momentum * b if self.nesterov else b
        w -= self.lr * g

    def update_formula(self):
        if not self.momentum:
            return "w <- w - lr g"
        step = "w <- w - lr (g + momentum momentum_buffer)" if self.nesterov else "w <- w - lr momentum_buffer"
        return "momentum_buffer <- g at step 1, then momentum momentum_buffer + (1 - dampening) g;  " + step

    def hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "dampening": self.dampening,
                "weight_decay": self.weight_decay, "nesterov": self.nesterov}


@OPTIMIZERS.register("momentum")
def momentum_sgd(params, lr=0.1, momentum=0.9, **kwargs):
    """SGD with (heavy-ball) momentum, 0.9 by default."""
    return SGD(params, lr=lr, momentum=momentum, **kwargs)


momentum_sgd.words = "SGD with momentum"


@OPTIMIZERS.register("nesterov")
def nesterov_sgd(params, lr=0.1, momentum=0.9, **kwargs):
    """SGD with Nesterov momentum, 0.9 by default."""
    return SGD(params, lr=lr, momentum=momentum, nesterov=True, **kwargs)


nesterov_sgd.words = "SGD with Nesterov momentum"
