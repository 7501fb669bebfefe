#!/usr/bin/python3
"""PyTorch's side of `cairn-bench train`: the same models, optimisers, batches and data.

One process, one model, prints ONE JSON object on stdout (the keys `cairn-bench train` prints):

  /usr/bin/python3 scripts/bench/train_torch.py --model iris --threads 1 --seconds 3 --json
  {"model": "iris", "threads": 1, "batch": 100, "steps_per_s": .., "samples_per_s": ..,
   "gflops": .., "flops_per_step": .., "flops_formula": ".."}
  /usr/bin/python3 scripts/bench/train_torch.py --model mnist --epochs 3 --checkpoint sync \
      --dir DIR --json
  {... "epoch_seconds": [..], "save_blocking_seconds": [..], "save_total_seconds": [..]}

Models (as cairn's, see bench/bench_train.h):
  iris   4-10(relu)-10(relu)-3, softmax cross-entropy, batch 100, Adagrad lr 0.05 with
         initial accumulator 0.1 (DNNClassifier's defaults), 120 synthetic Iris-like examples
  mnist  784-512(relu)-Dropout(0.2)-10, sparse categorical cross-entropy, batch 32, Adam lr 1e-3
         epsilon 1e-7 (Keras's), Fashion-MNIST from /usr/share/datasets/fashion-mnist scaled
         to [0, 1]
  mlp    784-4096(relu)-4096(relu)-10, softmax cross-entropy, batch 256, SGD lr 0.01,
         2048 random samples
  cnn    Conv2d 1->32 3x3, ReLU, MaxPool2d 2, Conv2d 32->64 3x3, ReLU, MaxPool2d 2, Flatten,
         1600-128(relu)-10, softmax cross-entropy, batch 64, Adam lr 1e-3 epsilon 1e-7,
         Fashion-MNIST as 1x28x28 images (NCHW, torch's own layout)
  lstm   Embedding 10000->64, LSTM 128 (batch_first), Linear 128->1 on the last hidden state,
         sigmoid cross-entropy (BCEWithLogitsLoss), batch 64, Adam lr 1e-3 epsilon 1e-7,
         2048 random sequences of 200 ids in [1, 10000) with random 0/1 labels
--threads T sets torch.set_num_threads(T) and OPENBLAS_NUM_THREADS=T (Debian's torch runs its
matrix products in OpenBLAS, whose pool torch's setting does not size). Otherwise torch runs with
its defaults: denormals are not flushed to zero (--flush-denormal sets
torch.set_flush_denormal(True), as TensorFlow and cairn's optimizers flush them).
Speed runs: shuffled epochs; the first steps (at least 0.3 s and 3 steps) are warm-up and not
timed; then steps run for --seconds. Checkpoint runs: --epochs whole epochs, each ending with
torch.save({"model": state_dict, "optimizer": state_dict}, DIR/cp-EEEE.pt) and fsync
(--checkpoint sync), timed inside the epoch.
"""
import argparse
import gzip
import json
import os
import sys
import time

from bench_common import fsync_dir  # stdlib only: safe before numpy/torch

np = None  # numpy, imported by main() once OPENBLAS_NUM_THREADS is set

FASHION = "/usr/share/datasets/fashion-mnist"
FLOPS_FORMULA = ("per layer with weights doing m multiply-adds per sample, batch B: forward "
                 "2*B*m + weight gradient 2*B*m + input gradient 2*B*m except for the first "
                 "layer; m = in*out for Dense, out_h*out_w*kh*kw*in*filters for Conv2D, "
                 "timesteps*(features+units)*4*units for LSTM, 0 for Embedding")
MODELS = ["iris", "mnist", "mlp", "cnn", "lstm"]


def load_iris():
    """120 examples like Iris's training set, as `cairn-bench train` makes them: 4 features
    around a per-class mean (the values do not change the speed)."""
    rng = np.random.default_rng(42)
    means = np.array([[1.5, 0.2, 5.0, 3.4], [4.3, 1.3, 5.9, 2.8], [5.6, 2.0, 6.6, 3.0]],
                     dtype=np.float32)
    y = np.arange(120) % 3
    x = means[y] + rng.normal(0.0, 0.4, (120, 4)).astype(np.float32)
    return x.astype(np.float32), y.astype(np.int64)


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist():
    x = read_idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    return x, read_idx("train-labels-idx1-ubyte.gz").astype(np.int64)


def load_random(samples, features, classes):
    rng = np.random.default_rng(42)
    x = rng.standard_normal((samples, features), dtype=np.float32)
    return x, rng.integers(0, classes, samples).astype(np.int64)


def load_sequences(samples, steps, vocabulary):
    rng = np.random.default_rng(42)
    x = rng.integers(1, vocabulary, (samples, steps)).astype(np.int64)
    return x, rng.integers(0, 2, (samples, 1)).astype(np.float32)


def dense_macs(widths):
    return [i * o for i, o in zip(widths[:-1], widths[1:])]


def make_lstm_classifier(torch):
    nn = torch.nn

    class LstmClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(10000, 64)
            self.lstm = nn.LSTM(64, 128, batch_first=True)
            self.dense = nn.Linear(128, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.embedding(ids))
            return self.dense(h[-1])

    return LstmClassifier()


