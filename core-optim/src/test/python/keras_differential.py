#!/usr/bin/env python3
"""Runs randomly drawn Adadelta configurations in real Keras 3 (TensorFlow backend) and records them.

Used by KerasDifferentialTest (core-optim/src/test/java/.../golden/): one process for the whole batch,
because importing TensorFlow takes seconds. Configuration ``i`` of seed ``s`` is drawn from
``numpy.random.default_rng([s, i])`` alone, so any one of them can be re-drawn without the others.

Each configuration is written as ``OUT_DIR/config_NNNN.json`` in the golden-case schema of
``../shared/keras-golden/README.md`` (the ``tf_fuzz_*`` flavour: TensorFlow's int64 iteration counters are
recorded with dtype int32, as ``metadata_normalized`` says), plus ``differential``: the drawn configuration.
This script only builds Keras objects, feeds gradients and records state; it contains no optimizer math.
With norm clipping (``clipnorm``/``global_clipnorm``), each step also records what Keras's own
``_clip_gradients`` received and returned (``clip_input``, ``clip_output``; see ``observe_clipping``).

Usage: keras_differential.py SEED COUNT OUT_DIR [FIRST_INDEX]
"""
import json
import os
import platform
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"

try:
    import numpy as np
    import tensorflow  # noqa: F401  (the backend; imported here so that its absence is reported as such)
    import keras
    from keras.src import backend as keras_backend
except ImportError as e:
    print("cannot import keras and tensorflow: %s" % e, file=sys.stderr)
    sys.exit(3)  # KerasDifferentialTest turns this exit code into a skip

VARIABLE_NAMES = ["kernel", "bias", "extra", "embedding", "w_out"]
SCHEDULES = ["ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay",
             "CosineDecay", "CosineDecayRestarts"]


# ---------------------------------------------------------------- drawing a configuration

def draw_config(rng):
    """Everything about one run, as plain JSON values: optimizer arguments, variables, gradient events."""
    def pick(*options):
        return options[int(rng.integers(len(options)))]

    def log_uniform(lo, hi):
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))

    def chance(p):
        return bool(rng.random() < p)

    args = {}
    if chance(0.4):
        args["learning_rate"] = draw_schedule(rng, pick, log_uniform, chance)
    else:
        args["learning_rate"] = pick(1.0, 0.001, 0.1, 0.5, log_uniform(1e-4, 3.0))
    args["rho"] = pick(0.95, 0.9, 0.99, float(rng.uniform(0.0, 1.0)), 0.0, 1.0)
    args["epsilon"] = pick(1e-7, 1e-6, 1e-3, log_uniform(1e-12, 1e-1), 0.0)
    if chance(0.35):
        args["weight_decay"] = pick(0.0, 0.01, log_uniform(1e-5, 0.5))
    clip = pick("none", "none", "clipnorm", "clipvalue", "global_clipnorm")
    if clip != "none":
        args[clip] = pick(log_uniform(1e-3, 10.0), 1.0, 0.5, 0.85, 0.0, -1.0)
    if chance(0.35):
        args["use_ema"] = True
        args["ema_momentum"] = pick(0.99, 0.9, float(rng.uniform(0.0, 1.0)), 0.0, 1.0)
        args["ema_overwrite_frequency"] = pick(None, 0, 1, int(rng.integers(2, 6)))
    elif chance(0.1):
        # Not validated and unused without EMA, but still part of the config.
        args["ema_momentum"] = float(rng.uniform(0.0, 1.0))
    if chance(0.25):
        args["loss_scale_factor"] = pick(128.0, 3.0, 0.5, log_uniform(1e-2, 1e4))
    if chance(0.3):
        args["gradient_accumulation_steps"] = pick(0, 2, 3, 4, int(rng.integers(2, 7)))
    if chance(0.4):
        args["name"] = pick("adadelta", "opt", "my_adadelta_%d" % int(rng.integers(100)))

    lso = None
    if chance(0.2):
        lso = {"initial_scale": pick(32768.0, 1024.0, 1.0, 2.0 ** int(rng.integers(-4, 20)), 3.0),
               "dynamic_growth_steps": int(rng.integers(1, 6))}
        if chance(0.5):
            lso["name"] = pick("loss_scale_optimizer", "lso")

    dtypes = pick(("float32", "float32"), ("float32", "float32"), ("float64", "float64"),
                  ("float64", "float32"))  # (variable dtype, gradient dtype)
    if args.get("gradient_accumulation_steps"):
        # TensorFlow cannot add float32 gradients to float64 accumulators (InvalidArgumentError in AddV2),
        # where numpy promotes; such runs fail in Keras itself, so none is drawn.
        dtypes = (dtypes[0], dtypes[0])
    count = int(rng.integers(1, 4))
    names = [str(n) for n in rng.choice(VARIABLE_NAMES, size=count, replace=False)]
    shapes = [draw_shape(rng, pick) for _ in names]

    exclude = None
    if "weight_decay" in args and chance(0.5):
        exclude = pick([names[0]], [names[-1]], ["ker"], ["^b", "emb"], ["nomatch"])

    clipped = "clipnorm" in args or "global_clipnorm" in args
    steps = int(rng.integers(4, 9)) if clipped else int(rng.integers(6, 21))
    events = draw_events(rng, pick, chance, names, shapes, steps, lso is not None)
    return {"adadelta": args, "loss_scale_optimizer": lso, "exclude_from_weight_decay": exclude,
            "variable_dtype": dtypes[0], "gradient_dtype": dtypes[1], "variables": names,
            "shapes": shapes, "steps": steps, "grad_magnitude": pick(1.0, 1.0, 1e-3, 1e3),
            "events": events}


