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
from ..limits import check_regular_file, check_size, limit, product

# IDX type code -> big-endian NumPy dtype.
TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path):
    """The file's bytes, decompressed if it is gzip, never more than the size limit."""
    check_regular_file(path, "IDX file", "give the path of an IDX file")
    most = limit("file_bytes")
    with open(path, "rb") as f:
        raw = f.read(most + 1)
    check_size("file_bytes", len(raw), f"IDX file {path!r}", "give the data set's own files")
    if raw[:2] == _GZIP_MAGIC:
        try:
            # wbits 31: the gzip format. max_length stops a small file that inflates without end.
            inflater = zlib.decompressobj(wbits=31)
            out = inflater.decompress(raw, most + 1)
            if not inflater.eof and len(out) <= most:
                raise EOFError("the compressed data ends early")
        except (EOFError, zlib.error) as e:
            raise ConfigError(f"IDX file {path!r} is a damaged gzip file ({e}); download it again") from None
        check_size("file_bytes", len(out), f"IDX file {path!r} unpacked", "give the data set's own files")
        return out
    return raw


def read_idx(path):
    """The array stored in the IDX file at ``path`` (gzip-compressed or not).

    Raises a one-line ConfigError naming the problem for a missing, truncated
    or malformed file.
    """
    path = os.fspath(path)
    try:
        raw = _read_bytes(path)
    except FileNotFoundError:
        raise ConfigError(f"IDX file {path!r} does not exist; check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"IDX file {path!r} is a folder; give the file inside it") from None
    except OSError as e:
        raise ConfigError(f"cannot read IDX file {path!r}: {e}") from None
    if len(raw) < 4:
        raise ConfigError(f"IDX file {path!r} is {len(raw)} bytes long, too short for the 4-byte magic number")
    zeros, code, ndim = raw[:2], raw[2], raw[3]
    if zeros != b"\x00\x00" or code not in TYPES or ndim == 0:
        raise ConfigError(
            f"{path!r} is not an IDX file: its magic number is 0x{raw[:4].hex()}, expected 0x0000 then a "
            f"type code ({', '.join(f'0x{c:02x}' for c in TYPES)}) and a dimension count >= 1"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ConfigError(f"IDX file {path!r} is truncated inside its header ({len(raw)} of {header} bytes)")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(TYPES[code])
    expected = header + product(shape) * dtype.itemsize  # exact: dimensions may multiply past 2^63
    if len(raw) != expected:
        state = "truncated" if len(raw) < expected else "longer than its header says"
        raise ConfigError(
            f"IDX file {path!r} is {state}: the header announces shape {shape} of {dtype.name} "
            f"({expected:,} bytes in all), the file holds {len(raw):,} bytes; download it again"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


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
