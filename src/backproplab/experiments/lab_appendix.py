"""The lab report's appendix (``lab --report --full``): the lab's questions where the two lab sets are too
easy to tell settings apart, on the chessboard, then MNIST with a fully connected and a convolutional network.
"""

import dataclasses

from ..errors import BackproplabError
from ..run import make_data
from .lab_questions import LAB_QUESTIONS, LAB_SEEDS, Question
from .spec import SweepSpec

APPENDIX_FOLDER = "appendix"
CHESSBOARD = "chessboard"
CHESSBOARD_QUESTIONS = ("hidden-units", "activation", "depth", "bias", "step-decay")
IMAGES = "mnist"
IMAGE_SEEDS = 2  # an MNIST run takes seconds, not a fraction of one
IMAGE_ANSWER = Question("mnist", "A fully connected or a convolutional network on MNIST?", ("003",),
                        "After {epochs:,} epoch on MNIST's 10,000 test images, {verdict}.")
IMAGE_QUESTION = SweepSpec(
    base={"dataset": IMAGES, "epochs": 1}, vary={"model": ["mlp", "cnn"]}, seeds=IMAGE_SEEDS,
    title=IMAGE_ANSWER.title,
    question="Each data set's recipe (backproplab train --dataset mnist): a fully connected network, and a small "
             "convolutional one whose filters share their weights across the image, each for one epoch.")


def appendix_sweeps(setup, epochs, seeds=LAB_SEEDS):
    """{folder under appendix/: (Question, SweepSpec)}: the chessboard questions, then MNIST when its files are here."""
    found = {}
    for question in LAB_QUESTIONS:
        if question.name in CHESSBOARD_QUESTIONS:
            for folder, words, spec in question.sweeps(setup, epochs, seeds, datasets=(CHESSBOARD,)):
                found[f"{CHESSBOARD}/{folder}"] = (question, spec)
    if images_available():
        found[IMAGES] = (IMAGE_ANSWER, IMAGE_QUESTION)
    return found


def images_available():
    """True when MNIST can be read here without a download."""
    config = IMAGE_QUESTION.config({"model": "mlp"}, 0)
    try:
        make_data(dataclasses.replace(config, download=False))
    except BackproplabError:
        return False
    return True
