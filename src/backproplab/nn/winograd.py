r"""Winograd's minimal filtering F(2x2, 3x3): a 3x3 stride-1 convolution with 2.25x fewer multiplications.

In one dimension, two outputs of a 3-tap filter g over four inputs d,
    y0 = d0 g0 + d1 g1 + d2 g2,   y1 = d1 g0 + d2 g1 + d3 g2,
take 6 multiplications directly, but only 4 written as
    m1 = (d0 - d2) g0,   m2 = (d1 + d2) (g0 + g1 + g2) / 2,
    m3 = (d2 - d1) (g0 - g1 + g2) / 2,   m4 = (d1 - d3) g2,
    y0 = m1 + m2 + m3,   y1 = m2 - m3 - m4,
that is y = A^T [(G g) ⊙ (B^T d)] with the matrices B^T, G, A^T below.
Nesting the 1-D algorithm in itself gives the 2-D one: for a 4x4 input
tile d and a 3x3 filter g, the 2x2 output tile is

    Y = A^T [ U ⊙ V ] A,   U = G g G^T (4x4),   V = B^T d B (4x4),

16 multiplications instead of 2*2*9 = 36. Over channels the elementwise
product becomes a sum, and at each of the 16 tile positions xi = (k, l)
that sum is one matrix product with the tiles as rows:

    M[xi] = V[xi] @ U[xi],   V[xi] (P, C_in),   U[xi] (C_in, C_out),   P = N * tiles,

so a convolution is 16 matrix products plus cheap transforms of the input
(shared by every output channel), the filters and the output.

Tiling: the output (Ho, Wo) is cut into 2x2 tiles, so the input is cut into
4x4 tiles that overlap by 2 (stride 2). An odd Ho or Wo (e.g. 11) gets one
more tile row or column, read from zeros added below and to the right of the
input, and the extra output row or column is cropped.

Backward: every step is linear, so each gradient is the transposed map:

    dM[xi] = (A dY A^T)[xi]             (the adjoint of Y = A^T M A)
    dU[xi] = V[xi]^T @ dM[xi],   dg = G^T dU G
    dV[xi] = dM[xi] @ U[xi]^T,   dd = B dV B^T, added back onto the overlapping tiles.

Arrays are channels-last, (N, H, W, C), like the rest of ``Conv2d``; the
transforms act on the two tile axes, which lead: a tile stack is (4, 4, ...).

References
----------
Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016 (arXiv:1509.09308).
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

# The input transform, B^T d B. Entries are 0 and ±1: additions only.
B_T = np.array([[1, 0, -1, 0],
                [0, 1, 1, 0],
                [0, -1, 1, 0],
                [0, 1, 0, -1]], dtype=np.float64)
# The filter transform, G g G^T.
G = np.array([[1, 0, 0],
              [0.5, 0.5, 0.5],
              [0.5, -0.5, 0.5],
              [0, 0, 1]], dtype=np.float64)
# The output transform, A^T M A.
A_T = np.array([[1, 1, 1, 0],
                [0, 1, -1, -1]], dtype=np.float64)
# Bytes of V and M per group of samples: about the size of a core's L2 cache.
GROUP_BYTES = 2 ** 21


def sandwich(left, x, right):
    """left @ x[:, :, ...] @ right for every trailing index of x (two small matrix products).

    x (a, b, ...) -> (left.shape[0], right.shape[1], ...). The first product
    contracts a as one (k, a) @ (a, everything else) product; the second
    contracts b for every row k at once (``right.T`` broadcast over k).
    """
    a, b, *rest = x.shape
    rows = (left @ x.reshape(a, -1)).reshape(left.shape[0], b, -1)
    return np.matmul(right.T, rows).reshape(left.shape[0], right.shape[1], *rest)


def tile_grid(out_size):
    """(tiles down, tiles across): 2x2 output tiles covering (Ho, Wo), one more where it is odd."""
    return (out_size[0] + 1) // 2, (out_size[1] + 1) // 2


def input_tiles(xp, out_size):
    """The overlapping 4x4 input tiles of the padded channels-last image xp (N, Hp, Wp, C).

    Returns d (4, 4, N, th, tw, C), contiguous, with
        d[a, b, n, ty, tx, c] = xp[n, 2 ty + a, 2 tx + b, c],
    read from zeros beyond xp where the tile grid overhangs an odd output.
    """
    n, hp, wp, c = xp.shape
    th, tw = tile_grid(out_size)
    need_h, need_w = 2 * th + 2, 2 * tw + 2
    if need_h > hp or need_w > wp:
        xp = np.pad(xp, ((0, 0), (0, need_h - hp), (0, need_w - wp), (0, 0)))
    s_n, s_h, s_w, s_c = xp.strides
    view = as_strided(xp, shape=(4, 4, n, th, tw, c), strides=(s_h, s_w, s_n, 2 * s_h, 2 * s_w, s_c),
                      writeable=False)
    return np.ascontiguousarray(view)


def add_tiles(dd, padded_shape):
    """The adjoint of ``input_tiles``: dxp (N, Hp, Wp, C) with each tile of dd added where it was read.

    A 4x4 tile is 2x2 blocks of 2x2 pixels, and block (q, r) of tile (ty, tx)
    is block (ty + q, tx + r) of the image: four adds of whole block grids.
    """
    _, _, n, th, tw, c = dd.shape
    blocks = np.zeros((n, th + 1, 2, tw + 1, 2, c), dtype=dd.dtype)
    for q in range(2):
        for r in range(2):
            # dd[2q + i, 2r + j, n, ty, tx, c] -> blocks[n, ty + q, i, tx + r, j, c]
            tile_block = dd[2 * q:2 * q + 2, 2 * r:2 * r + 2].transpose(2, 3, 0, 4, 1, 5)
            blocks[:, q:q + th, :, r:r + tw, :, :] += tile_block
    dxp = blocks.reshape(n, 2 * th + 2, 2 * tw + 2, c)
    hp, wp = padded_shape[1:3]
    return dxp[:, :hp, :wp, :]  # drop the zeros read beyond xp for an odd output


def filter_transform(weight):
    """U = G g G^T for every (out, in) channel pair, as (16, C_in, C_out) for the products."""
    g = weight.transpose(2, 3, 1, 0)  # (3, 3, C_in, C_out)
    u = sandwich(G.astype(weight.dtype), g, G.T.astype(weight.dtype))
    return u.reshape(16, *u.shape[2:])


def forward(xp, weight, out_size):
    """The convolution of the padded channels-last xp (N, Hp, Wp, C_in) with weight (C_out, C_in, 3, 3).

    Returns out (N, Ho, Wo, C_out), channels-last and without bias, and the
    cache for ``backward``: every group of samples with its V, and U.
    """
    u = filter_transform(weight)                       # U[xi] (C_in, C_out), shared by every group
    out = np.empty((xp.shape[0], *out_size, weight.shape[0]), dtype=xp.dtype)
    groups = []
    for batch in sample_groups(xp.shape[0], out_size, *weight.shape[:2], xp.dtype):
        out[batch], v = forward_group(xp[batch], u, out_size)
        groups.append((batch, v))
    return out, (groups, u, xp.shape, out_size)


def sample_groups(n, out_size, c_out, c_in, dtype):
    """Slices of the batch small enough that a group's V and M stay in the CPU's cache.

    V and M hold 16 values per tile and channel, four times the output: over
    the whole batch they outgrow the cache, and every transform then runs at
    the speed of main memory (about twice as slow here, benchmarks/conv_layers.py).
    """
    th, tw = tile_grid(out_size)
    per_sample = 16 * th * tw * (c_in + c_out) * np.dtype(dtype).itemsize
    size = max(1, GROUP_BYTES // per_sample)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def forward_group(xp, u, out_size):
    """(out, V) for a group of samples: tiles, V = B^T d B, M[xi] = V[xi] @ U[xi], Y = A^T M A."""
    dtype = xp.dtype
    d = input_tiles(xp, out_size)                      # (4, 4, n, th, tw, C_in)
    v = sandwich(B_T.astype(dtype), d, B_T.T.astype(dtype))
    v = v.reshape(16, -1, d.shape[-1])                 # V[xi] (P, C_in), P = n * th * tw
    m = np.matmul(v, u)                                # M[xi] (P, C_out)
    return output_tiles(m.reshape(4, 4, -1), A_T.astype(dtype), d.shape[2:5], out_size), v


def output_tiles(m, a_t, grid, out_size):
    """Y = A^T M A per tile, placed and cropped: out (N, Ho, Wo, C_out) from m (4, 4, P * C_out)."""
    n, th, tw = grid
    y = sandwich(a_t, m, a_t.T).reshape(2, 2, n, th, tw, -1)
    # y[i, j, n, ty, tx, o] is out[n, 2 ty + i, 2 tx + j, o]
    out = y.transpose(2, 3, 0, 4, 1, 5).reshape(n, 2 * th, 2 * tw, -1)
    return out[:, :out_size[0], :out_size[1], :]


def backward(dout, cache, input_grad=True):
    """(dW, dxp) from dout (N, Ho, Wo, C_out) channels-last; dxp is None unless ``input_grad``.

    dW is (C_out, C_in, 3, 3) and dxp (N, Hp, Wp, C_in), the gradient of the padded input.
    """
    groups, u, padded_shape, out_size = cache
    dtype = dout.dtype
    du = np.zeros_like(u)
    dxp = np.empty(padded_shape, dtype=dtype) if input_grad else None
    for batch, v in groups:
        dm = output_tiles_adjoint(dout[batch], out_size)   # dM = A dY A^T
        du += np.matmul(v.transpose(0, 2, 1), dm)           # dU[xi] = V[xi]^T dM[xi]  (C_in, C_out)
        if input_grad:
            dv = np.matmul(dm, u.transpose(0, 2, 1))        # dV[xi] = dM[xi] U[xi]^T  (P, C_in)
            b_t = B_T.astype(dtype)
            dd = sandwich(b_t.T, dv.reshape(4, 4, -1), b_t)  # dd = B dV B^T
            n = batch.stop - batch.start
            dxp[batch] = add_tiles(dd.reshape(4, 4, n, *tile_grid(out_size), -1), padded_shape)
    g = G.astype(dtype)
    dg = sandwich(g.T, du.reshape(4, 4, -1), g).reshape(3, 3, *du.shape[1:])  # dg = G^T dU G
    return dg.transpose(3, 2, 0, 1), dxp


def output_tiles_adjoint(dout, out_size):
    """dM = A dY A^T per tile, as (16, P, C_out): the adjoint of ``output_tiles``.

    dY is dout cut into 2x2 tiles, with zeros where the tile grid overhangs an odd output.
    """
    n, ho, wo, c_out = dout.shape
    th, tw = tile_grid(out_size)
    dy = np.zeros((n, 2 * th, 2 * tw, c_out), dtype=dout.dtype)
    dy[:, :ho, :wo, :] = dout
    # dy[n, 2 ty + i, 2 tx + j, o] -> dY[i, j, n, ty, tx, o]
    dy = np.ascontiguousarray(dy.reshape(n, th, 2, tw, 2, c_out).transpose(2, 4, 0, 1, 3, 5))
    a_t = A_T.astype(dout.dtype)
    return sandwich(a_t.T, dy, a_t).reshape(16, -1, c_out)
