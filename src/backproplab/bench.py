"""``backproplab bench``: run the benchmark of the source checkout this package is installed from.

The benchmark (``benchmarks/bench.py``, with its own options: ``--quick``,
``--threads``, ``--cases``, ``--json``) ships with the source repository, not
with the installed package. When backproplab is installed editable
(``pip install -e .``) from a git checkout, this command runs that script with
the same Python and passes every argument on; otherwise it says, in one line,
where to get it.
"""

import json
import os
import subprocess
import sys
from importlib import metadata
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

SCRIPT = os.path.join("benchmarks", "bench.py")
PROG_VARIABLE = "BACKPROPLAB_BENCH_PROG"  # the script's usage lines then say 'backproplab bench', not its path
NOT_IN_PACKAGE = ("error: the benchmark ships with the source repository, not with the installed package; "
                  "clone the backproplab repository, install it with pip install -e '.[bench]' and run "
                  "backproplab bench (or python benchmarks/bench.py) there")


def source_checkout():
    """The git checkout this package is installed editable from, or None.

    Read from the install's ``direct_url.json`` (PEP 610): an editable install
    from a local folder that holds ``.git`` and ``benchmarks/bench.py`` and this
    very file.
    """
    try:
        text = metadata.distribution("backproplab").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    url = urlparse(info.get("url", ""))
    if not info.get("dir_info", {}).get("editable") or url.scheme != "file":
        return None
    root = os.path.realpath(url2pathname(unquote(url.path)))
    here = os.path.realpath(__file__)
    if (os.path.exists(os.path.join(root, ".git")) and os.path.isfile(os.path.join(root, SCRIPT))
            and here.startswith(root + os.sep)):
        return root
    return None


def main(argv=None):
    """Run ``benchmarks/bench.py`` with ``argv``; return its exit status (2 when there is no checkout)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    root = source_checkout()
    if root is None:
        print(NOT_IN_PACKAGE, file=sys.stderr)
        return 2
    env = dict(os.environ, **{PROG_VARIABLE: "backproplab bench"})
    return subprocess.run([sys.executable, os.path.join(root, SCRIPT), *argv], env=env).returncode
