"""Run a notebook of the documentation and keep its outputs: ``python scripts/execute_notebook.py [NOTEBOOK]``.

The notebook (default: docs/notebooks/in-a-notebook.ipynb) runs top to bottom in a fresh
kernel of this interpreter, in a temporary folder (what its cells write stays out of the
checkout), and is written back with the outputs it printed and drew, as the documentation
shows it. ``tests/test_docs_notebook.py`` runs it the same way and checks what it shows.
Needs the test extra's nbclient and ipykernel.
"""

import argparse
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

NOTEBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "notebooks", "in-a-notebook.ipynb")


def execute(path, timeout=600):
    """The notebook at ``path``, run in a temporary folder by a kernel of this interpreter, with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": folder}})
        client.execute(cwd=folder, env=dict(os.environ, PYTHONWARNINGS="default"))
    return notebook


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", default=NOTEBOOK)
    path = parser.parse_args().notebook
    nbformat.write(execute(path), path)
    print(f"{path}: run, outputs kept", file=sys.stderr)


if __name__ == "__main__":
    main()
