"""Optimizers with per-coordinate step sizes: AdaGrad, RMSprop, Adam, AdamW.

Update rules and defaults follow PyTorch's ``torch.optim``.
"""

import math

import numpy as np

from ..errors import ConfigError
from .optimizer import OPTIMIZERS, Optimizer, check_range


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    r"""AdaGrad (Duchi et al., 2011).

        lr_t <- lr / (1 + (t - 1) * lr_decay)
        g    <- g_t + weight_decay * w
        s    <- s + g^2                      (s starts at initial_accumulator_value)
        w    <- w - lr_t * g / (sqrt(s) + eps)
    """

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, lr)
        self.lr_decay = check_range("lr_decay", lr_decay, 0.0)
        self.weight_decay = check_range("weight_decay", weight_decay, 0.0)
        self.initial_accumulator_value = check_range(
            "initial_accumulator_value", initial_accumulator_value, 0.0)
        self.eps = check_range("eps", eps, 0.0)
        self.sums = [np.full_like(p, self.initial_accumulator_value) for p, _ in self.slots]

    def _update(self, i, w, g):
        lr_t = self.lr / (1.0 + (self.steps - 1) * self.lr_decay)
        if self.weight_decay:
            g = g + self.weight_decay * w
        s = self.sums[i]
        s += g * g
        w -= lr_t * g / (np.sqrt(s) + self.eps)

    def hyperparameters(self):
        return {"lr": self.lr, "lr_decay": self.lr_decay, "weight_decay": self.weight_decay,
                "initial_accumulator_value": self.initial_accumulator_value, "eps": self.eps}


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), PyTorch's variant.

        g   <- g_t + weight_decay * w
        v   <- alpha * v + (1 - alpha) g^2
        if centered:  m_g <- alpha * m_g + (1 - alpha) g;  d <- sqrt(v - m_g^2) + eps
        else:         d <- sqrt(v) + eps
        if momentum > 0:  b <- momentum * b + g / d;  w <- w - lr * b
        else:             w <- w - lr * g / d
    """

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False):
        super().__init__(params, lr)
        self.alpha = check_range("alpha", alpha, 0.0, 1.0)
        self.eps = check_range("eps", eps, 0.0)
        self.weight_decay = check_range("weight_decay", weight_decay, 0.0)
        self.momentum = check_range("momentum", momentum, 0.0, 1.0)
        self.centered = bool(centered)
        self.square_avg = [np.zeros_like(p) for p, _ in self.slots]
        self.grad_avg = [np.zeros_like(p) for p, _ in self.slots] if self.centered else None
        self.buffers = [np.zeros_like(p) for p, _ in self.slots] if self.momentum else None

    def _update(self, i, w, g):
        if self.weight_decay:
            g = g + self.weight_decay * w
        v = self.square_avg[i]
        v *= self.alpha
        v += (1.0 - self.alpha) * g * g
        if self.centered:
            m = self.grad_avg[i]
            m *= self.alpha
            m += (1.0 - self.alpha) * g
            denom = np.sqrt(v - m * m) + self.eps
        else:
            denom = np.sqrt(v) + self.eps
        if self.momentum:
            b = self.buffers[i]
            b *= self.momentum
            b += g / denom
            w -= self.lr * b
        else:
            w -= self.lr * g / denom

    def hyperparameters(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "momentum": self.momentum, "centered": self.centered}


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with bias correction.

        g   <- g_t + weight_decay * w          (L2 penalty; see AdamW for decoupled)
        m   <- beta1 * m + (1 - beta1) g
        v   <- beta2 * v + (1 - beta2) g^2
        w   <- w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With amsgrad, v is replaced by the running maximum of v in the update.
    """

    decoupled = False

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ConfigError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = check_range("beta1", betas[0], 0.0, 1.0)
        self.beta2 = check_range("beta2", betas[1], 0.0, 1.0)
        self.eps = check_range("eps", eps, 0.0)
        self.weight_decay = check_range("weight_decay", weight_decay, 0.0)
        self.amsgrad = bool(amsgrad)
        self.m = [np.zeros_like(p) for p, _ in self.slots]
        self.v = [np.zeros_like(p) for p, _ in self.slots]
        self.v_max = [np.zeros_like(p) for p, _ in self.slots] if self.amsgrad else None
        self._scratch = [np.empty_like(p) for p, _ in self.slots]  # reused: no allocation per step

    def _update(self, i, w, g):
        # In place, with Python-float scalars (NumPy float64 scalars would force slow
        # casting loops on float32 arrays) and one scratch array instead of temporaries.
        # The moments are kept scaled, m' = m / (1 - beta1) and v' = v / (1 - beta2), so
        # that each takes one multiply and one add; the constants fold into the step:
        #   w -= lr/(1-b1^t) * m / (sqrt(v)/c + eps),  c = sqrt(1 - b2^t)
        #      = k * m' / (sqrt(v') + e'),  k = lr c (1-b1) / ((1-b1^t) sqrt(1-b2)),  e' = eps c / sqrt(1-b2)
        t, tmp = self.steps, self._scratch[i]
        if self.weight_decay:
            if self.decoupled:
                w *= 1.0 - self.lr * self.weight_decay
            else:
                g = g + self.weight_decay * w
        m, v = self.m[i], self.v[i]
        m *= self.beta1
        m += g
        v *= self.beta2
        np.multiply(g, g, out=tmp)
        v += tmp
        if self.amsgrad:
            np.maximum(self.v_max[i], v, out=self.v_max[i])
            v = self.v_max[i]
        c, root = math.sqrt(1.0 - self.beta2**t), math.sqrt(1.0 - self.beta2)
        np.sqrt(v, out=tmp)
        tmp += self.eps * c / root
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * c * (1.0 - self.beta1) / ((1.0 - self.beta1**t) * root)
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

    decoupled = True

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
