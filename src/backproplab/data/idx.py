"""Reading IDX files, the format of the original MNIST and Fashion-MNIST distribution.

Layout (all integers big-endian): two zero bytes, a type code, the number of
dimensions d, then d uint32 sizes, then the values in row-major order. The
file may be gzip-compressed (recognised by its first two bytes, not its name).
"""

import os
import struct
import zlib

import numpy as np

from ..errors import ConfigError
from ..limits import check_regular_file, check_size, memory_for, product

# IDX type code -> big-endian NumPy dtype.
TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


_CHUNK = 1 << 20  # bytes read (or inflated) at a time


class _Plain:
    """The bytes of an uncompressed file, read in chunks as asked: memory follows what the file holds.

    (One ``read(n)`` would reserve all n bytes before reading any, so a header claiming
    gigabytes in a file of a few bytes would ask for gigabytes.)
    """

    def __init__(self, f):
        self._f = f

    def declared(self):
        """(bytes the file holds, None): a plain file's size is exact."""
        return os.fstat(self._f.fileno()).st_size, None

    def read(self, n):
        out = bytearray()
        while len(out) < n:
            chunk = self._f.read(min(_CHUNK, n - len(out)))
            if not chunk:
                break
            out += chunk
        return out


class _Gunzip:
    """The inflated bytes of a gzip file, inflated only as far as asked: memory follows what is read."""

    def __init__(self, f, path):
        self._f, self._path = f, path
        self._inflater = zlib.decompressobj(wbits=31)  # wbits 31: the gzip format

    def declared(self):
        """(inflated size modulo 2^32, 2^32) from the gzip trailer's last four bytes, or (None, None)
        for a file too short to have one (the inflater then says it is damaged)."""
        here, end = self._f.tell(), self._f.seek(0, os.SEEK_END)
        if end < 18:  # a 10-byte header and an 8-byte trailer at the least
            self._f.seek(here)
            return None, None
        self._f.seek(end - 4)
        size = struct.unpack("<I", self._f.read(4))[0]
        self._f.seek(here)
        return size, 2**32

    def read(self, n):
        out = bytearray()
        try:
            while len(out) < n and not self._inflater.eof:
                pending = self._inflater.unconsumed_tail or self._f.read(_CHUNK)
                if not pending:
                    raise EOFError("the compressed data ends early")
                out += self._inflater.decompress(pending, min(_CHUNK, n - len(out)))  # never more than asked
        except (EOFError, zlib.error) as e:
            raise ConfigError(f"IDX file {self._path!r} is a damaged gzip file ({e}); download it again") from None
        return out


def _open_body(f, path):
    """A reader of the file's IDX bytes, inflating it if it is gzip (by its first two bytes, not its name)."""
    if f.read(2) == _GZIP_MAGIC:
        f.seek(0)
        return _Gunzip(f, path)
    f.seek(0)
    return _Plain(f)


def read_idx(path):
    """The array stored in the IDX file at ``path`` (gzip-compressed or not).

    The header is read and judged first; only then is the body read, in chunks,
    up to the size the header announces, so memory follows the data, not the
    limit. Memory that cannot be had is one line naming the size, too.
    Raises a one-line ConfigError naming the problem for a missing, truncated,
    oversized or malformed file.
    """
    path = os.fspath(path)
    check_regular_file(path, "IDX file", "give the path of an IDX file")
    try:
        with open(path, "rb") as f:
            check_size("file_bytes", os.fstat(f.fileno()).st_size, f"IDX file {path!r}", "give the data set's own files")
            return _read(_open_body(f, path), path)
    except FileNotFoundError:
        raise ConfigError(f"IDX file {path!r} does not exist; check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"IDX file {path!r} is a folder; give the file inside it") from None
    except OSError as e:
        raise ConfigError(f"cannot read IDX file {path!r}: {e}") from None


def _read(body, path):
    magic = body.read(4)
    if len(magic) < 4:
        raise ConfigError(f"IDX file {path!r} is {len(magic)} bytes long, too short for the 4-byte magic number")
    zeros, code, ndim = magic[:2], magic[2], magic[3]
    if zeros != b"\x00\x00" or code not in TYPES or ndim == 0:
        raise ConfigError(
            f"{path!r} is not an IDX file: its magic number is 0x{magic.hex()}, expected 0x0000 then a "
            f"type code ({', '.join(f'0x{c:02x}' for c in TYPES)}) and a dimension count >= 1"
        )
    sizes = body.read(4 * ndim)
    header = 4 + 4 * ndim
    if len(sizes) < 4 * ndim:
        raise ConfigError(f"IDX file {path!r} is truncated inside its header ({4 + len(sizes)} of {header} bytes)")
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = np.dtype(TYPES[code])
    expected = header + product(shape) * dtype.itemsize  # exact: dimensions may multiply past 2^63
    check_size("file_bytes", expected, f"IDX file {path!r} (its header announces shape {shape})",
               "give the data set's own files")
    declared, modulo = body.declared()  # judged before any value is read (or inflated)
    if declared is not None and declared != (expected % modulo if modulo else expected):
        raise _mismatch(path, shape, dtype, expected, declared, modulo)
    with memory_for("file_bytes", f"IDX file {path!r} (shape {shape})", "free some memory", expected - header):
        values = body.read(expected - header)
        if len(values) < expected - header or body.read(1):  # a gzip body that its trailer misstates
            raise _mismatch(path, shape, dtype, expected, header + len(values) if len(values) < expected - header
                            else None)
        # (single bytes are used where they lie; wider values are turned to this machine's byte order)
        return np.frombuffer(values, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _mismatch(path, shape, dtype, expected, held, modulo=None):
    """The error for a file that does not hold the ``expected`` bytes its header announces: it holds ``held``
    (None: more), or its gzip trailer declares ``held`` modulo ``modulo``."""
    announced = f"the header announces shape {shape} of {dtype.name} ({expected:,} bytes in all)"
    if modulo:
        return ConfigError(f"IDX file {path!r} is a damaged gzip file: its trailer declares {held:,} bytes "
                           f"inflated (modulo 2^32) where {announced}; download it again")
    state = "longer than its header says" if held is None or held > expected else "truncated"
    holds = "more" if held is None else f"{held:,} bytes"
    return ConfigError(f"IDX file {path!r} is {state}: {announced}, the file holds {holds}; download it again")


def write_idx(path, array):
    """Write ``array`` as an uncompressed IDX file (gzip it yourself if you like)."""
    array = np.asarray(array)
    codes = {np.dtype(v).newbyteorder("="): k for k, v in TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ConfigError(f"IDX cannot store dtype {array.dtype}; use one of {sorted(str(d) for d in codes)}")
    with open(path, "wb") as f:
        f.write(bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape))
        f.write(array.astype(TYPES[code]).tobytes())
