"""The 2-D convolution layer, vectorised with im2col (no loops over pixels or samples)."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..rng import as_generator
from . import functional as F
from .init import get_initializer
from .module import Module, Parameter
from .windows import check_image_batch, offset_slices, output_size, pair


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
    field is copied into one row of a matrix ``cols`` (N*Ho*Wo, kh*kw*C_in)
    through a strided view (im2col), so the convolution is one matrix product
    and dW another. The input gradient is one product per kernel offset
    (i, j), added into the matching strided slice of dxp (col2im): kh*kw
    vectorised steps. Outputs stay channels-last in memory (seen as NCHW, no
    copy), so the next layer's channels-last view is free.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *,
                 init="he", rng=None, dtype=np.float64):
        self.in_channels = pair("in_channels", in_channels)[0]
        self.out_channels = pair("out_channels", out_channels)[0]
        self.kernel_size = pair("kernel_size", kernel_size)
        self.stride = pair("stride", stride)
        self.padding = pair("padding", padding, low=0)
        self.init = init
        kh, kw = self.kernel_size
        self.weight = Parameter(np.empty((self.out_channels, self.in_channels, kh, kw), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_channels, dtype=dtype))
        self.reset_parameters(as_generator(rng))
        self._cache = None

    def reset_parameters(self, rng):
        """Draw W with this layer's initialiser (fan_in = C_in*kh*kw); set b to zero."""
        self.weight.data[...] = get_initializer(self.init)(self.weight.data.shape, rng)
        self.bias.data[...] = 0

    def forward(self, x):
        check_image_batch("Conv2d", x, self.in_channels)
        n, c = x.shape[:2]
        ho, wo = output_size("Conv2d", x.shape[2:], self.kernel_size, self.stride, self.padding)
        xl = np.ascontiguousarray(x.transpose(0, 2, 3, 1))  # a view when x is channels-last already
        (ph, pw), (kh, kw), (sh, sw) = self.padding, self.kernel_size, self.stride
        if ph or pw:
            xl = np.pad(xl, ((0, 0), (ph, ph), (pw, pw), (0, 0)))
        s_n, s_h, s_w, s_c = xl.strides
        windows = as_strided(xl, shape=(n, ho, wo, kh, kw, c),
                             strides=(s_n, sh * s_h, sw * s_w, s_h, s_w, s_c), writeable=False)
        cols = windows.reshape(n * ho * wo, kh * kw * c)  # copies: one receptive field per row
        out = cols @ self._weight_matrix().T
        out += self.bias.data
        self._cache = (cols, xl.shape, (ho, wo))
        # (N, Ho, Wo, C_out) in memory, seen as (N, C_out, Ho, Wo): no copy.
        return out.reshape(n, ho, wo, self.out_channels).transpose(0, 3, 1, 2)

    def _weight_matrix(self):
        """W as (C_out, kh*kw*C_in), in the (i, j, c) order of the columns of ``cols``."""
        return self.weight.data.transpose(0, 2, 3, 1).reshape(self.out_channels, -1)

    def backward_params(self, dout):
        """Only dW and db (for a first layer, whose dx nobody needs); returns dout as rows."""
        cols = self.saved(self._cache)[0]
        dout2 = dout.transpose(0, 2, 3, 1).reshape(-1, self.out_channels)
        o, c, kh, kw = self.weight.data.shape
        # (cols^T dout)^T rather than dout^T cols: the same dW, and BLAS is faster this way round
        self.weight.grad += (cols.T @ dout2).T.reshape(o, kh, kw, c).transpose(0, 3, 1, 2)
        self.bias.grad += F.column_sum(dout2)
        return dout2

    def backward(self, dout):
        dout2 = self.backward_params(dout)
        _, (n, hp, wp, c), (ho, wo) = self._cache
        w = self.weight.data
        dxp = np.zeros((n, hp, wp, c), dtype=dout2.dtype)  # channels last: contiguous adds
        kh, kw = self.kernel_size
        for i in range(kh):
            for j in range(kw):
                hs, ws = offset_slices(i, j, (ho, wo), self.stride)
                dxp[:, hs, ws, :] += (dout2 @ w[:, :, i, j]).reshape(n, ho, wo, c)
        ph, pw = self.padding
        return dxp[:, ph:hp - ph, pw:wp - pw, :].transpose(0, 3, 1, 2)

    def config(self):
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": list(self.padding)}


