#!/usr/bin/env python3
"""Reference for issue 9's time-to-accuracy benchmark: bin/train-fashion-mnist's default job in real Keras.

Same data, model, loss, optimizer, batch and epochs as conf/fashion-mnist.json:
- Debian's Fashion-MNIST IDX files (gzip), read here with numpy + gzip; pixels / 255 as float32, as our
  IdxSliceCursor does ((pixel & 0xff) / 255f); labels as integers.
- Sequential Input(784) -> Dense(256, relu) -> Dense(10) producing logits, with
  SparseCategoricalCrossentropy(from_logits=True) (our Loss.SOFTMAX / SoftmaxCrossEntropy works from the
  logits too); Glorot-uniform kernels and zero biases (Keras's defaults, as our Network initialises).
- Adadelta(learning_rate=CosineDecay(1.0, decay_steps=7035, alpha=0.1)), rho 0.95, epsilon 1e-7.
- Batch 128 (469 steps per epoch, the last of 96 rows), 15 epochs, shuffled each epoch.
- The 10,000 test images evaluated after each epoch (fit's validation_data).
- TensorFlow limited to 2 intra-op threads and 1 inter-op thread (this machine has 2 cores; our job runs
  local[*] = 2 task threads).

Prints CSV: epoch, seconds since the start of fit() (training + each epoch's evaluation), test accuracy;
then the first epoch and time at which test accuracy >= the threshold (0.885), and the final test accuracy.

Usage: python3 bench/keras/fashion_mnist_keras.py [DATA_DIR] [THRESHOLD]
"""
import os
import sys
import time

T_SCRIPT = time.time()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(2)
tf.config.threading.set_inter_op_parallelism_threads(1)

import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import load  # noqa: E402

DATA = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
THRESHOLD = float(sys.argv[2]) if len(sys.argv) > 2 else 0.885
EPOCHS, BATCH = 15, 128


x_train, y_train = load(DATA, "train")
x_test, y_test = load(DATA, "t10k")

keras.utils.set_random_seed(42)
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer="glorot_uniform", bias_initializer="zeros"),
    keras.layers.Dense(10, kernel_initializer="glorot_uniform", bias_initializer="zeros"),
])
steps = EPOCHS * int(np.ceil(len(x_train) / BATCH))  # 15 x 469 = 7035
schedule = keras.optimizers.schedules.CosineDecay(1.0, decay_steps=steps, alpha=0.1)
model.compile(optimizer=keras.optimizers.Adadelta(learning_rate=schedule),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])

rows = []


class EpochClock(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.t0 = time.time()

    def on_epoch_end(self, epoch, logs=None):
        rows.append((epoch + 1, time.time() - self.t0, float(logs["val_accuracy"]), float(logs["loss"])))
        e, t, acc, loss = rows[-1]
        print(f"{e},{t:.2f},{acc:.4f},{loss:.6f}", flush=True)


print(f"# keras {keras.__version__}, tensorflow {tf.__version__}, intra-op threads 2, inter-op threads 1, "
      f"steps {steps}, data loaded and model built in {time.time() - T_SCRIPT:.1f} s since the script started",
      flush=True)
print("epoch,seconds_since_fit_start,test_accuracy,train_loss", flush=True)
model.fit(x_train, y_train, batch_size=BATCH, epochs=EPOCHS, shuffle=True,
          validation_data=(x_test, y_test), callbacks=[EpochClock()], verbose=0)

hit = next((r for r in rows if r[2] >= THRESHOLD), None)
if hit:
    print(f"# first test accuracy >= {THRESHOLD}: epoch {hit[0]}, {hit[1]:.2f} s since fit start")
else:
    print(f"# test accuracy never reached {THRESHOLD}")
final = model.evaluate(x_test, y_test, batch_size=BATCH, verbose=0)
print(f"# final test accuracy {final[1]:.4f}, loss {final[0]:.6f}; script wall {time.time() - T_SCRIPT:.1f} s")
