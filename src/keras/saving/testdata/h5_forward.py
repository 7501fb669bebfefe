"""An independent forward pass of a Keras .h5 Sequential model, for tests.

Reads the model_config and weights with h5py and computes the outputs with
NumPy in float64, without cairn or Keras:

    /usr/bin/python3 h5_forward.py MODEL.h5 DATA.csv    -> JSON [[outputs...], ...]

DATA.csv: rows of numbers, the first line skipped when it is not all numbers
(TensorFlow's Iris header); only the model's input width is used per row.
"""
import json
import sys

import h5py
import numpy as np


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def activation(name, x):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "elu":
        return np.where(x > 0, x, np.exp(x) - 1)
    if name == "softmax":
        e = np.exp(x - x.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise SystemExit("unknown activation " + name)


def layer_weights(group):
    """{'kernel': array, 'bias': array} of a model_weights/<layer> group."""
    found = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            base = name.split("/")[-1].split(":")[0]
            found[base] = obj[()].astype(np.float64)
    group.visititems(visit)
    return found


def read_rows(path, width):
    rows = []
    with open(path) as f:
        for line in f:
            fields = line.strip().split(",")
            try:
                rows.append([float(v) for v in fields[:width]])
            except ValueError:
                continue  # a header
    return np.array(rows, dtype=np.float64)


def main():
    model_path, csv_path = sys.argv[1], sys.argv[2]
    f = h5py.File(model_path, "r")
    config = json.loads(text(f.attrs["model_config"]))
    layers = config["config"]
    if isinstance(layers, dict):
        layers = layers["layers"]
    weights = f["model_weights"]
    x = None
    for layer in layers:
        cls, cfg = layer["class_name"], layer["config"]
        if cls == "Dense":
            w = layer_weights(weights[cfg["name"]])
            if x is None:
                x = read_rows(csv_path, w["kernel"].shape[0])
            x = x @ w["kernel"] + (w["bias"] if "bias" in w else 0)
            act = cfg.get("activation")
            x = activation(act if isinstance(act, str) else None, x)
        elif cls == "Activation":
            x = activation(cfg["activation"], x)
        elif cls not in ("Dropout", "InputLayer"):
            raise SystemExit("unsupported layer " + cls)
    print(json.dumps(x.tolist()))


main()