def draw_schedule(rng, pick, log_uniform, chance):
    kind = pick(*SCHEDULES)
    init = pick(1.0, 0.1, log_uniform(1e-4, 2.0))
    steps = int(rng.integers(1, 30))
    if kind == "ExponentialDecay":
        cfg = {"initial_learning_rate": init, "decay_steps": steps,
               "decay_rate": pick(0.5, 0.96, float(rng.uniform(0.05, 1.5))), "staircase": chance(0.5)}
    elif kind == "PiecewiseConstantDecay":
        n = int(rng.integers(1, 5))
        bounds = sorted(int(b) for b in rng.choice(np.arange(0, 30), size=n, replace=False))
        cfg = {"boundaries": bounds, "values": [pick(1.0, 0.5, log_uniform(1e-4, 2.0)) for _ in range(n + 1)]}
    elif kind == "PolynomialDecay":
        cfg = {"initial_learning_rate": init, "decay_steps": steps,
               "end_learning_rate": pick(0.0001, 0.0, log_uniform(1e-5, 0.5)),
               "power": pick(1.0, 2.0, 0.5, float(rng.uniform(0.1, 4.0))), "cycle": chance(0.5)}
    elif kind == "InverseTimeDecay":
        cfg = {"initial_learning_rate": init, "decay_steps": steps,
               "decay_rate": pick(0.5, float(rng.uniform(0.0, 3.0))), "staircase": chance(0.5)}
    elif kind == "CosineDecay":
        cfg = {"initial_learning_rate": init, "decay_steps": steps, "alpha": pick(0.0, float(rng.uniform(0.0, 1.0)))}
        if chance(0.5):
            cfg["initial_learning_rate"] = pick(0.0, init)
            cfg["warmup_target"] = pick(1.0, log_uniform(1e-3, 2.0))
            cfg["warmup_steps"] = int(rng.integers(0, 12))
    else:
        cfg = {"initial_learning_rate": init, "first_decay_steps": steps,
               "t_mul": pick(2.0, 1.0, float(rng.uniform(0.5, 3.0))), "m_mul": pick(1.0, float(rng.uniform(0.2, 1.0))),
               "alpha": pick(0.0, float(rng.uniform(0.0, 1.0)))}
    if chance(0.2):
        cfg["name"] = "my_" + kind.lower()
    return {"class_name": kind, "config": cfg}


def draw_shape(rng, pick):
    kind = pick("scalar", "vector", "matrix", "large")
    if kind == "scalar":
        return []
    if kind == "vector":
        return [int(rng.integers(1, 20))]
    if kind == "matrix":
        return [int(rng.integers(1, 9)), int(rng.integers(1, 9))]
    # More than 128 elements: numpy's and TF's reductions take their blocked/pairwise paths.
    return pick([int(rng.integers(129, 700))], [int(rng.integers(9, 40)), int(rng.integers(9, 40))])


