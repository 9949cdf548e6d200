"""Max and average pooling over images (N, C, H, W).

Both loop over the kh*kw kernel offsets only: each offset is one strided
slice of the whole batch, so the work per offset is a single NumPy call.
"""

import numpy as np

from .module import Module
from .windows import check_image_batch, offset_slices, output_size, pad, pair


class _Pool2d(Module):
    saved_for_backward = ("_cache",)

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size = pair("kernel_size", kernel_size)
        self.stride = pair("stride", stride) if stride is not None else self.kernel_size
        self.padding = pair("padding", padding, low=0)
        self._cache = None

    def _offsets(self, out_size):
        kh, kw = self.kernel_size
        for i in range(kh):
            for j in range(kw):
                yield offset_slices(i, j, out_size, self.stride)

    def _geometry(self, x):
        name = type(self).__name__
        check_image_batch(name, x)
        return output_size(name, x.shape[2:], self.kernel_size, self.stride, self.padding)

    def _unpad(self, dxp):
        ph, pw = self.padding
        return dxp[:, :, ph:dxp.shape[2] - ph, pw:dxp.shape[3] - pw]

    def config(self):
        return {"kernel_size": list(self.kernel_size), "stride": list(self.stride),
                "padding": list(self.padding)}


class MaxPool2d(_Pool2d):
    """out[n, c, y, x] = max over the window of xp (padding counts as -inf).

    Backward: the whole gradient dout[n, c, y, x] goes to the input that was
    the maximum of its window (the first one in row-major order on ties, as in
    PyTorch); every other input of the window gets 0. Windows that overlap
    add their contributions.

    How: the forward pass records, per output, which kernel offset won
    (``argmax``); the backward pass then routes dout with one comparison per
    offset. Arrays keep the memory layout of the input (channels-last stays
    channels-last).
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "p"
    formula = "{o} = the maximum of each window of {i}"
    derivative = "dL/d{i} = dL/d{o} routed to the maximum of each window, 0 elsewhere"
    example_arguments, example_input_shape = (2,), (2, 3, 7, 6)  # odd sizes: a row and a column left over

    def forward(self, x):
        out_size = self._geometry(x)
        xp = pad(x, self.padding, value=-np.inf)
        index_type = np.uint8 if self.kernel_size[0] * self.kernel_size[1] <= 256 else np.uint16
        out = argmax = None
        for k, (hs, ws) in enumerate(self._offsets(out_size)):
            window = xp[:, :, hs, ws]
            if out is None:
                out = np.copy(window, order="K")
                argmax = np.zeros_like(out, dtype=index_type)
                continue
            # Strictly greater: the first maximum keeps its place on ties. Offsets come in
            # increasing k, so the winner is the largest k that improved: a running maximum.
            better = np.greater(window, out)
            np.maximum(argmax, np.multiply(better, k, dtype=index_type), out=argmax)
            np.maximum(out, window, out=out)
        self._cache = (xp, argmax, out_size)
        return out

    def backward(self, dout):
        xp, argmax, out_size = self.saved(self._cache)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        disjoint = sh >= kh and sw >= kw  # each input lies in at most one window: assign, not add
        # Windows that tile xp exactly assign every element below: no need to zero it first.
        tiled = disjoint and (sh, sw) == (kh, kw) and (kh * out_size[0], kw * out_size[1]) == xp.shape[2:]
        dxp = (np.empty_like if tiled else np.zeros_like)(xp, dtype=dout.dtype)
        for k, (hs, ws) in enumerate(self._offsets(out_size)):
            routed = np.multiply(dout, argmax == k, out=dxp[:, :, hs, ws] if disjoint else None)
            if not disjoint:
                dxp[:, :, hs, ws] += routed
        return self._unpad(dxp)


class AvgPool2d(_Pool2d):
    """out[n, c, y, x] = mean of the kh*kw inputs of its window (padding counts as 0, as in PyTorch).

    Backward: each input of the window receives dout[n, c, y, x] / (kh*kw).
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "p"
    formula = "{o} = the mean of each window of {i}"
    derivative = "dL/d{i} = dL/d{o} / (window size), spread over each window"
    example_arguments, example_input_shape = (3, 2, 1), (2, 3, 7, 6)  # overlapping, padded windows

    def forward(self, x: np.ndarray) -> np.ndarray:
        out_size = self._geometry(x)
        xp = pad(x, self.padding)
        out = None
        for hs, ws in self._offsets(out_size):
            window = xp[:, :, hs, ws]
            out = np.copy(window, order="K") if out is None else np.add(out, window, out=out)
        out /= self.kernel_size[0] * self.kernel_size[1]
        self._cache = (xp, out_size)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        xp, out_size = self.saved(self._cache)
        dxp = np.zeros_like(xp, dtype=dout.dtype)
        share = dout / (self.kernel_size[0] * self.kernel_size[1])
        for hs, ws in self._offsets(out_size):
            dxp[:, :, hs, ws] += share
        return self._unpad(dxp)
