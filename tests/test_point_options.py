"""The options that let ``backproplab train`` say what the playground does with 2-D points: its shapes
(``playground-<name>``), ``--features``, ``--hold-out`` and ``--square``, ``--init-seed``, ``--penalty``
and ``--epoch-loss``. Each does what its help says, and a value without a meaning gets a one-line error."""

import copy

import numpy as np
import pytest

from backproplab.data.features import features
from backproplab.errors import ConfigError
from backproplab.run import RunConfig, build_loss, build_optimizer, make_data, prepare, train
from backproplab.training import WeightPenalty, evaluate, fit


@pytest.mark.parametrize("options, words", [
    ({"features": ("x1", "x3")}, "'x3'"),
    ({"features": ("x1", "x1")}, "--features names x1 x1; give each feature once"),
    ({"dataset": "csv", "data": "t.csv", "features": ("x1^2",)}, "--features applies to"),
    ({"penalty_rate": 0.01}, "--penalty-rate 0.01 needs a --penalty (l1 or l2)"),
    ({"penalty": "l3"}, "'l3'"),
    ({"dataset": "mnist", "hold_out": True}, "--hold-out applies to"),
    ({"dataset": "xor", "test_size": 5}, "--dataset xor is a fixed set of 21 points, tested on themselves; drop "
                                         "--test-size, or add --hold-out"),
    ({"dataset": "spiral", "n": 50, "test_size": 50, "hold_out": True},
     "--test-size 50 leaves no training points of the 50 drawn (--n); use at most 49"),
    ({"dataset": "playground-circle", "n": 10, "test_size": 12}, "--test-size 12 leaves no training points"),
    ({"dataset": "spiral", "square": 0.0}, "--square must be"),
    ({"dataset": "playground-circle", "square": 5.0}, "--square applies to"),
    ({"dataset": "playground-circle", "classes": 3}, "--classes applies to"),
    ({"epoch_loss": "before"}, "'before'"),
    ({"init_seed": -1}, "--init-seed must be"),
    ({"dataset": "csv-points", "data": "p.csv", "n": 5}, "--n applies to"),
])
def test_a_value_without_a_meaning_gets_one_line(options, words):
    with pytest.raises(ConfigError) as error:
        RunConfig.for_dataset(**options)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_a_playground_shape_is_drawn_once_and_split_and_its_inputs_are_the_features():
    config = RunConfig.for_dataset(dataset="playground-circle", n=100, test_size=30, noise=0.1,
                                   features=("x1^2", "x2^2", "x1*x2"))
    data = make_data(config)
    assert (len(data.y_train), len(data.y_test), config.n_points) == (70, 30, 70)
    points = np.concatenate([data.points_train, data.points_test])
    assert len(np.unique(points, axis=0)) == 100  # no point is both a training and a test point
    assert np.array_equal(data.X_train, features(data.points_train, ("x1^2", "x2^2", "x1*x2")))
    assert np.abs(points).max() < 8  # the page's square, [-5, 5] and its noise
    assert data.X_train.shape == (70, 3) and prepare(config).model.parameters()[0].shape == (8, 3)  # 3 inputs


def test_a_file_of_points_is_read_split_and_placed_as_the_page_places_an_upload(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{k},{k * k % 7},{k % 2}\n" for k in range(10)))
    data = make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=3, square=5.0))
    points = np.concatenate([data.X_train, data.X_test])
    assert (len(data.y_train), len(data.y_test)) == (7, 3)
    assert np.array_equal(points.min(axis=0), [-5, -5]) and np.array_equal(points.max(axis=0), [5, 5])
    for config, words in [(RunConfig.for_dataset(dataset="csv-points"), "needs --data FILE.csv"),
                          (RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=10),
                           "--test-size 10 leaves no training points of the 10 in"),
                          ]:
        with pytest.raises(ConfigError, match=words):
            make_data(config)
    path.write_text("a,b,c,label\n1,2,3,0\n2,3,4,1\n")
    with pytest.raises(ConfigError, match="3 feature columns; --dataset csv-points takes 2-D points"):
        make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path)))


@pytest.mark.parametrize("header", ["", "label,x1,x2\n"])
def test_a_file_of_points_may_hold_its_label_first_with_label_column_0(tmp_path, header):
    path = tmp_path / "points.csv"
    path.write_text(header + "".join(f"{k % 2},{k},{k * k % 7}\n" for k in range(10)))
    data = make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=3, label_column="0"))
    points = np.concatenate([data.X_train, data.X_test])
    labels = np.concatenate([data.y_train, data.y_test])
    assert sorted(map(tuple, points)) == [(k, k * k % 7) for k in range(10)]
    assert all(label == x1 % 2 for label, (x1, _) in zip(labels, points))
    with pytest.raises(ConfigError, match=r"label column 3 is outside the 3 columns of .*give an index from 0 to 2"):
        make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=3, label_column="3"))