def draw_events(rng, pick, chance, names, shapes, steps, lso):
    """Per step and variable: a normal gradient, or NaN/inf/-inf at one element, all zeros, or None."""
    events = []
    for step in range(steps):
        row = []
        for shape in shapes:
            size = int(np.prod(shape)) if shape else 1
            e = None
            if chance(0.1 if lso else 0.06):
                e = {"kind": pick("nan", "inf", "-inf"), "element": int(rng.integers(size))}
            elif chance(0.05):
                e = {"kind": "zero"}
            elif chance(0.08):
                e = {"kind": "none"}
            row.append(e)
        if all(e is not None and e["kind"] == "none" for e in row):
            row[int(rng.integers(len(row)))] = None  # Keras raises when every gradient is None
        events.append(row)
    return events


# ---------------------------------------------------------------- running it in Keras

def build_optimizer(drawn):
    args = dict(drawn["adadelta"])
    lr = args["learning_rate"]
    if isinstance(lr, dict):
        args["learning_rate"] = getattr(keras.optimizers.schedules, lr["class_name"])(**lr["config"])
    opt = keras.optimizers.Adadelta(**args)
    if drawn["exclude_from_weight_decay"] is not None:
        opt.exclude_from_weight_decay(var_names=drawn["exclude_from_weight_decay"])
    if drawn["loss_scale_optimizer"] is not None:
        return keras.optimizers.LossScaleOptimizer(opt, **drawn["loss_scale_optimizer"]), opt
    return opt, opt


def base_gradients(rng, drawn, step):
    """Standard normals times a per-step magnitude; the event of each variable applied."""
    gdt = np.dtype(drawn["gradient_dtype"])
    scale = drawn["grad_magnitude"] * [1.0, 1.0, 1.0, 100.0, 1e-4][step % 5]
    out = []
    for shape, event in zip(drawn["shapes"], drawn["events"][step]):
        g = (rng.standard_normal(shape) * scale).astype(gdt)
        g = np.asarray(g, dtype=gdt).reshape(shape)
        if event is not None:
            if event["kind"] == "none":
                g = None
            elif event["kind"] == "zero":
                g = np.zeros(shape, dtype=gdt)
            else:
                flat = g.reshape(-1).copy()
                flat[event["element"]] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}[event["kind"]]
                g = flat.reshape(shape)
        out.append(g)
    return out


def num(x):
    x = float(x)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def flat(value):
    a = np.asarray(value)
    if a.dtype.kind in "iu":
        return [int(x) for x in a.reshape(-1)]
    return [num(x) for x in a.reshape(-1)]


def dtype_name(variable):
    d = str(variable.dtype)
    return "int32" if d == "int64" else d  # TensorFlow's int64 counters, recorded as the schema's int32


def layout(outer, inner, model_vars):
    """opt.variables with owner, role and model variable, found by object identity."""
    roles = {}

    def own(opt, owner):
        roles[id(opt._iterations)] = (owner, "iteration", None)
        if isinstance(opt._learning_rate, keras.Variable):
            roles[id(opt._learning_rate)] = (owner, "learning_rate", None)

    lso = outer is not inner
    own(outer, "outer" if lso else "optimizer")
    if lso:
        roles[id(outer.step_counter)] = ("outer", "step_counter", None)
        roles[id(outer.dynamic_scale)] = ("outer", "dynamic_scale", None)
        own(inner, "inner")
    owner = "inner" if lso else "optimizer"
    slots = [("average", getattr(inner, "_model_variables_moving_average", None)),
             ("gradient_accumulator", getattr(inner, "_accumulated_gradients", None)),
             ("accumulated_grad", inner._accumulated_grads),
             ("accumulated_delta_var", inner._accumulated_delta_vars)]
    for role, slot_list in slots:
        for slot, mv in zip(slot_list or [], model_vars):
            roles[id(slot)] = (owner, role, mv.name)
    entries = []
    for index, v in enumerate(outer.variables):
        owner_name, role, model_variable = roles[id(v)]
        entries.append({"path": v.path, "name": v.name, "owner": owner_name, "role": role,
                        "model_variable": model_variable, "shape": list(v.shape), "dtype": dtype_name(v),
                        "index": index, "initial": flat(v.numpy())})
    return entries


