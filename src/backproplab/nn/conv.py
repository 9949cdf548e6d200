"""The 2-D convolution layer, vectorised with im2col or Winograd (no loops over pixels or samples)."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import ConfigError
from ..rng import as_generator
from ..validation import check_choice
from . import functional as F
from . import winograd
from .init import get_initializer
from .module import Module, Parameter
from .windows import check_image_batch, offset_slices, output_size, pair

ALGORITHMS = ("auto", "im2col", "winograd")
# "auto" takes Winograd for 3x3 stride-1 layers with at least this many input channels and output
# pixels. Below, its transforms (four times the output in V and M) cost more than its products
# save; on larger images im2col's column matrix and col2im adds leave the cache and Winograd,
# which works on groups of samples, pulls ahead (benchmarks/conv_layers.py).
WINOGRAD_MIN_IN_CHANNELS = 16
WINOGRAD_MIN_OUTPUT_PIXELS = 16 * 16


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, as in PyTorch) over images (N, C, H, W).

    With the input zero-padded to xp and stride (sh, sw):

        out[n, o, y, x] = b[o] + sum_{c, i, j} W[o, c, i, j] * xp[n, c, sh*y + i, sw*x + j]

    Shapes: x (N, C_in, H, W) -> out (N, C_out, Ho, Wo); W (C_out, C_in, kh, kw); b (C_out,).

    Backward, with dout = dL/dout:
        dW[o, c, i, j]              = sum_{n, y, x} dout[n, o, y, x] * xp[n, c, sh*y + i, sw*x + j]
        db[o]                       = sum_{n, y, x} dout[n, o, y, x]
        dxp[n, c, sh*y + i, sw*x + j] += sum_o dout[n, o, y, x] * W[o, c, i, j]
    and dx is dxp without its padding.

    How: the image is viewed channels-last (N, H, W, C) and every receptive
    field is copied into one row of a matrix ``cols`` (N*Ho*Wo, kh*kw*C_in + 1)
    through a strided view (im2col), so the convolution is one matrix product
    and dW another. The last column of ``cols`` is all ones, so the bias is
    the weight of a constant input: out = cols @ [W b]^T, and cols^T dout
    holds dW and, in its last row, db = sum of dout (no extra passes over
    the output for either). The input gradient is one product per kernel offset
    (i, j), added into the matching strided slice of dxp (col2im): kh*kw
    vectorised steps. Outputs stay channels-last in memory (seen as NCHW, no
    copy), so the next layer's channels-last view is free.

    ``algorithm``: ``"winograd"`` computes a 3x3 stride-1 convolution with
    Winograd's F(2x2, 3x3) (``winograd.py``: 16 products over channels, 2.25x
    fewer multiplications), the same function to float rounding;
    ``"im2col"`` always uses the matrix above; ``"auto"`` (the default) takes
    Winograd where it measured faster: 3x3, stride 1, at least
    ``WINOGRAD_MIN_IN_CHANNELS`` input channels and ``WINOGRAD_MIN_OUTPUT_PIXELS``
    output pixels (Ho * Wo). ``algorithm_for`` says which one runs.
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "z"
    formula = "{o} = W{l} (cross-correlated with) {i} + b{l}"
    derivative = ("dL/dW{l} = dL/d{o} correlated with {i};  dL/db{l} = dL/d{o} summed over positions;  "
                  "dL/d{i} = dL/d{o} fully convolved with W{l}")
    starts_layer = True  # numbers a new layer: W1, b1, z1 ...
    example_arguments, example_input_shape = (2, 3, 3, 2, 1), (2, 2, 7, 6)  # stride 2, padding 1: odd sizes
    saved_for_backward = ("_cache",)

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *,
                 init="he", rng=None, dtype=np.float64, algorithm="auto"):
        self.in_channels = pair("in_channels", in_channels)[0]
        self.out_channels = pair("out_channels", out_channels)[0]
        self.kernel_size = pair("kernel_size", kernel_size)
        self.stride = pair("stride", stride)
        self.padding = pair("padding", padding, low=0)
        self.init = init
        self.algorithm = check_choice("convolution algorithm", algorithm, ALGORITHMS)
        if algorithm == "winograd" and not self._winograd_fits():
            raise ConfigError(f"algorithm='winograd' needs a 3x3 kernel with stride 1, got kernel "
                              f"{self.kernel_size} and stride {self.stride}; use 'auto' or 'im2col'")
        kh, kw = self.kernel_size
        self.weight = Parameter(np.empty((self.out_channels, self.in_channels, kh, kw), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_channels, dtype=dtype))
        self.reset_parameters(as_generator(rng))
        self._cache = None

    def reset_parameters(self, rng):
        """Draw W with this layer's initialiser (fan_in = C_in*kh*kw); set b to zero."""
        self.weight.data[...] = get_initializer(self.init)(self.weight.data.shape, rng)
        self.bias.data[...] = 0

    def algorithm_for(self, out_size):
        """The algorithm forward runs for outputs of (Ho, Wo), "winograd" or "im2col": forced, or by the rule."""
        if self.algorithm != "auto":
            return self.algorithm
        pixels = out_size[0] * out_size[1]
        large = self.in_channels >= WINOGRAD_MIN_IN_CHANNELS and pixels >= WINOGRAD_MIN_OUTPUT_PIXELS
        return "winograd" if self._winograd_fits() and large else "im2col"

    def _winograd_fits(self):
        return self.kernel_size == (3, 3) and self.stride == (1, 1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_image_batch("Conv2d", x, self.in_channels)
        n, c = x.shape[:2]
        ho, wo = output_size("Conv2d", x.shape[2:], self.kernel_size, self.stride, self.padding)
        xl = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # a view when x is channels-last already
        (ph, pw), (kh, kw), (sh, sw) = self.padding, self.kernel_size, self.stride
        if ph or pw:
            xl = np.pad(xl, ((0, 0), (ph, ph), (pw, pw), (0, 0)))
        if self.algorithm_for((ho, wo)) == "winograd":
            out, cache = winograd.forward(xl, self.weight.data, (ho, wo))
            out += self.bias.data
            self._cache = ("winograd", cache)
            return out.transpose(0, 3, 1, 2)
        s_n, s_h, s_w, s_c = xl.strides
        windows = as_strided(xl, shape=(n, ho, wo, kh, kw, c),
                             strides=(s_n, sh * s_h, sw * s_w, s_h, s_w, s_c), writeable=False)
        cols = np.empty((n, ho, wo, kh * kw * c + 1), dtype=xl.dtype)
        # one receptive field per row (copied), then the constant 1 that multiplies the bias
        np.copyto(np.reshape(cols[..., :-1], windows.shape, copy=False), windows)
        cols[..., -1] = 1
        cols = cols.reshape(n * ho * wo, -1)
        weight_and_bias = np.concatenate([self._weight_matrix(), self.bias.data[:, None]], axis=1)
        out = cols @ weight_and_bias.T
        self._cache = ("im2col", (cols, xl.shape, (ho, wo)))
        # (N, Ho, Wo, C_out) in memory, seen as (N, C_out, Ho, Wo): no copy.
        return out.reshape(n, ho, wo, self.out_channels).transpose(0, 3, 1, 2)

    def _weight_matrix(self):
        """W as (C_out, kh*kw*C_in), in the (i, j, c) order of the columns of ``cols``."""
        return self.weight.data.transpose(0, 2, 3, 1).reshape(self.out_channels, -1)

    def backward_params(self, dout):
        """Only dW and db (for a first layer, whose dx nobody needs)."""
        self._backward(dout, input_grad=False)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dxp = self._backward(dout, input_grad=True)
        ph, pw = self.padding
        return dxp[:, ph:dxp.shape[1] - ph, pw:dxp.shape[2] - pw, :].transpose(0, 3, 1, 2)

    def _backward(self, dout, input_grad):
        """Add dW and db into the gradients; return dxp, channels-last and padded, if ``input_grad``."""
        algorithm, cache = self.saved(self._cache)
        dout_l = dout.transpose(0, 2, 3, 1)  # (N, Ho, Wo, C_out): a view when dout is channels-last
        dout2 = np.ascontiguousarray(dout_l).reshape(-1, self.out_channels)
        if algorithm == "winograd":
            self.bias.grad += F.column_sum(dout2)
            dweight, dxp = winograd.backward(dout2.reshape(dout_l.shape), cache, input_grad)
            self.weight.grad += dweight
            return dxp
        cols, padded_shape, out_size = cache
        o, c, kh, kw = self.weight.data.shape
        # cols^T dout rather than dout^T cols: the same products, and BLAS is faster this way round
        grad = (cols.T @ dout2).T  # (C_out, kh*kw*C_in + 1): [dW db]
        self.weight.grad += grad[:, :-1].reshape(o, kh, kw, c).transpose(0, 3, 1, 2)
        self.bias.grad += grad[:, -1]
        return self._col2im(dout2, padded_shape, out_size) if input_grad else None

    def _col2im(self, dout2, padded_shape, out_size):
        """dxp from dout as rows (N*Ho*Wo, C_out): one product per kernel offset, added in place."""
        n, hp, wp, c = padded_shape
        ho, wo = out_size
        w = self.weight.data
        dxp = np.zeros((n, hp, wp, c), dtype=dout2.dtype)  # channels last: contiguous adds
        kh, kw = self.kernel_size
        for i in range(kh):
            for j in range(kw):
                hs, ws = offset_slices(i, j, (ho, wo), self.stride)
                dxp[:, hs, ws, :] += (dout2 @ w[:, :, i, j]).reshape(n, ho, wo, c)
        return dxp

    def config(self):
        config = {"in_channels": self.in_channels, "out_channels": self.out_channels,
                  "kernel_size": list(self.kernel_size), "stride": list(self.stride),
                  "padding": list(self.padding)}
        if self.algorithm != "auto":
            config["algorithm"] = self.algorithm  # named only when forced: default descriptions stay as they were
        return config


