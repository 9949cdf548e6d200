"""The lab's questions: every discussion item of the five lab reports, each a sweep on the lab's set-up.

``backproplab lab --report`` runs each question as a sweep of the lab's network (``LabSetup``)
on both lab data sets, changing only the option in question, over LAB_SEEDS seeds. A question
whose answer depends on the optimizer runs twice, with gradient descent and with Adam side by
side (``per_optimizer``). ``lab_answers`` turns what the sweeps measured into sentences.

The lab reports are five students' write-ups of this lab (``experiments/setups`` reproduces the
set-up of each); ``asked_by`` names those whose discussion raises the question.
"""

from dataclasses import dataclass, field

from ..nn.activations import ACTIVATIONS, Identity, ReLU, Sigmoid, Tanh
from ..nn.losses import LOSSES, BCELoss, MSELoss
from ..optim import OPTIMIZERS, SCHEDULES
from ..optim.adaptive import Adagrad, Adam, RMSprop
from ..optim.schedules import ConstantLR, StepLR
from ..optim.sgd import SGD, momentum_sgd
from .spec import SweepSpec

LAB_SEEDS = 5  # seeds per setting: enough for a spread to judge differences by
SWEEPS_FOLDER = "sweeps"  # a lab folder's sub-folder of question sweeps, one per question name
LAB_DATASETS = ("linear", "xor")

# How the answers and the report name the lab's data sets.
DATA_NAMES = {"linear": "the linear set", "xor": "XOR"}
LAB_DATA = {
    "linear": ("The linear set",
               "Points drawn uniformly in the unit square, labelled by which side of the diagonal they lie on: "
               "class 0 where x1 > x2, class 1 where x1 < x2. A network that learns it has found a straight line."),
    "xor": ("XOR easy",
            "The lab's 21 fixed points on the two diagonals of the unit square: 11 of class 0 on the rising "
            "diagonal, and 10 of class 1 on the falling one, whose middle point, at x1 = x2 = 0.5 where the "
            "diagonals cross, is left to class 0. No straight line separates the classes, so the network must bend "
            "its boundary."),
}

SIGMOID, IDENTITY = ACTIVATIONS.name_of(Sigmoid), ACTIVATIONS.name_of(Identity)
TANH, RELU = ACTIVATIONS.name_of(Tanh), ACTIVATIONS.name_of(ReLU)
BCE, MSE = LOSSES.name_of(BCELoss), LOSSES.name_of(MSELoss)
GD, ADAM = OPTIMIZERS.name_of(SGD), OPTIMIZERS.name_of(Adam)
OPTIMIZER_NAMES = [OPTIMIZERS.name_of(o) for o in (SGD, momentum_sgd, Adagrad, RMSprop, Adam)]
CONSTANT, STEP = SCHEDULES.name_of(ConstantLR), SCHEDULES.name_of(StepLR)


def weights_of(hidden, inputs=2, outputs=1):
    """Weights and biases of a fully connected network: 105 for 2-8-8-1."""
    widths = [inputs, *hidden, outputs]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


DEPTHS = [(26,), (8, 8), (6, 6, 6)]  # about the same number of weights: 105, 105 and 109


