"""Replays epoch logs through Keras's own callbacks and reports their decisions.

Reads a JSON list of cases from the file named by argv[1]; each case is
{"class_name": "EarlyStopping" | "ReduceLROnPlateau", "config": {...}, "learning_rate": float,
 "logs": [{"val_loss": ..., ...}, ...]}. For each case the callback is attached to a tiny compiled model
(metrics=["accuracy"], so mode "auto" can resolve accuracy) whose optimizer is an Adadelta with the case's
learning_rate (one model for all cases: only the rate is reset), and
on_epoch_end is called with each epoch's logs until the callback sets stop_training, as fit() would.
Prints one JSON list: per case, the number of epochs run, and the optimizer's learning rate after each epoch.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402

warnings.simplefilter("ignore")


def model_with(learning_rate):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adadelta(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    # One evaluation builds the compiled metrics, whose direction "auto" mode looks up.
    model.evaluate(np.zeros((2, 2), "float32"), np.zeros((2,), "int32"), verbose=0)
    return model


MODEL = None


def replay(case):
    global MODEL
    if MODEL is None:
        MODEL = model_with(case["learning_rate"])
    model = MODEL
    model.optimizer.learning_rate = case["learning_rate"]
    callback = getattr(keras.callbacks, case["class_name"])(**case["config"])
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    rates = []
    epochs = 0
    for epoch, logs in enumerate(case["logs"]):
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, dict(logs))
        epochs += 1
        rates.append(float(np.float32(keras.ops.convert_to_numpy(model.optimizer.learning_rate))))
        if model.stop_training:
            break
    callback.on_train_end()
    return {"epochs": epochs, "learning_rates": rates}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    print(json.dumps([replay(c) for c in cases]))


if __name__ == "__main__":
    main()