def norm_clipped(drawn):
    args = drawn["adadelta"]
    return any((args.get(k) or 0) > 0 for k in ("clipnorm", "global_clipnorm"))


def observe_clipping(inner, calls):
    """Wraps the inner optimizer's ``_clip_gradients`` (the one place base_optimizer clips, after the
    loss-scale division and the accumulation average; with TensorFlow it runs ``tf.clip_by_norm`` per tensor
    or the module's ``clip_by_global_norm``) so that each call's gradients in and out are kept, as Keras
    computed them. Its list holds the present gradients only, in variable order."""
    original = inner._clip_gradients

    def recording(grads):
        clipped = original(grads)
        calls.append(([np.asarray(g) for g in grads], [np.asarray(g) for g in clipped]))
        return clipped

    object.__setattr__(inner, "_clip_gradients", recording)  # not a trackable attribute


def clip_record(calls, grads):
    """The step's clipping call as flat lists per variable (null where the gradient was None), or None."""
    if not calls:
        return None
    if len(calls) > 1:
        raise AssertionError("%d clipping calls in one apply" % len(calls))
    ins, outs = calls[0]
    present = [i for i, g in enumerate(grads) if g is not None]
    if len(ins) != len(present) or len(outs) != len(present):
        raise AssertionError("clipping saw %d gradients, %d are present" % (len(ins), len(present)))
    clip_in, clip_out = [None] * len(grads), [None] * len(grads)
    for k, i in enumerate(present):
        clip_in[i], clip_out[i] = flat(ins[k]), flat(outs[k])
    return {"clip_input": clip_in, "clip_output": clip_out}


def state(outer):
    return {v.path: flat(v.numpy()) for v in outer.variables}


def run_config(seed, index, drawn):
    rng = np.random.default_rng([seed, index, 1])  # values, independent of the drawing stream
    outer, inner = build_optimizer(drawn)
    config = keras.optimizers.serialize(outer)
    vdt = drawn["variable_dtype"]
    model_vars = [keras.Variable(rng.standard_normal(shape).astype(vdt), name=name, dtype=vdt)
                  for name, shape in zip(drawn["variables"], drawn["shapes"])]
    with keras_backend.name_scope(outer.name, caller=outer):  # exactly as apply() builds
        outer.build(model_vars)
    outer.built = True
    variables = [{"name": v.name, "path": v.path, "shape": list(v.shape), "dtype": vdt, "initial": flat(v.numpy())}
                 for v in model_vars]
    optimizer_variables = layout(outer, inner, model_vars)
    is_lso = outer is not inner
    premultiplier = drawn["adadelta"].get("loss_scale_factor") if not is_lso else None
    clip_calls = []
    if norm_clipped(drawn):
        observe_clipping(inner, clip_calls)

    steps = []
    for step in range(drawn["steps"]):
        grads = base_gradients(rng, drawn, step)
        gdt = np.dtype(drawn["gradient_dtype"])
        if premultiplier is not None:
            grads = [None if g is None else g * gdt.type(premultiplier) for g in grads]
        if is_lso:
            # What scale_loss(loss) would give: every gradient times the current dynamic scale.
            s = gdt.type(outer.dynamic_scale.numpy())
            grads = [None if g is None else (g * s).astype(gdt) for g in grads]
        raw_before = int(inner._iterations.numpy())
        lr_used = np.asarray(inner.learning_rate)
        clip_calls.clear()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outer.apply(grads, model_vars)
        record = {"step": step, "grads": [None if g is None else flat(g) for g in grads],
                  "raw_iterations_before": raw_before, "lr_used": num(lr_used), "lr_used_dtype": str(lr_used.dtype),
                  "variables": {v.name: flat(v.numpy()) for v in model_vars},
                  "iterations": int(np.asarray(outer.iterations)), "raw_iterations": int(inner._iterations.numpy()),
                  "learning_rate": num(np.asarray(inner.learning_rate)), "optimizer_variables": state(outer)}
        clipping = clip_record(clip_calls, grads)
        if clipping is not None:  # absent: no clipping this step (accumulation micro-step, LSO skip)
            record.update(clipping)
        # numpy's floating-point RuntimeWarnings (inf - inf inside Keras) are informational, as in the goldens.
        texts = ["%s: %s" % (w.category.__name__, w.message) for w in caught if w.category is not RuntimeWarning]
        fp = ["%s" % w.message for w in caught if w.category is RuntimeWarning]
        if texts:
            record["warnings"] = texts
        if fp:
            record["numpy_fp_warnings"] = fp
        steps.append(record)

    outer.finalize_variable_values(model_vars)
    return {
        "schema_version": 1,
        "case": "differential_%d_%04d" % (seed, index),
        "description": "differential config " + json.dumps(drawn),
        "keras_version": keras.__version__,
        "keras_commit": "pip " + keras.__version__,
        "backend": keras.backend.backend(),
        "dtype_promotion": "tensorflow-backend (float64 preserved)",
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "optimizer_class": type(outer).__name__,
        "config": config,
        "exclude_from_weight_decay": None if drawn["exclude_from_weight_decay"] is None
        else {"var_names": drawn["exclude_from_weight_decay"]},
        "gradient_dtype": drawn["gradient_dtype"],
        "gradient_premultiplier": premultiplier,
        "lso_gradients_scaled_by_dynamic_scale": is_lso,
        "num_steps": drawn["steps"],
        "variables": variables,
        "optimizer_variables": optimizer_variables,
        "steps": steps,
        "after_finalize": {"variables": {v.name: flat(v.numpy()) for v in model_vars},
                           "optimizer_variables": state(outer)},
        "metadata_normalized": "iteration dtype int64 (TensorFlow backend) recorded as int32",
        "differential_seed": seed,
        "differential_index": index,
        "differential": drawn,
    }


