"""Optimizers with per-coordinate step sizes: AdaGrad, RMSprop, Adam, AdamW.

Update rules, defaults and state names follow PyTorch's ``torch.optim``.
"""

import math

import numpy as np

from ..errors import ConfigError
from ..validation import check_bool, check_number
from .optimizer import OPTIMIZERS, Optimizer


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    r"""AdaGrad (Duchi et al., 2011).

        lr_t <- lr / (1 + (t - 1) * lr_decay)
        g    <- g_t + weight_decay * w
        sum  <- sum + g^2                      (sum starts at initial_accumulator_value)
        w    <- w - lr_t * g / (sqrt(sum) + eps)
    """

    state_names = ("sum",)
    formula = "sum <- sum + g^2;  w <- w - lr g / (sqrt(sum) + eps)"
    words = "AdaGrad"

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        self.lr_decay = check_number("lr_decay", lr_decay, 0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, 0.0)
        self.initial_accumulator_value = check_number(
            "initial_accumulator_value", initial_accumulator_value, 0.0)
        self.eps = check_number("eps", eps, 0.0)
        super().__init__(params, lr)
        for state in self.state:
            state["sum"][...] = self.initial_accumulator_value

    def update(self, w, g, state):
        lr_t = self.lr / (1.0 + (self.steps - 1) * self.lr_decay)
        if self.weight_decay:
            g = g + self.weight_decay * w
        s = state["sum"]
        s += g * g
        w -= lr_t * g / (np.sqrt(s) + self.eps)

    def hyperparameters(self):
        return {"lr": self.lr, "lr_decay": self.lr_decay, "weight_decay": self.weight_decay,
                "initial_accumulator_value": self.initial_accumulator_value, "eps": self.eps}


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), PyTorch's variant.

        g          <- g_t + weight_decay * w
        square_avg <- alpha * square_avg + (1 - alpha) g^2
        if centered:  grad_avg <- alpha * grad_avg + (1 - alpha) g
                      d <- sqrt(square_avg - grad_avg^2) + eps
        else:         d <- sqrt(square_avg) + eps
        if momentum > 0:  momentum_buffer <- momentum * momentum_buffer + g / d
                          w <- w - lr * momentum_buffer
        else:             w <- w - lr * g / d
    """

    formula = "square_avg <- alpha square_avg + (1 - alpha) g^2;  w <- w - lr g / (sqrt(square_avg) + eps)"
    words = "RMSprop"

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False):
        self.alpha = check_number("alpha", alpha, 0.0, 1.0, high_open=True)
        self.eps = check_number("eps", eps, 0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, 0.0)
        self.momentum = check_number("momentum", momentum, 0.0, 1.0, high_open=True)
        self.centered = check_bool("centered", centered)
        self.state_names = ("square_avg",) + (("grad_avg",) if self.centered else ()) \
            + (("momentum_buffer",) if self.momentum else ())
        super().__init__(params, lr)

    def update(self, w, g, state):
        if self.weight_decay:
            g = g + self.weight_decay * w
        v = state["square_avg"]
        v *= self.alpha
        v += (1.0 - self.alpha) * g * g
        if self.centered:
            m = state["grad_avg"]
            m *= self.alpha
            m += (1.0 - self.alpha) * g
            denom = np.sqrt(v - m * m) + self.eps
        else:
            denom = np.sqrt(v) + self.eps
        if self.momentum:
            b = state["momentum_buffer"]
            b *= self.momentum
            b += g / denom
            w -= self.lr * b
        else:
            w -= self.lr * g / denom

    def update_formula(self):
        if self.centered or self.momentum:
            return self.formula + "  (centered and/or with momentum: see RMSprop's docstring)"
        return self.formula

    def hyperparameters(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "momentum": self.momentum, "centered": self.centered}


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with bias correction.

        g          <- g_t + weight_decay * w          (L2 penalty; see AdamW for decoupled)
        exp_avg    <- beta1 * exp_avg + (1 - beta1) g
        exp_avg_sq <- beta2 * exp_avg_sq + (1 - beta2) g^2
        w          <- w - lr * m_hat / (sqrt(v_hat) + eps),
                      m_hat = exp_avg / (1 - beta1^t),  v_hat = exp_avg_sq / (1 - beta2^t)

    With amsgrad, max_exp_avg_sq keeps the running maximum of exp_avg_sq and
    replaces it in v_hat.
    """

    formula = ("exp_avg <- beta1 exp_avg + (1 - beta1) g;  exp_avg_sq <- beta2 exp_avg_sq + (1 - beta2) g^2;  "
               "w <- w - lr (exp_avg / (1 - beta1^t)) / (sqrt(exp_avg_sq / (1 - beta2^t)) + eps)")
    words = "Adam"

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ConfigError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = check_number("beta1", betas[0], 0.0, 1.0, high_open=True)
        self.beta2 = check_number("beta2", betas[1], 0.0, 1.0, high_open=True)
        self.eps = check_number("eps", eps, 0.0)
        self.weight_decay = check_number("weight_decay", weight_decay, 0.0)
        self.amsgrad = check_bool("amsgrad", amsgrad)
        self.state_names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if self.amsgrad else ())
        super().__init__(params, lr)

    def update(self, w, g, state):
        t = self.steps
        if self.weight_decay:
            if self.decoupled:
                w *= 1.0 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * w
        m, v = state["exp_avg"], state["exp_avg_sq"]
        # In place, with one temporary: these few passes are the optimizer's whole cost.
        tmp = np.multiply(g, 1.0 - self.beta1)
        m *= self.beta1
        m += tmp                                  # m = beta1 m + (1 - beta1) g
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.beta2
        v *= self.beta2
        v += tmp                                  # v = beta2 v + (1 - beta2) g^2
        if self.amsgrad:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        # m_hat / (sqrt(v_hat) + eps) = m / (1 - beta1^t) / (sqrt(v) / c + eps),  c = sqrt(1 - beta2^t)
        #                             = (c / (1 - beta1^t)) * m / (sqrt(v) + eps c)
        c = math.sqrt(1.0 - self.beta2**t)
        np.sqrt(v, out=tmp)
        tmp += self.eps * c
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * c / (1.0 - self.beta1**t)
        w -= tmp

    def hyperparameters(self):
        return {"lr": self.lr, "betas": (self.beta1, self.beta2), "eps": self.eps,
                "weight_decay": self.weight_decay, "amsgrad": self.amsgrad}


@OPTIMIZERS.register("adamw")
class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

        w <- w * (1 - lr * weight_decay)    before the Adam update (which gets no L2 term)

    weight_decay defaults to 0.01, as in PyTorch.
    """

    words = "AdamW"
    decoupled = True

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
