"""scikit-learn estimators backed by backproplab's engine: BackpropClassifier and BackpropRegressor.

They take ``MLPClassifier``'s parameter names where the meaning is the same
(``hidden_layer_sizes``, ``activation``, ``solver``, ``alpha``, ``batch_size``,
``learning_rate_init``, ``max_iter``, ``tol``, ``early_stopping``,
``validation_fraction``, ``n_iter_no_change``, ``random_state``, ``verbose``,
``warm_start``, and Adam's ``beta_1``, ``beta_2``, ``epsilon``, passed to any solver that takes
them) and backproplab's own (``loss``, ``init``, ``schedule``, ``dtype``), so they work in a
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``; ``partial_fit`` trains one epoch a call.
The network is a
backproplab ``Sequential`` (``model_`` after fitting), trained by hand-written
backpropagation.

Differences from ``MLPClassifier``, by design:

- ``solver`` is any name of ``backproplab.optim.OPTIMIZERS``; ``'sgd'`` is plain SGD
  (scikit-learn's ``'sgd'`` is Nesterov momentum 0.9: use ``'nesterov'``), and
  ``'lbfgs'`` does not exist here.
- ``activation`` is any name of ``backproplab.nn.ACTIVATIONS``; ``'logistic'`` is read as ``'sigmoid'``.
- The learning rate follows ``schedule`` (a name of ``backproplab.optim.SCHEDULES``,
  over ``max_iter`` epochs: stepped once per epoch, one-cycle after every batch), not ``learning_rate``.
- ``MSELoss`` is mean((y_hat - y)^2), without scikit-learn's factor 1/2.
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