@pytest.mark.parametrize("header", ["", "x1,x2,label\n"])
def test_a_file_of_points_with_more_than_two_classes_trains_with_cross_entropy_and_asks_for_it(tmp_path, header):
    path = tmp_path / "points.csv"
    path.write_text(header + "".join(f"{k},{k * k % 7},{k % 5}\n" for k in range(20)))
    with pytest.raises(ConfigError) as error:
        train(RunConfig.for_dataset(dataset="csv-points", data=str(path), epochs=1))
    assert str(error.value) == ("--loss bce is for 2 classes; the labels of --dataset csv-points hold 5: "
                                "use --loss cross_entropy")
    result = train(RunConfig.for_dataset(dataset="csv-points", data=str(path), epochs=1, loss="cross_entropy"))
    assert result.model.layers[-1].out_features == 5

def test_square_places_a_generator_s_points_as_the_page_does_and_hold_out_splits_one_draw():
    plain = make_data(RunConfig.for_dataset(dataset="spiral", n=60, test_size=20, hold_out=True))
    placed = make_data(RunConfig.for_dataset(dataset="spiral", n=60, test_size=20, hold_out=True, square=5.0))
    assert np.array_equal(placed.X_train, 10 * plain.X_train - 5) and np.array_equal(placed.y_test, plain.y_test)
    both = np.concatenate([plain.X_train, plain.X_test])
    assert both.shape == (60, 2) and len(np.unique(both, axis=0)) == 60
    fresh = make_data(RunConfig.for_dataset(dataset="spiral", n=60, test_size=20))  # test points drawn apart
    assert len(fresh.y_train) == 60


def test_init_seed_draws_the_network_alone():
    base = {"dataset": "playground-gauss", "n": 40, "hidden": (3,)}
    a = prepare(RunConfig.for_dataset(**base, seed=1, init_seed=7))
    b = prepare(RunConfig.for_dataset(**base, seed=2, init_seed=7))
    c = prepare(RunConfig.for_dataset(**base, seed=1, init_seed=8))
    weights = [np.concatenate([p.data.ravel() for p in run.model.parameters()]) for run in (a, b, c)]
    assert np.array_equal(weights[0], weights[1]) and not np.array_equal(weights[0], weights[2])
    assert not np.array_equal(a.data.X_train, b.data.X_train) and np.array_equal(a.data.X_train, c.data.X_train)


def test_the_penalty_and_the_books_after_the_epoch_are_fit_s():
    config = RunConfig.for_dataset(dataset="playground-xor", n=60, hidden=(4,), activation=("tanh",), epochs=5,
                                   batch_size=8, optimizer="sgd", lr=0.1, penalty="l1", penalty_rate=0.01,
                                   epoch_loss="after", init_seed=3)
    prepared = prepare(config)
    model = copy.deepcopy(prepared.model)
    run = train(config, prepared=prepared)
    loss_fn = build_loss(config, prepared.head.loss)
    shuffling = np.random.SeedSequence(3).spawn(3)[2]  # --init-seed's third stream: the batch order
    history = fit(model, loss_fn, build_optimizer(config, model.parameters()), prepared.data.X_train,
                  prepared.data.y_train, epochs=5, batch_size=8, seed=np.random.default_rng(shuffling),
                  penalty=WeightPenalty(model, "l1", 0.01), loss_after_epoch=True)
    assert np.array_equal(run.history.loss, history.loss)
    assert run.history.loss[-1] == evaluate(run.model, loss_fn, prepared.data.X_train, prepared.data.y_train)[0]
    running = train(config.replace(epoch_loss="running"))  # the same updates, booked during the epoch
    assert all(np.array_equal(p.data, q.data) for p, q in zip(running.model.parameters(), run.model.parameters()))
    assert not np.allclose(running.history.loss, run.history.loss)


def test_target_loss_stops_at_the_first_epoch_whose_training_loss_reaches_it():
    config = RunConfig.for_dataset(dataset="playground-circle", n=80, hidden=(6,), activation=("tanh",), lr=0.1,
                                   epochs=300, epoch_loss="after", target_loss=0.05)
    run = train(config)
    assert run.history.stop_reason == "reached target loss 0.05" and run.history.epochs < 300
    assert run.history.loss[-1] <= 0.05 < min(run.history.loss[:-1])
