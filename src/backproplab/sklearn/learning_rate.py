"""MLPClassifier's ``learning_rate``: how the step size moves from epoch to epoch."""

from ..validation import check_choice

LEARNING_RATES = ("constant", "invscaling", "adaptive")
# 'adaptive' divides the rate by this when the loss stalls, and stops once the rate is below _SMALLEST.
_DIVISOR = 5.0
_SMALLEST = 1e-6


class LearningRate:
    """scikit-learn's three rules for the rate of ``optimizer`` from ``learning_rate_init``:

    - ``'constant'``: lr = learning_rate_init throughout;
    - ``'invscaling'``: after each epoch, lr = learning_rate_init / (t + 1)^power_t, t the samples seen;
    - ``'adaptive'``: lr stays until the loss (or validation score) stalls for ``n_iter_no_change``
      epochs; then lr /= 5, and training stops once lr would be below 1e-6.
    """

    def __init__(self, rule, optimizer, learning_rate_init, power_t):
        self.rule = check_choice("learning_rate", rule, LEARNING_RATES)
        self.optimizer, self.learning_rate_init, self.power_t = optimizer, learning_rate_init, power_t
        self.lr = learning_rate_init

    def epoch_ends(self, samples_seen):
        """Set the rate for the next epoch ('invscaling': from the ``samples_seen`` so far)."""
        if self.rule == "invscaling":
            self.lr = self.learning_rate_init / (samples_seen + 1) ** self.power_t
        if self.rule != "constant":  # a 'constant' rate leaves the rate to backproplab's ``schedule``
            self.optimizer.lr = self.lr

    def stalled(self):
        """The loss stopped improving: True to stop; 'adaptive' lowers the rate instead while it can."""
        if self.rule != "adaptive" or self.lr <= _SMALLEST:
            return True
        self.lr /= _DIVISOR
        self.optimizer.lr = self.lr
        return False
