#!/usr/bin/env python3
"""Issue 9's time-to-accuracy benchmark: our job against real Keras, one after the other, in one command.

Ours: bin/spark-adadelta with conf/fashion-mnist.json (its optimizer, batch and epochs: our default config), the
10,000 test images as validation data so that test accuracy is known after every epoch (instead of the
config's validation_split, hence all 60,000 training images, as Keras trains on; a schedule's warmup_steps and
decay_steps, which the config sizes for the split-off 54,000 rows, are scaled to the steps of 60,000), plus any
KEY=VALUE overrides given after `--`. Keras: bench/keras/fashion_mnist_keras.py, the issue's reference configuration
(batch 128, CosineDecay(1.0, 7035, alpha=0.1), 15 epochs), never changed.

Time to accuracy is the time from the start of training to the end of the first epoch whose test accuracy is
at least the threshold (ours: the sum of history_epochs.csv's `seconds`, each epoch including its
validation; Keras: since the start of fit(), each epoch including its evaluation). Neither side counts its
start-up and data loading.

Usage: python3 bench/keras/time_to_accuracy.py [--keras-first] [--threshold 0.885] [-- KEY=VALUE ...]
Run from the repository root after `mvn -o -B -q -DskipTests package`, on an otherwise idle machine.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(ROOT, "target", "bench", "time-to-accuracy")


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def schedule_for_all_rows(config_file, rows=60_000):
    """Overrides that re-span the config's learning-rate schedule over the steps of all `rows` training rows."""
    text = "\n".join(line for line in open(config_file) if not line.lstrip().startswith("//"))
    config = json.loads(text)
    training = config["training"]
    batch, split = training["batch_size"], training.get("validation_split", 0)
    rate = config["optimizer"]["config"]["learning_rate"]
    if not isinstance(rate, dict) or not batch or not split:
        return []
    with_split = -(-round(rows * (1 - split)) // batch)
    without = -(-rows // batch)
    out = []
    for key in ("warmup_steps", "decay_steps"):
        if rate["config"].get(key):
            steps = round(rate["config"][key] * without / with_split)
            out.append(f"optimizer.config.learning_rate.config.{key}={steps}")
    return out


def ours(threshold, overrides):
    config = os.path.join(ROOT, "conf", "fashion-mnist.json")
    validation = json.dumps({"format": "idx", "path": DATA, "options": {"split": "t10k"}})
    cmd = [os.path.join(ROOT, "bin", "spark-adadelta"), config, "output.path=" + OUT, "output.overwrite=true",
           "training.validation_split=0", "data.validation=" + validation] + schedule_for_all_rows(config) + overrides
    print("# ours: " + " ".join(cmd), flush=True)
    load = load_average()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    rows, total = [], 0.0
    with open(os.path.join(OUT, "history_epochs.csv")) as f:
        for r in csv.DictReader(f):
            total += float(r["seconds"])
            rows.append((int(r["epoch"]) + 1, total, float(r["val_accuracy"])))  # the CSV counts from 0
    return rows, load


def keras(threshold):
    cmd = [sys.executable, os.path.join(ROOT, "bench", "keras", "fashion_mnist_keras.py"), DATA, str(threshold)]
    print("# keras: " + " ".join(cmd), flush=True)
    load = load_average()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split(",")
        if len(parts) == 4 and parts[0].isdigit():
            rows.append((int(parts[0]), float(parts[1]), float(parts[2])))
    return rows, load


def first_hit(rows, threshold):
    return next((r for r in rows if r[2] >= threshold), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras-first", action="store_true", help="run Keras before ours")
    parser.add_argument("--threshold", type=float, default=0.885)
    parser.add_argument("overrides", nargs="*", help="KEY=VALUE overrides for our job (after --)")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    runs = {}
    for side in (["keras", "ours"] if args.keras_first else ["ours", "keras"]):
        runs[side] = ours(args.threshold, args.overrides) if side == "ours" else keras(args.threshold)
    (o, o_load), (k, k_load) = runs["ours"], runs["keras"]
    print(f"# started {started}; load average before ours {o_load:.2f}, before Keras {k_load:.2f}")
    print("epoch,ours_seconds,ours_test_accuracy,keras_seconds,keras_test_accuracy")
    for i in range(max(len(o), len(k))):
        a = o[i] if i < len(o) else (i + 1, None, None)
        b = k[i] if i < len(k) else (i + 1, None, None)
        cells = [str(i + 1)] + ["" if v is None else f"{v:.2f}" if j == 0 else f"{v:.4f}"
                                for x in (a, b) for j, v in enumerate(x[1:])]
        print(",".join(cells))
    ho, hk = first_hit(o, args.threshold), first_hit(k, args.threshold)
    for name, hit, rows in (("ours", ho, o), ("keras", hk, k)):
        print(f"# {name}: " + (f"test accuracy >= {args.threshold} after epoch {hit[0]}, {hit[1]:.2f} s"
                               if hit else f"never reached {args.threshold}")
              + f"; final {rows[-1][2]:.4f} after {rows[-1][1]:.2f} s")
    if ho and hk:
        print(f"# time to {args.threshold}: ours / Keras = {ho[1] / hk[1]:.2f}")
    else:
        sys.exit(1)


if __name__ == "__main__":
    main()
