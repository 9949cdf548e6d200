"""The lab report's appendix: the sweeps ``lab --report --full`` wrote under ``appendix/``, each opening
with its answer as the lab's questions do."""

import os

from ..experiments.lab_answers import answer
from ..experiments.lab_appendix import APPENDIX_FOLDER, CHESSBOARD, IMAGE_ANSWER, IMAGES
from ..experiments.lab_questions import LAB_QUESTIONS, optimizer_words
from .sections import kind, sweep_section


def appendix_sweeps(folder):
    """The appendix's sweep folders in the lab folder ``folder``, in name order (none without one)."""
    root = os.path.join(folder, APPENDIX_FOLDER)
    return sorted(os.path.join(top, name) for top, names, _ in os.walk(root) for name in names
                  if kind(os.path.join(top, name)) == "sweep")


def appendix_section(doc, folder, drawn=None):
    """The appendix, when the lab folder has one; ``drawn`` as for ``sweep_section``."""
    root = os.path.join(folder, APPENDIX_FOLDER)
    sweeps = appendix_sweeps(folder)
    if not sweeps:
        return
    doc.heading("Appendix: the chessboard, MNIST and convolution", anchor="appendix")
    doc.para("The two lab sets are easy: most settings learn them, so some questions cannot tell settings apart. "
             "The chessboard (4 x 4 squares of alternating classes) needs more of a network; MNIST is the "
             "handwritten digits, where a convolutional network's shared filters pay off.")
    questions = {q.name: q for q in LAB_QUESTIONS}
    for path in sweeps:
        parts = os.path.relpath(path, root).split(os.sep)
        if parts[0] == IMAGES:
            question, words = IMAGE_ANSWER, ""
        elif parts[0] == CHESSBOARD and parts[1] in questions:
            question = questions[parts[1]]
            words = optimizer_words(parts[2]) if len(parts) > 2 else ""
        else:
            continue
        title = question.title if parts[0] == IMAGES else f"On the chessboard: {question.title[0].lower()}" \
                                                          f"{question.title[1:]}"
        sweep_section(doc, path, heading=title + (f" With {words}." if words else ""), level=3,
                      answer=lambda s, r, q=question, w=words: answer(q, s, r, w), drawn=drawn)