def make_model(torch, name):
    """(model, optimizer, loss, batch, multiply-adds per sample of each layer with weights,
    (x, y))."""
    nn = torch.nn
    if name == "iris":
        model = nn.Sequential(nn.Linear(4, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(),
                              nn.Linear(10, 3))
        opt = torch.optim.Adagrad(model.parameters(), lr=0.05, initial_accumulator_value=0.1)
        return model, opt, nn.CrossEntropyLoss(), 100, dense_macs([4, 10, 10, 3]), load_iris()
    if name == "mnist":
        model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        return model, opt, nn.CrossEntropyLoss(), 32, dense_macs([784, 512, 10]), load_mnist()
    if name == "cnn":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        x, y = load_mnist()
        macs = [26 * 26 * 9 * 32, 11 * 11 * 288 * 64] + dense_macs([1600, 128, 10])
        return model, opt, nn.CrossEntropyLoss(), 64, macs, (x.reshape(-1, 1, 28, 28), y)
    if name == "lstm":
        model = make_lstm_classifier(torch)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        macs = [0, 200 * (64 + 128) * 4 * 128, 128]
        return (model, opt, nn.BCEWithLogitsLoss(), 64, macs,
                load_sequences(2048, 200, 10000))
    model = nn.Sequential(nn.Linear(784, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
                          nn.Linear(4096, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    return (model, opt, nn.CrossEntropyLoss(), 256, dense_macs([784, 4096, 4096, 10]),
            load_random(2048, 784, 10))


def flops_per_step(macs, batch):
    """Forward and weight gradient of every layer, input gradient of all but the first."""
    return sum((4 if i == 0 else 6) * batch * m for i, m in enumerate(macs))


class Trainer:
    def __init__(self, torch, name, seed=0):
        torch.manual_seed(seed)
        self.torch = torch
        self.model, self.opt, self.loss, self.batch, self.macs, (x, y) = make_model(torch, name)
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.gen = torch.Generator().manual_seed(seed)
        self.order, self.pos = None, 0
        self.model.train()

    def next_batch(self):
        """The next batch of a shuffled pass; a new permutation when one runs out."""
        n = self.x.shape[0]
        if self.order is None or self.pos + self.batch > n:
            self.order, self.pos = self.torch.randperm(n, generator=self.gen), 0
        idx = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return self.x[idx], self.y[idx]

    def step(self, x, y):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss

    def epoch(self):
        n = self.x.shape[0]
        order = self.torch.randperm(n, generator=self.gen)
        for begin in range(0, n, self.batch):
            idx = order[begin:begin + self.batch]
            self.step(self.x[idx], self.y[idx])


def speed(trainer, seconds):
    warm_start, warm = time.perf_counter(), 0
    while warm < 3 or time.perf_counter() - warm_start < 0.3:
        trainer.step(*trainer.next_batch())
        warm += 1
    steps, start = 0, time.perf_counter()
    while True:
        trainer.step(*trainer.next_batch())
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return steps, elapsed


def save(torch, trainer, path):
    state = {"model": trainer.model.state_dict(), "optimizer": trainer.opt.state_dict()}
    with open(path, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    fsync_dir(os.path.dirname(path) or ".")


def checkpoint_run(torch, trainer, args):
    epochs, saves = [], []
    for e in range(args.epochs):
        start = time.perf_counter()
        trainer.epoch()
        if args.checkpoint == "sync":
            save_start = time.perf_counter()
            save(torch, trainer, os.path.join(args.dir, "cp-%04d.pt" % (e + 1)))
            saves.append(time.perf_counter() - save_start)
        epochs.append(time.perf_counter() - start)
    return epochs, saves


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=MODELS, required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--epochs", type=int, default=0, help="checkpoint run: whole epochs")
    p.add_argument("--checkpoint", choices=["none", "sync"], default="none")
    p.add_argument("--dir", default="", help="where --checkpoint sync saves")
    p.add_argument("--flush-denormal", action="store_true",
                   help="torch.set_flush_denormal(True) (default: torch's default, off)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.checkpoint == "sync" and (not args.dir or args.epochs < 1):
        p.error("--checkpoint sync needs --dir and --epochs")
    # torch.set_num_threads() sizes torch's own pool only; the OpenBLAS that runs
    # its matrix products (and numpy's) reads its thread count when loaded.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    global np
    import numpy as np
    try:
        import torch
    except ImportError:
        print("train_torch.py: torch is not installed (apt-get install python3-torch)",
              file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    if args.flush_denormal:
        torch.set_flush_denormal(True)
    trainer = Trainer(torch, args.model)
    flops = flops_per_step(trainer.macs, trainer.batch)
    doc = {"model": args.model, "threads": args.threads, "batch": trainer.batch}
    if args.epochs > 0:
        epochs, saves = checkpoint_run(torch, trainer, args)
        total = sum(epochs)
        steps = args.epochs * -(-trainer.x.shape[0] // trainer.batch)
        doc.update(epoch_seconds=epochs, save_blocking_seconds=saves, save_total_seconds=saves)
    else:
        steps, total = speed(trainer, args.seconds)
    doc.update(steps_per_s=steps / total, samples_per_s=steps * trainer.batch / total,
               gflops=flops * steps / total / 1e9, flops_per_step=flops,
               flops_formula=FLOPS_FORMULA, seconds=total, steps=steps,
               torch=torch.__version__, flush_denormal=args.flush_denormal)
    if args.json:
        print(json.dumps(doc))
    else:
        print("%s (torch %s, %d threads, batch %d): %.1f steps/s, %.0f samples/s, %.2f GFLOP/s"
              % (args.model, torch.__version__, args.threads, trainer.batch, doc["steps_per_s"],
                 doc["samples_per_s"], doc["gflops"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
