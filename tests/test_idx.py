"""The IDX reader on tiny files written here: good ones round-trip, bad ones get one clear line."""

import gzip
import struct
import subprocess
import sys

import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.data.idx import read_idx, write_idx


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("compressed", [False, True])
def test_round_trip(tmp_path, dtype, compressed):
    array = (np.arange(2 * 3 * 4) - 5).reshape(2, 3, 4).astype(dtype)
    if dtype == "uint8":
        array = np.abs(array).astype(dtype)
    path = tmp_path / "a.idx"
    write_idx(path, array)
    if compressed:  # recognised by content, whatever the name
        path.write_bytes(gzip.compress(path.read_bytes()))
    back = read_idx(path)
    np.testing.assert_array_equal(back, array)
    assert back.dtype == array.dtype


def _header(code, shape):
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)


BAD = {
    "bad magic": (b"\x01\x00\x08\x01" + b"\x00" * 8, "is not an IDX file: its magic number is 0x01000801"),
    "unknown type": (_header(0x07, (2,)) + b"\x00\x00", "is not an IDX file"),
    "no dimensions": (bytes([0, 0, 8, 0]), "dimension count >= 1"),
    "too short": (b"\x00\x00", "too short for the 4-byte magic number"),
    "header cut": (_header(0x08, (2, 3, 4))[:9], "truncated inside its header (9 of 16 bytes)"),
    "data cut": (_header(0x08, (2, 3)) + b"\x00" * 5, "is truncated: the header announces shape (2, 3)"),
    "trailing bytes": (_header(0x08, (2,)) + b"\x00" * 3, "longer than its header says"),
    "labels of images": (_header(0x08, (60000,)) + b"\x00" * 100, "(60,008 bytes in all), the file holds 108 bytes"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_files_get_a_one_line_error(tmp_path, name):
    content, message = BAD[name]
    path = tmp_path / "bad.idx"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_idx(path)
    assert "\n" not in str(err.value) and "bad.idx" in str(err.value)


def test_damaged_gzip_and_missing_files(tmp_path):
    good = gzip.compress(_header(0x08, (100,)) + bytes(100))
    (tmp_path / "cut.gz").write_bytes(good[: len(good) // 2])
    with pytest.raises(ConfigError, match="damaged gzip file"):
        read_idx(tmp_path / "cut.gz")
    with pytest.raises(ConfigError, match="does not exist"):
        read_idx(tmp_path / "nothing.idx")
    with pytest.raises(ConfigError, match="is a folder"):
        read_idx(tmp_path)


def test_a_file_is_read_within_memory_near_its_own_size(tmp_path):
    """Under a 1 GiB address-space cap, a small file reads: no read reserves the 4 GiB file-size limit,
    nor the 3.6 GB that the header of a plain file of 112 bytes claims."""
    path, claims = tmp_path / "labels.idx.gz", tmp_path / "claims.idx"
    path.write_bytes(gzip.compress(_header(0x08, (1000,)) + bytes(range(10)) * 100))
    claims.write_bytes(_header(0x08, (60_000, 60_000)) + bytes(100))
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
              "from backproplab.data.idx import read_idx; print(read_idx(sys.argv[1]).sum())\n"
              "try:\n    read_idx(sys.argv[2])\nexcept ValueError as e:\n    print(e)")
    done = subprocess.run([sys.executable, "-c", script, str(path), str(claims)], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == "4500"
    assert "is truncated: the header announces shape (60000, 60000) of uint8 (3,600,000,012 bytes in all), " \
           "the file holds 112 bytes" in done.stdout.splitlines()[1]


def test_a_gzip_whose_trailer_disagrees_with_its_header_is_refused_before_inflating(tmp_path):
    """The trailer's inflated size is compared with the header's before any value is inflated."""
    path = tmp_path / "claims.gz"
    path.write_bytes(gzip.compress(_header(0x08, (3_000_000_000,)) + bytes(100)))
    with pytest.raises(ConfigError, match=r"damaged gzip file: its trailer declares 108 bytes inflated \(modulo 2\^32\)"
                                          r" where the header announces shape \(3000000000,\)"):
        read_idx(path)
