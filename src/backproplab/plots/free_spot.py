"""Where in a panel a note covers none of the curves: a corner, an edge's middle or the centre, whichever is free."""

import numpy as np

MARGIN = 0.03  # of the panel, between a note and its frame
# (x, y, ha, va) of each place a note may take, in panel fractions, in the order they are tried
SPOTS = [(0.5, MARGIN, "center", "bottom"), (1 - MARGIN, MARGIN, "right", "bottom"), (MARGIN, MARGIN, "left", "bottom"),
         (1 - MARGIN, 1 - MARGIN, "right", "top"), (MARGIN, 1 - MARGIN, "left", "top"),
         (0.5, 1 - MARGIN, "center", "top"), (1 - MARGIN, 0.5, "right", "center"), (MARGIN, 0.5, "left", "center"),
         (0.5, 0.5, "center", "center")]
CHAR_WIDTH, LINE_HEIGHT = 0.6, 1.3  # a character's width and a line's height, in font sizes (DejaVu Sans, generous)
STEPS = 40  # points traced along each piece of a curve between two of its values


def note_size(text, fontsize, pad=1.0):
    """(width, height) in inches of ``text`` at ``fontsize`` points in a box padded ``pad`` points, or a little more."""
    lines = text.split("\n")
    return ((max(len(line) for line in lines) * CHAR_WIDTH * fontsize + 2 * pad) / 72,
            (len(lines) * LINE_HEIGHT * fontsize + 2 * pad) / 72)


def traced(x, y):
    """Points along the curve through (x, y) (NaN: a gap), close enough that a note over it covers some."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    finite = np.isfinite(x) & np.isfinite(y)
    joined = finite[:-1] & finite[1:]
    t = np.linspace(0.0, 1.0, STEPS)[:, None]
    along = [x[:-1][joined] + t * np.diff(x)[joined], y[:-1][joined] + t * np.diff(y)[joined]]
    return np.concatenate([np.column_stack([x[finite], y[finite]]),
                           np.column_stack([along[0].ravel(), along[1].ravel()])])


def free_spot(points, note, panel):
    """(x, y, ha, va), in panel fractions, of the first of SPOTS where a note of ``note`` (width, height) inches
    in a panel of ``panel`` (width, height) inches covers none of ``points`` (N, 2) (panel fractions; see
    ``traced``); where every spot covers some, the one covering fewest."""
    w, h = note[0] / panel[0], note[1] / panel[1]
    covered = []
    for x, y, ha, va in SPOTS:
        left = x - {"left": 0, "center": w / 2, "right": w}[ha]
        bottom = y - {"bottom": 0, "center": h / 2, "top": h}[va]
        inside = ((points[:, 0] >= left) & (points[:, 0] <= left + w)
                  & (points[:, 1] >= bottom) & (points[:, 1] <= bottom + h))
        covered.append(int(np.count_nonzero(inside)))
        if not covered[-1]:
            break
    return SPOTS[int(np.argmin(covered))]
