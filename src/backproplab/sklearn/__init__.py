"""scikit-learn estimators backed by backproplab's engine: BackpropClassifier and BackpropRegressor.

They take ``MLPClassifier``'s parameters under its names (all but ``max_fun``, which only its
L-BFGS solver reads) and backproplab's own (``loss``, ``init``, ``schedule``, ``dtype``), so they
work in a ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. ``fit``, ``partial_fit`` (one
epoch a call) and ``score`` take ``sample_weight``; the classifier takes multilabel targets; ``X``
may be sparse. The network is a backproplab ``Sequential`` (``model_`` after fitting), trained by
hand-written backpropagation; ``coefs_`` and ``intercepts_`` hold its weights in scikit-learn's layout.

Differences from ``MLPClassifier``, by design:

- ``solver`` is any name of ``backproplab.optim.OPTIMIZERS`` (``'sgd'`` takes ``momentum`` and
  ``nesterovs_momentum`` as scikit-learn's does); ``'lbfgs'`` does not exist here.
- ``activation`` is any name of ``backproplab.nn.ACTIVATIONS``; ``'logistic'`` is read as ``'sigmoid'``.
- ``learning_rate`` ('constant', 'invscaling', 'adaptive') applies to every solver; backproplab's
  ``schedule`` (a name of ``backproplab.optim.SCHEDULES``, over ``max_iter`` epochs) may replace a
  constant one.
- ``MSELoss`` is mean((y_hat - y)^2), without scikit-learn's factor 1/2; a multilabel loss averages
  over the labels where scikit-learn sums.
- ``warm_start`` and ``partial_fit`` go on from the fitted weights with a fresh optimizer state
  (scikit-learn keeps Adam's moments): a fitted estimator holds its weights, nothing else.
- A network fitted on float32 computes in float32 also on float64 input (MLPClassifier then
  returns float64).

As in scikit-learn, ``loss_`` is the final loss value (``loss_curve_[-1]``); the loss function
it measures is named by ``loss_function_``. ``dtype='auto'`` (the default) computes in the
dtype of the data given to ``fit`` (float32 stays float32, as MLPClassifier does); the
network's weights, probabilities and predictions are then in that dtype. Sizes are checked
against backproplab's limits (``backproplab.limits``) before the network is built.

scikit-learn is an optional dependency (``pip install "backproplab[sklearn]"``); nothing
else in backproplab imports this module.
"""

from .classifier import BackpropClassifier
from .regressor import BackpropRegressor

__all__ = ["BackpropClassifier", "BackpropRegressor"]
