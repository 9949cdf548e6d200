"""Reading an ``.npz`` file one judged member at a time: nothing is inflated before it is checked.

An ``.npz`` is a zip of ``.npy`` members. The zip directory gives each member's
name and inflated size and the ``.npy`` header its shape and dtype; both are
read, and compared with what the caller expects, before any member's values
are inflated. A member nobody expects is refused by its name alone, unread,
and a member is inflated only as far as its header announces, so a small file
claiming a huge array costs a one-line refusal, not memory.
"""

import os
import zipfile

import numpy as np

from .errors import ModelFileError
from .limits import check_regular_file, check_size, product
from .records import parse_json

_NPY = ".npy"


class NpzFile:
    """The members of the ``.npz`` at ``path``, by name (without ``.npy``); use it as a context manager.

    ``what`` names the file in messages ("model file", "checkpoint").
    """

    def __init__(self, path, what):
        self.path, self.what = os.fspath(path), what
        check_regular_file(self.path, what, "give the .npz file written by backproplab")
        try:
            check_size("file_bytes", os.stat(self.path).st_size, f"{what} {self.path!r}",
                       "give a file written by backproplab")
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ModelFileError(f"{what} {self.path!r} does not exist; check the path") from None
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as e:
            raise self.damaged(f"it is not a readable .npz file ({e})") from None
        infos = self._zip.infolist()
        self.members = {info.filename[:-len(_NPY)]: info for info in infos if info.filename.endswith(_NPY)}
        if len(self.members) != len(infos):
            self.close()
            raise self.damaged("it holds members that are not .npy arrays, or one name twice")
        self._headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._zip.close()

    def damaged(self, why):
        return ModelFileError(f"{self.what} {self.path!r} is damaged or not one backproplab wrote: {why}; "
                              "give a file written by backproplab")

    def header(self, name):
        """(shape, dtype) of member ``name`` from its .npy header alone, after checking it holds what it claims."""
        if name not in self._headers:
            info = self.members[name]
            try:
                with self._zip.open(info) as member:
                    shape, fortran, dtype = _read_header(member)
                    held = info.file_size - member.tell()
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as e:
                raise self.damaged(f"the header of {name!r} cannot be read ({e})") from None
            if dtype.hasobject:
                raise ModelFileError(f"{self.what} {self.path!r} holds Python objects in {name!r}; "
                                     "backproplab files hold numbers only")
            claimed = product(shape) * dtype.itemsize
            if claimed != held:
                raise ModelFileError(f"{self.what} {self.path!r} is damaged: {name!r} claims shape "
                                     f"{tuple(shape)} ({claimed:,} bytes) but holds {held:,} bytes")
            self._headers[name] = (tuple(shape), dtype, fortran)
        return self._headers[name][:2]

    def expect(self, shapes, against, required=None, kinds="f"):
        """Check, before reading any of them, that the members other than records are those of ``shapes``.

        ``shapes`` maps each member's name to its shape, as ``against`` says
        ("its architecture"); a member not named there
        is refused unread, a ``required`` one (all, by default) missing or any of
        another shape or kind (``kinds``: NumPy dtype kind letters) is refused
        from its header.
        """
        arrays = [name for name in self.members if not name.startswith("__")]
        unknown = sorted(set(arrays) - set(shapes))
        mismatch = f"{self.what} {self.path!r} does not match {against}:"
        if unknown:
            raise ModelFileError(f"{mismatch} it holds {len(unknown)} array(s) not in it, such as {unknown[0]!r} "
                                 "(refused unread); give a file written by backproplab")
        missing = sorted(set(shapes if required is None else required) - set(arrays))
        if missing:
            raise ModelFileError(f"{mismatch} it lacks {missing[0]!r}; give a file written by backproplab")
        for name, shape in shapes.items():
            if name not in self.members:
                continue
            found, dtype = self.header(name)
            if found != tuple(shape) or dtype.kind not in kinds:
                raise ModelFileError(f"{mismatch} {name!r} is {dtype} of shape {found}, where shape "
                                     f"{tuple(shape)} of floats is expected; give a file written by backproplab")

    def read(self, name):
        """The array in member ``name``, inflated no further than its header announces."""
        shape, dtype = self.header(name)
        fortran = self._headers[name][2]
        size = product(shape) * dtype.itemsize
        check_size("file_bytes", size, f"{self.what} {self.path!r}: {name!r}", "give a file written by backproplab")
        buffer = bytearray(size)
        try:
            with self._zip.open(self.members[name]) as member:
                _read_header(member)
                got = member.readinto(buffer)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError) as e:
            raise self.damaged(f"{name!r} cannot be read ({e})") from None
        if got != size:
            raise self.damaged(f"{name!r} ends after {got:,} of its {size:,} bytes")
        return np.frombuffer(buffer, dtype=dtype).reshape(shape, order="F" if fortran else "C")

    def record(self, name):
        """The JSON document stored as bytes in member ``name``: bounded in size and in nesting."""
        if name not in self.members:
            raise KeyError(name)
        shape, dtype = self.header(name)
        if dtype != np.uint8 or len(shape) != 1:
            raise self.damaged(f"its record {name!r} is {dtype} of shape {shape}, not bytes")
        check_size("record_bytes", shape[0], f"{self.what} {self.path!r}: record {name!r}",
                   "give a file written by backproplab")
        return parse_json(self.read(name).tobytes(), f"{self.what} {self.path!r}: record {name!r}",
                          "give a file written by backproplab", ModelFileError)


def _read_header(member):
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(member)
    if version in ((2, 0), (3, 0)):
        return np.lib.format.read_array_header_2_0(member)
    raise ValueError(f"unknown .npy version {version}")
