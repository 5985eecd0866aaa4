"""Real Keras's side of the round-trip tests (spark-job's org.sparkadadelta.spark.keras tests).

    keras_roundtrip.py load-output JOB_OUTPUT DATA_DIR TEST_ROWS GRAD_SEED RESULT.h5        (test a)
    keras_roundtrip.py continue DATA_DIR BATCHES.json HIDDEN START.keras RESULT.h5          (test b)
    keras_roundtrip.py parity INIT.keras DATA_DIR BATCHES.json RESULT.h5                    (test c)
    keras_roundtrip.py flavours OUT_DIR       (Keras-written files with every kind of optimizer state)

DATA_DIR holds uncompressed IDX files (train-*/t10k-*) that the job reads too; pixels are scaled as the job
scales them (uint8 / 255 in float32). BATCHES.json lists, per step, the row numbers of the job's batch
(its BatchSampler), so Keras trains on exactly the job's batches, with train_on_batch. Every result is
written with h5py as numbered datasets, read back on the JVM with jHDF and compared there.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402


def idx(data_dir, split, rows=None):
    with open(os.path.join(data_dir, f"{split}-images-idx3-ubyte"), "rb") as f:
        raw = f.read()
    n, h, w = (int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    x = np.frombuffer(raw, np.uint8, offset=16).reshape(n, h * w)
    with open(os.path.join(data_dir, f"{split}-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    if rows is not None:
        x, y = x[:rows], y[:rows]
    return x.astype(np.float32) / np.float32(255.0), y


def dump(f, name, arrays):
    g = f.create_group(name)
    for i, a in enumerate(arrays):
        g[str(i)] = np.asarray(a)


def values(variables):
    return [v.numpy() for v in variables]


def load_output(out_dir, data_dir, test_rows, seed, result):
    model = keras.saving.load_model(os.path.join(out_dir, "model.keras"))
    x, _ = idx(data_dir, "t10k", int(test_rows))
    with h5py.File(result, "w") as f:
        dump(f, "weights", values(model.weights))
        dump(f, "optimizer", values(model.optimizer.variables))
        f["predict"] = model.predict(x, batch_size=256, verbose=0)
        rng = np.random.default_rng(int(seed))
        grads = [rng.standard_normal(tuple(v.shape)).astype(np.float32) for v in model.trainable_variables]
        dump(f, "grads", grads)
        model.optimizer.apply(grads, model.trainable_variables)
        dump(f, "after/weights", values(model.weights))
        dump(f, "after/optimizer", values(model.optimizer.variables))
        f.attrs["optimizer_paths"] = json.dumps([v.path for v in model.optimizer.variables])
        # And model.load_weights takes the job's model.weights.h5 alone: the same values again.
        fresh = keras.saving.load_model(os.path.join(out_dir, "model.keras"))
        fresh.load_weights(os.path.join(out_dir, "model.weights.h5"))
        dump(f, "load_weights/weights", values(fresh.weights))
        dump(f, "load_weights/optimizer", values(fresh.optimizer.variables))


def train_on_batches(model, x, y, batches):
    losses = []
    for rows in batches:
        logs = model.train_on_batch(x[rows], y[rows], return_dict=True)
        losses.append(float(logs["loss"]))
    return losses


def continue_(data_dir, batches_file, hidden, start, result):
    keras.utils.set_random_seed(3)
    with open(batches_file) as f:
        batches = json.load(f)
    x, y = idx(data_dir, "train")
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(int(hidden), activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adadelta(
        learning_rate=keras.optimizers.schedules.CosineDecay(1.0, decay_steps=40, alpha=0.1)),
        loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=128, epochs=1, shuffle=False, verbose=0)  # Keras's own first epoch
    model.save(start)
    with h5py.File(result, "w") as f:
        dump(f, "start/weights", values(model.weights))
        dump(f, "start/optimizer", values(model.optimizer.variables))
        # One step from the saved state with Keras's own gradient of the job's first batch, in a second copy.
        copy = keras.saving.load_model(start)
        import tensorflow as tf
        rows = batches[0]
        with tf.GradientTape() as tape:
            loss = copy.compute_loss(x=x[rows], y=y[rows], y_pred=copy(x[rows], training=True))
        grads = tape.gradient(loss, copy.trainable_variables)
        dump(f, "step/grads", [g.numpy() for g in grads])
        copy.optimizer.apply(grads, copy.trainable_variables)
        dump(f, "step/weights", values(copy.weights))
        dump(f, "step/optimizer", values(copy.optimizer.variables))
        # Keras continues on the job's batches.
        f["losses"] = np.array(train_on_batches(model, x, y, batches))
        dump(f, "end/weights", values(model.weights))
        dump(f, "end/optimizer", values(model.optimizer.variables))


def parity(init, data_dir, batches_file, result):
    with open(batches_file) as f:
        batches = json.load(f)
    x, y = idx(data_dir, "train")
    model = keras.saving.load_model(init)
    with h5py.File(result, "w") as f:
        dump(f, "start/weights", values(model.weights))
        f["losses"] = np.array(train_on_batches(model, x, y, batches))
        dump(f, "end/weights", values(model.weights))
        dump(f, "end/optimizer", values(model.optimizer.variables))


def flavours(out_dir):
    """Small models Keras trains 3 steps with each kind of optimizer state, saved as .keras and .weights.h5."""
    keras.utils.set_random_seed(11)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((24, 6)).astype(np.float32)
    schedule = keras.optimizers.schedules.ExponentialDecay(1.0, decay_steps=2, decay_rate=0.5)
    cases = {
        "plain": (lambda: keras.optimizers.Adadelta(learning_rate=1.0), "sequential", 3),
        "lso": (lambda: keras.optimizers.LossScaleOptimizer(keras.optimizers.Adadelta(learning_rate=1.0),
                                                            dynamic_growth_steps=2), "functional", 3),
        "ema_accumulation": (lambda: keras.optimizers.Adadelta(learning_rate=schedule, use_ema=True,
                                                               ema_overwrite_frequency=2,
                                                               gradient_accumulation_steps=2), "sequential", 2),
        "logistic": (lambda: keras.optimizers.Adadelta(learning_rate=1.0, rho=0.9), "logistic", 2),
    }
    index = {}
    for name, (make, kind, classes) in cases.items():
        if kind == "logistic":
            model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
            loss, y = "binary_crossentropy", (x[:, 0] > 0).astype(np.float32)
        elif kind == "functional":
            inp = keras.Input((6,))
            h = keras.layers.Dense(5, activation="relu")(inp)
            out = keras.layers.Dense(classes, activation="softmax")(keras.layers.Dense(4, activation="relu")(h))
            model = keras.Model(inp, out)
            loss, y = "sparse_categorical_crossentropy", rng.integers(0, classes, 24)
        else:
            model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"),
                                      keras.layers.Dense(classes, activation="softmax")])
            loss, y = "sparse_categorical_crossentropy", rng.integers(0, classes, 24)
        model.compile(optimizer=make(), loss=loss)
        for step in range(3):
            model.train_on_batch(x[step * 8:(step + 1) * 8], y[step * 8:(step + 1) * 8])
        model.save(os.path.join(out_dir, name + ".keras"))
        model.save_weights(os.path.join(out_dir, name + ".weights.h5"))
        with h5py.File(os.path.join(out_dir, name + ".state.h5"), "w") as f:
            dump(f, "weights", values(model.weights))
            dump(f, "optimizer", values(model.optimizer.variables))
        index[name] = [v.path for v in model.optimizer.variables]
    with open(os.path.join(out_dir, "flavours.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"load-output": load_output, "continue": continue_, "parity": parity, "flavours": flavours}[command](*args)
