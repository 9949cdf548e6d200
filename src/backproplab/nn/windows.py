"""Sliding windows over images: the shared geometry of convolution and pooling.

Images are (N, C, H, W), as in PyTorch. A window of size (kh, kw) moves with
a stride (sh, sw) over the image padded by (ph, pw) on each side, giving an
output of size Ho = (H + 2 ph - kh) // sh + 1 (and likewise Wo).
"""

import numpy as np

from ..errors import ConfigError
from ..validation import check_int


def pair(name, value, low=1):
    """``value`` as a pair of ints >= ``low``; an int v means (v, v)."""
    items = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        a, b = items
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be an int or a pair of ints, got {value!r}") from None
    return check_int(name, a, low, fix="or a pair of them"), check_int(name, b, low, fix="or a pair of them")


def check_image_batch(layer, x, channels=None):
    if x.ndim != 4:
        raise ConfigError(
            f"{layer} takes images of shape (N, C, H, W), got shape {x.shape}; "
            "reshape flat images with X.reshape(-1, C, H, W)"
        )
    if channels is not None and x.shape[1] != channels:
        raise ConfigError(f"{layer} expects {channels} input channels, got {x.shape[1]} (input shape {x.shape})")


def output_size(layer, shape, kernel, stride, padding):
    """(Ho, Wo) for input (H, W); a clear error when the window does not fit."""
    sizes = []
    for n, k, s, p in zip(shape, kernel, stride, padding):
        if n + 2 * p < k:
            raise ConfigError(
                f"{layer}: input of size {tuple(shape)} padded by {padding} is smaller than the "
                f"kernel {kernel}; use a smaller kernel or more padding"
            )
        sizes.append((n + 2 * p - k) // s + 1)
    return tuple(sizes)


def pad(x, padding, value=0.0):
    """x (N, C, H, W) padded by (ph, pw) on each side of H and W."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def offset_slices(i, j, out_size, stride):
    """The (H, W) slices picking, for every output pixel, the input at kernel offset (i, j)."""
    (ho, wo), (sh, sw) = out_size, stride
    return slice(i, i + sh * (ho - 1) + 1, sh), slice(j, j + sw * (wo - 1) + 1, sw)