@dataclass(frozen=True)
class Question:
    """One question of the lab: what its sweep varies on top of the lab's set-up, and its answer's template.

    ``answer`` may use {epochs}, {seeds}, {data} (the data set, when there is one) and {verdict}:
    what the findings say about the settings compared, per data set.
    """

    name: str  # the folder under sweeps/
    title: str
    asked_by: tuple  # the lab reports whose discussion raises it
    answer: str
    question: str = ""  # what the sweep runs, for the report
    vary: dict = field(default_factory=dict)
    names: dict = field(default_factory=dict)  # a setting's label -> how the answer names it
    per_optimizer: bool = False  # run with gradient descent and with Adam, side by side
    rates: tuple = ()  # learning rates to try, as multiples of each optimizer's own
    base: dict = field(default_factory=dict)  # options the question fixes over the set-up
    epochs_share: float = 1.0  # of the lab's epochs (smaller batches make more updates per epoch)

    def sweeps(self, setup, epochs, seeds=LAB_SEEDS, datasets=LAB_DATASETS):
        """[(folder under sweeps/, what runs it in words, SweepSpec)]: one sweep, or one per optimizer."""
        base = {**setup.options, **self.base, "epochs": max(1, round(epochs * self.epochs_share))}
        if "step_size" in self.base:
            base["step_size"] = max(1, base["epochs"] // 4)
        if not self.per_optimizer:
            return [(self.name, "", self._spec(base, seeds, datasets))]
        found = []
        for optimizer, lr in sorted(setup.optimizers(), key=lambda o: o[0] != GD):  # gradient descent first
            found.append((f"{self.name}/{optimizer}", optimizer_words(optimizer, None if self.rates else lr),
                          self._spec({**base, "optimizer": optimizer, "lr": lr}, seeds, datasets)))
        return found

    def _spec(self, base, seeds, datasets):
        vary = {"dataset": list(datasets), **self.vary}
        if self.rates:
            base = dict(base)
            lr = base.pop("lr")  # the rate varies: the set-up names it by its values
            vary["lr"] = [float(f"{lr * k:.6g}") for k in self.rates]
        return SweepSpec(base=base, vary=vary, seeds=seeds, title=self.title, question=self.question)


def optimizer_words(optimizer, lr=None):
    """'gradient descent at learning rate 1', 'Adam'."""
    words = "gradient descent" if optimizer == GD else (OPTIMIZERS.get(optimizer).words or optimizer)
    return words + (f" at learning rate {lr:g}" if lr is not None else "")


LAB_QUESTIONS = (
    Question("learning-rate", "What does the learning rate do?", ("000", "001", "004"),
             "Of the learning rates tried for {epochs:,} epochs, {verdict}.",
             "Five learning rates, from a hundredth to a hundred times the optimizer's own.",
             per_optimizer=True, rates=(0.01, 0.1, 1, 10, 100)),
    Question("hidden-units", "What does the number of hidden units do?", ("000", "001", "004"),
             "Of the hidden layers tried for {epochs:,} epochs, {verdict}.",
             "Two hidden layers of 1 to 16 units each (hidden 4-4 is two layers of 4).",
             {"hidden": ["1-1", "2-2", "4-4", "8-8", "16-16"]}, per_optimizer=True),
    Question("without-activation", "What happens without activation functions?", ("000", "001", "004"),
             "With and without a hidden activation, after {epochs:,} epochs: {verdict}.",
             "The hidden layers with no activation (identity) against the sigmoid, the output's sigmoid kept. "
             "Without a hidden activation the layers compose into one linear map, so the network is a logistic "
             "regression: it can draw a straight boundary and no other.",
             {"activation": [SIGMOID, IDENTITY]},
             {f"activation {IDENTITY}": "no hidden activation", f"activation {SIGMOID}": "the sigmoid"},
             per_optimizer=True),
    Question("no-activation-anywhere", "And with no activation anywhere, not even at the output?", ("000", "004"),
             "With no activation anywhere, after {epochs:,} epochs: {verdict}.",
             "No activation in the hidden layers nor at the output: the network computes one linear function "
             "of the inputs. On the mean squared error it is a least-squares fit of the 0/1 labels; the "
             "cross-entropy needs a probability, so it applies the sigmoid itself (a logistic regression), "
             "where a log of an unbounded output would give NaN.",
             {"loss": [MSE, BCE]}, {f"loss {MSE}": "the mean squared error", f"loss {BCE}": "the cross-entropy"},
             base={"activation": (IDENTITY,), "output_activation": IDENTITY}),
    Question("activation", "Sigmoid, tanh or ReLU?", ("000", "001"),
             "Of the hidden activations tried for {epochs:,} epochs, {verdict}.",
             "The same network with each hidden activation.", {"activation": [SIGMOID, TANH, RELU]},
             {f"activation {a}": (ACTIVATIONS.get(a).words or a) for a in (SIGMOID, TANH, RELU)}),
    Question("optimizer", "Which optimizer?", ("002", "003"),
             "Each at its best of three learning rates, for {epochs:,} epochs: {verdict}.",
             "Five optimizers, each at learning rates 0.01, 0.1 and 1 and compared at its own best rate, since one "
             "rate for all favours whichever it suits; for half the lab's epochs, as five optimizers at three rates "
             "make fifteen settings.",
             {"optimizer": OPTIMIZER_NAMES, "lr": [0.01, 0.1, 1.0]},
             {f"optimizer {o}": optimizer_words(o) for o in OPTIMIZER_NAMES}, epochs_share=0.5),
    Question("bias", "What are the biases for?", ("001", "002", "004"),
             "With and without biases, after {epochs:,} epochs: {verdict}.",
             "Every layer with biases, and without (out = x Wᵀ): without biases every unit's boundary passes "
             "through the origin.", {"bias": [True, False]},
             {"bias True": "with biases", "bias False": "without biases"}),
    Question("loss", "Mean squared error or cross-entropy?", ("000", "001", "002", "004"),
             "Of the two losses, after {epochs:,} epochs: {verdict}.",
             "The sigmoid output trained on the binary cross-entropy and on the mean squared error. The "
             "cross-entropy's gradient at the output is ŷ − y; the squared error's is (ŷ − y)·ŷ(1 − ŷ), which "
             "vanishes where the sigmoid saturates, even on a wrong answer.",
             {"loss": [BCE, MSE]}, {f"loss {MSE}": "the mean squared error", f"loss {BCE}": "the cross-entropy"},
             per_optimizer=True),
    Question("batch-size", "Full batch, mini-batches or one sample at a time?", ("002", "003"),
             "Over {epochs:,} epochs, {verdict}.",
             "The whole set per update, batches of 10, or one sample, for a tenth of the lab's epochs: smaller "
             "batches make more updates per epoch (10 and 100 on the linear set's 100 points).",
             {"batch_size": ["full", 10, 1]},
             {"batch_size full": "the full batch", "batch_size 10": "batches of 10", "batch_size 1": "one sample"},
             epochs_share=0.1),
    Question("depth", "One, two or three hidden layers, at the same number of weights?", ("002",),
             "At about the same number of weights, after {epochs:,} epochs: {verdict}.",
             "One layer of 26 units, two of 8 and three of 6: " + ", ".join(
                 str(weights_of(h)) for h in DEPTHS) + " weights and biases, so that depth is the only difference.",
             {"hidden": ["-".join(map(str, h)) for h in DEPTHS]}),
    Question("step-decay", "Constant learning rate or step decay?", ("002",),
             "After {epochs:,} epochs, {verdict}.",
             "The learning rate constant, or halved every quarter of the epochs.",
             {"schedule": [CONSTANT, STEP]}, {f"schedule {CONSTANT}": "a constant rate", f"schedule {STEP}": "step decay"},
             base={"step_size": 1, "gamma": 0.5}),
)


def lab_sweeps(setup, epochs, seeds=LAB_SEEDS):
    """{folder under sweeps/: (question, what runs it in words, SweepSpec)} of every question, in the lab's order."""
    return {folder: (q, words, spec) for q in LAB_QUESTIONS for folder, words, spec in q.sweeps(setup, epochs, seeds)}
