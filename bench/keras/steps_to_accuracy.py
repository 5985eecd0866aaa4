#!/usr/bin/env python3
"""How many Adadelta steps real Keras needs to reach a test accuracy, for a batch size and learning rate.

Issue 9's time-to-accuracy gap is steps x (time per step). Our job's time per step has a Spark floor (one
broadcast + one treeAggregate per step) that Keras does not pay, so the question for choosing a default config
is how few steps each batch size needs. Step counts do not depend on machine load, and our pipeline follows
Keras's math step for step, so they are measured here in Keras alone.

Same data and model as fashion_mnist_keras.py (784-256-10 MLP, logits + SparseCategoricalCrossentropy,
Glorot-uniform kernels, zero biases), Adadelta(learning_rate=CosineDecay(LR, decay_steps=all steps of the run,
alpha=ALPHA), epsilon=EPS, rho=RHO), shuffled each epoch, the test set evaluated after every epoch. With
--warmup-steps W the schedule is CosineDecay(WARMUP_INITIAL, decay_steps=all steps - W, alpha=ALPHA,
warmup_target=LR, warmup_steps=W), a linear warm-up from WARMUP_INITIAL (LR / 10 by default) to LR, as
conf/fashion-mnist.json's.

Usage: python3 bench/keras/steps_to_accuracy.py BATCH EPOCHS LR [SEED] [ALPHA] [EPS] [RHO] [THRESHOLD]
           [--warmup-steps W] [--warmup-initial LR0]
Prints one JSON line: the epoch and step at which test accuracy first reached THRESHOLD (0.885), and every
epoch's test accuracy.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import load  # noqa: E402

args = sys.argv[1:]
warmup_steps, warmup_initial = 0, None
for flag in ("--warmup-steps", "--warmup-initial"):
    if flag in args:
        i = args.index(flag)
        value = args[i + 1]
        del args[i:i + 2]
        if flag == "--warmup-steps":
            warmup_steps = int(value)
        else:
            warmup_initial = float(value)
if len(args) < 3:
    sys.exit(__doc__)
batch, epochs, lr = int(args[0]), int(args[1]), float(args[2])
seed = int(args[3]) if len(args) > 3 else 42
alpha = float(args[4]) if len(args) > 4 else 0.1
eps = float(args[5]) if len(args) > 5 else 1e-7
rho = float(args[6]) if len(args) > 6 else 0.95
threshold = float(args[7]) if len(args) > 7 else 0.885

data = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
x_train, y_train = load(data, "train")
x_test, y_test = load(data, "t10k")

keras.utils.set_random_seed(seed)
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
steps_per_epoch = -(-len(x_train) // batch)
if warmup_steps:
    start = warmup_initial if warmup_initial is not None else lr / 10
    rate = keras.optimizers.schedules.CosineDecay(start, decay_steps=steps_per_epoch * epochs - warmup_steps,
                                                  alpha=alpha, warmup_target=lr, warmup_steps=warmup_steps)
else:
    rate = keras.optimizers.schedules.CosineDecay(lr, decay_steps=steps_per_epoch * epochs, alpha=alpha)
model.compile(optimizer=keras.optimizers.Adadelta(learning_rate=rate, epsilon=eps, rho=rho),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
accuracy = model.fit(x_train, y_train, batch_size=batch, epochs=epochs, validation_data=(x_test, y_test),
                     verbose=0).history["val_accuracy"]
hit = next((e + 1 for e, a in enumerate(accuracy) if a >= threshold), None)
print(json.dumps({"batch": batch, "epochs": epochs, "lr": lr, "warmup_steps": warmup_steps,
                  "warmup_initial": warmup_initial if warmup_steps else None, "alpha": alpha, "epsilon": eps, "rho": rho,
                  "seed": seed, "steps_per_epoch": steps_per_epoch, "threshold": threshold, "first_epoch": hit,
                  "steps": hit * steps_per_epoch if hit else None, "final": round(accuracy[-1], 4),
                  "test_accuracy": [round(a, 4) for a in accuracy]}))
