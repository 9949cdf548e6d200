"""Packaging beyond pyproject.toml: the shipped sweep files go into the wheel.

The top-level ``experiments/`` folder (the sweeps of the lab's questions) becomes the
package data ``backproplab/experiment_files/``, so that ``backproplab sweep learning-rate``
and ``backproplab experiments`` find them after a plain ``pip install``.
Everything else, package data included, is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

SHIPPED = "backproplab.experiment_files"

setup(
    packages=[*find_packages("src"), SHIPPED, f"{SHIPPED}.setups"],
    package_dir={"": "src", SHIPPED: "experiments"},
)