def coverage(drawn_configs):
    """What a batch exercised, one count per feature, for the test's log."""
    counts = {}

    def count(key, n=1):
        counts[key] = counts.get(key, 0) + n

    for d in drawn_configs:
        args = d["adadelta"]
        lr = args["learning_rate"]
        count(lr["class_name"] if isinstance(lr, dict) else "float lr")
        if isinstance(lr, dict) and "warmup_target" in lr["config"]:
            count("CosineDecay warmup")
        for key in ("weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "loss_scale_factor", "name"):
            if key in args:
                count(key)
        if args.get("use_ema"):
            count("use_ema")
            if args.get("ema_overwrite_frequency"):
                count("ema_overwrite_frequency")
        if args.get("gradient_accumulation_steps"):
            count("gradient_accumulation_steps")
        if d["exclude_from_weight_decay"]:
            count("exclude_from_weight_decay")
        if d["loss_scale_optimizer"]:
            count("LossScaleOptimizer")
        count("%s variables/%s gradients" % (d["variable_dtype"], d["gradient_dtype"]))
        count("variables > 128 elements", sum(1 for s in d["shapes"] if int(np.prod(s)) > 128))
        count("scalar variables", sum(1 for s in d["shapes"] if not s))
        count("steps", d["steps"])
        for row in d["events"]:
            for e in row:
                if e is not None:
                    count(e["kind"] + " gradients")
    return ", ".join("%s %d" % kv for kv in sorted(counts.items()))


def main():
    seed, count, out_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    os.makedirs(out_dir, exist_ok=True)
    drawn_configs = []
    for index in range(first, first + count):
        drawn = draw_config(np.random.default_rng([seed, index]))
        drawn_configs.append(drawn)
        case = run_config(seed, index, drawn)
        path = os.path.join(out_dir, "config_%04d.json" % index)
        with open(path + ".tmp", "w") as f:
            json.dump(case, f, allow_nan=False)
        os.replace(path + ".tmp", path)
    with open(os.path.join(out_dir, "coverage.txt"), "w") as f:
        f.write(coverage(drawn_configs) + "\n")
    print("recorded %d configurations of seed %d in %s" % (count, seed, out_dir))


if __name__ == "__main__":
    main()
