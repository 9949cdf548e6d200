"""Reading CSV tables: Kaggle's digit-recognizer layout and any numeric table with a label column."""

import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.data.csv_table import read_labelled, read_points, read_table
from backproplab.run import RunConfig, prepare


def _kaggle(tmp_path, rows=5, labelled=True):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (rows, 784))
    header = ",".join(f"pixel{i}" for i in range(784))
    lines = [("label," if labelled else "") + header]
    labels = rng.integers(0, 10, rows)
    for k, row in zip(labels, pixels):
        lines.append((f"{k}," if labelled else "") + ",".join(map(str, row)))
    path = tmp_path / ("train.csv" if labelled else "test.csv")
    path.write_text("\n".join(lines) + "\n")
    return path, pixels, labels


def test_kaggle_train_and_test_layouts(tmp_path):
    path, pixels, labels = _kaggle(tmp_path)
    X, y = read_labelled(path)
    np.testing.assert_array_equal(X, pixels)
    np.testing.assert_array_equal(y, labels)
    test_path, test_pixels, _ = _kaggle(tmp_path, labelled=False)
    np.testing.assert_array_equal(read_points(test_path), test_pixels)


def test_any_label_column_by_name_or_index(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,kind\n0.5,1,2\n1.5,2,0\n")
    X, y = read_labelled(path, "kind")
    np.testing.assert_array_equal(X, [[0.5, 1], [1.5, 2]])
    np.testing.assert_array_equal(y, [2, 0])
    headerless = tmp_path / "h.csv"
    headerless.write_text("1,0.5,1\n0,1.5,2\n")
    X, y = read_labelled(headerless, 0)
    np.testing.assert_array_equal(y, [1, 0])
    assert read_table(headerless)[0] is None


def test_a_label_column_given_as_the_command_line_gives_it_is_an_index_unless_the_header_names_it(tmp_path):
    headerless = tmp_path / "h.csv"
    headerless.write_text("1,0.5,7\n0,1.5,8\n")
    header = tmp_path / "t.csv"
    header.write_text("kind,a,b\n1,0.5,7\n0,1.5,8\n")
    for path in (headerless, header):
        X, y = read_labelled(path, "0")
        np.testing.assert_array_equal(y, [1, 0])
        np.testing.assert_array_equal(X, [[0.5, 7], [1.5, 8]])
    header.write_text("a,0,b\n0.5,1,7\n1.5,0,8\n")  # a column named "0" is that column
    np.testing.assert_array_equal(read_labelled(header, "0")[1], [1, 0])
    for label in ("3", 3, "-4"):
        with pytest.raises(ConfigError) as err:
            read_labelled(headerless, label)
        assert f"label column {int(label)} is outside the 3 columns of" in str(err.value)
        assert "give an index from 0 to 2" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("content, label, message", [
    ("a,b\n1,2\n", "label", "has no column 'label'; its columns start ['a', 'b']"),
    ("1,2\n3,4\n", "label", "has no header row, so it has no column 'label'"),
    ("label,x\n1.5,2\n", "label", "labels must be integers 0, 1, ..., found 1.5"),
    ("label,x\n-1,2\n", "label", "found -1"),
    ("label,x\n1,2\n0,oops\n", "label", "line 3, column 2 is 'oops', not a number"),
    ("label,x\n1,2\n0,1,5\n", "label", "line 3 has 3 columns, the lines above it 2"),
    ("label,x\n1,nan\n", "label", "holds NaN or inf (line 2)"),
    ("label\n1\n2\n", "label", "has only a label column"),
    ("label,x\n", "label", "holds no rows of numbers"),
    ("x,y,z\n1,2\n", "x", "the header names 3 columns, the rows hold 2"),
])
def test_bad_tables_get_a_one_line_error(tmp_path, content, label, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]").replace(".", r"\.")) as err:
        read_labelled(path, label)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("dataset", ["csv", "csv-points"])
@pytest.mark.parametrize("row, message", [("0.5,0.6", "line 4 has 2 columns, the lines above it 3"),
                                          ("0.5,abc,1", "line 4, column 2 is 'abc', not a number")])
def test_a_bad_row_is_named_by_the_files_own_line(tmp_path, dataset, row, message):
    # the header is line 1, so the third row of data is line 4, as an editor numbers it
    for name, before in (("plain.csv", "x1,x2,label\n0.1,0.2,0\n0.3,0.4,1\n"),
                         ("spaced.csv", "x1,x2,label\n\n0.1,0.2,0\n0.3,0.4,1\n")):  # NumPy skips the blank line
        path = tmp_path / name
        path.write_text(before + row + "\n0.7,0.8,0\n")
        with pytest.raises(ConfigError) as err:
            prepare(RunConfig.for_dataset(dataset=dataset, data=str(path)))
        expected = message if name == "plain.csv" else message.replace("line 4", "line 5")
        assert expected in str(err.value)


def test_a_bad_cell_before_bytes_that_are_not_utf8_is_still_named_by_its_line(tmp_path):
    # NumPy stops at the bad cell; counting the lines must not stumble on a broken byte after it
    path = tmp_path / "broken.csv"
    path.write_bytes(b"a,b,label\n0.1,x,0\n0.3,0.4,1\n0\xc2")
    with pytest.raises(ConfigError, match=r"line 2, column 2 is 'x', not a number") as err:
        read_labelled(str(path))
    assert "\n" not in str(err.value)
