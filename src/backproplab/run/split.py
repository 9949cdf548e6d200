"""Split: the training, test and validation data of one run, as the model gets them."""

from dataclasses import dataclass

import numpy as np


@dataclass
class Split:
    """Training, test and (for tables) validation data of one run, ready for the model."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_source: str
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    class_names: tuple | None = None
    image_shape: tuple | None = None  # (H, W) of image data, None for other data
    input_scale: float = 1.0          # raw inputs are divided by this (255 for pixels)
    feature_mean: np.ndarray | None = None  # then, when standardised, (x - mean) / std per feature
    feature_std: np.ndarray | None = None
    points_train: np.ndarray | None = None  # 2-D points whose --features are the inputs (None: the inputs are the points)
    points_test: np.ndarray | None = None
    regression: bool = False  # y holds values to regress onto, not class labels
    placement: dict | None = None  # how a file's points were placed on --square (low, high, square): for predict

    @property
    def n_classes(self):
        """Classes of the labels; 0 for values to regress onto."""
        if self.regression:
            return 0
        if self.class_names:
            return len(self.class_names)
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def validation(self):
        return None if self.X_val is None else (self.X_val, self.y_val)
