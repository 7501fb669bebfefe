"""Section `train` of the benchmark driver (scripts/bench/run_bench.py).

Training speed of `cairn-bench train` against PyTorch (scripts/bench/train_torch.py)
on the same models and thread counts, GEMM peak from `cairn-bench gemm`, and the
cost of checkpointing during training (none / sync / async).

Everything these commands are called with and every JSON key read from them is
in CONFIG below: change names there, nowhere else. A command that is absent or
fails gives a "not available" line, never an error.
"""
import os
import shutil

from bench_common import HERE, PYTHON, fmt, median, progress, ratio, run_json, verdict

CONFIG = {
    "models": ["iris", "mnist", "mlp", "cnn", "lstm"],
    "cairn_train": ["{cairn_bench}", "train", "--model", "{model}", "--threads", "{threads}",
                    "--seconds", "{seconds}", "--json"],
    "torch_train": [PYTHON, os.path.join(HERE, "train_torch.py"), "--model", "{model}",
                    "--threads", "{threads}", "--seconds", "{seconds}", "--json"],
    "cairn_gemm": ["{cairn_bench}", "gemm", "--threads", "{threads}", "--json"],
    # Seconds timed after the warm-up, the same for both trainers. The large MLP
    # runs about 4 steps/s on one thread: 12 s gives each of its 5 windows ~10
    # steps, so one slow moment of a shared machine cannot decide its verdict.
    # The LSTM runs about one step per second in PyTorch on one thread: 10 s.
    "train_seconds": {"iris": 3, "mnist": 3, "mlp": 12, "cnn": 5, "lstm": 10},
    "speed_keys": [("steps_per_s", "steps/s"), ("samples_per_s", "samples/s"),
                   ("gflops", "GFLOP/s")],
    "gemm_key": "gflops",
    # The GEMM peak is the best of 5 products; the model's figure set against it
    # is the best of 5 windows of consecutive steps (the same statistic), shown
    # beside the whole run's mean.
    "window_key": "best_window_gflops",
    # (model, key, compared with "torch" or "gemm", at least this ratio)
    "speed_targets": [("iris", "steps_per_s", "torch", 5.0),
                      ("mnist", "samples_per_s", "torch", 1.5),
                      ("mlp", "best_window_gflops", "gemm", 0.8),
                      ("cnn", "samples_per_s", "torch", 1.5),
                      ("lstm", "samples_per_s", "torch", 1.5),
                      ("cnn", "conv_best_window_gflops", "gemm", 0.6)],
    # `train --model cnn` also times its two Conv2D layers alone (forward and
    # backward as fit() runs them): mean and best-window GFLOP/s.
    "conv_model": "cnn",
    "conv_keys": [("conv_gflops", "conv GFLOP/s"),
                  ("conv_best_window_gflops", "conv best window GFLOP/s")],
    "ckpt_model": "mnist",
    "ckpt_epochs": 3,
    # One thread on both sides: the overhead is measured within a trainer, and a
    # pinned count keeps it from depending on how busy the other core is.
    "ckpt_threads": 1,
    "ckpt_cairn": ["{cairn_bench}", "train", "--model", "{model}", "--epochs", "{epochs}",
                   "--checkpoint", "{mode}", "--dir", "{dir}", "--threads", "{threads}",
                   "--json"],
    "ckpt_torch": [PYTHON, os.path.join(HERE, "train_torch.py"), "--model", "{model}",
                   "--epochs", "{epochs}", "--checkpoint", "{mode}", "--dir", "{dir}",
                   "--threads", "{threads}", "--json"],
    "ckpt_runs": [("cairn", "none"), ("cairn", "sync"), ("cairn", "async"),
                  ("torch", "none"), ("torch", "sync")],
    # Whole runs per trainer, interleaved none/sync/async so that drift in the
    # machine's speed hits every mode alike; medians of the totals are compared.
    "ckpt_repeats": {"cairn": 3, "torch": 3},
    "epoch_key": "epoch_seconds",
    "blocking_key": "save_blocking_seconds",
    "total_key": "save_total_seconds",
    "ckpt_target": ("cairn", "async", 2.0),  # overhead % vs none below this
    "timeout_seconds": 1800,
}


def command(name, **values):
    return [part.format(**values) for part in CONFIG[name]]


class Failures:
    """One "not available" line per command and reason, however many calls failed."""

    def __init__(self):
        self.seen = {}

    def add(self, what, call, err):
        self.seen.setdefault((what, err), []).append(call)

    def report(self, rep):
        for (what, err), calls in self.seen.items():
            rep.line("- %s: not available (%s) [%s]" % (what, err, ", ".join(calls)))


def speed_table(rep, args, threads_list):
    results, gemm, failures = {}, {}, Failures()
    for threads in threads_list:
        progress("gemm, %d threads" % threads)
        doc, err = run_json(command("cairn_gemm", cairn_bench=args.cairn_bench, threads=threads),
                            CONFIG["timeout_seconds"])
        gemm[threads] = (doc or {}).get(CONFIG["gemm_key"])
        if err:
            failures.add("cairn-bench gemm", "%d threads" % threads, err)
        for model in CONFIG["models"]:
            for trainer in ("cairn", "torch"):
                progress("train %s with %s, %d threads" % (model, trainer, threads))
                doc, err = run_json(command(trainer + "_train", cairn_bench=args.cairn_bench, model=model,
                                            threads=threads,
                                            seconds=CONFIG["train_seconds"][model]), CONFIG["timeout_seconds"])
                results[(trainer, model, threads)] = doc or {}
                if err:
                    failures.add(trainer + " train", "%s/%d" % (model, threads), err)
    rows = []
    for threads in threads_list:
        for model in CONFIG["models"]:
            cairn, torch = results[("cairn", model, threads)], results[("torch", model, threads)]
            row = [model, str(threads)]
            for key, _ in CONFIG["speed_keys"]:
                row += [fmt(cairn.get(key), 1), fmt(torch.get(key), 1)]
            # Same model, batch and FLOP count on both sides: one ratio says it all.
            key = CONFIG["speed_keys"][0][0]
            row += [fmt(ratio(cairn.get(key), torch.get(key))),
                    fmt(ratio(cairn.get(CONFIG["gemm_key"]), gemm[threads])),
                    fmt(ratio(cairn.get(CONFIG["window_key"]), gemm[threads]))]
            rows.append(row)
    failures.report(rep)
    rep.line()
    headers = ["model", "threads"]
    for _, label in CONFIG["speed_keys"]:
        headers += ["cairn " + label, "torch " + label]
    rep.table(headers + ["cairn / torch", "cairn GFLOP/s / gemm", "best window / gemm"], rows)
    rep.table(["threads", "cairn gemm GFLOP/s"], [[str(t), fmt(gemm[t], 1)] for t in threads_list])
    conv_table(rep, results, gemm, threads_list)
    rep.line("Both trainers time each model for the same seconds after a warm-up (%s)." % ", ".join(
        "%s %g s" % item for item in CONFIG["train_seconds"].items()))
    rep.line()
    rep.line("Targets:")
    for model, key, against, target in CONFIG["speed_targets"]:
        for threads in threads_list:
            c = results[("cairn", model, threads)].get(key)
            base = gemm[threads] if against == "gemm" else results[(against, model,
                                                                    threads)].get(key)
            r = ratio(c, base)
            rep.line("- %s %s, %d threads: cairn / %s = %s (target >= %.2f): %s" % (
                model, key, threads, against, fmt(r), target,
                verdict(None if r is None else r >= target)))
    rep.line()


def conv_table(rep, results, gemm, threads_list):
    """The CNN's convolutions timed alone, against the GEMM peak of the same thread count."""
    rows = []
    for threads in threads_list:
        doc = results[("cairn", CONFIG["conv_model"], threads)]
        row = [str(threads)] + [fmt(doc.get(key), 2) for key, _ in CONFIG["conv_keys"]]
        best = doc.get(CONFIG["conv_keys"][-1][0])
        rows.append(row + [fmt(gemm[threads], 1), fmt(ratio(best, gemm[threads]))])
    rep.line("**%s: its Conv2D layers alone, forward and backward**" % CONFIG["conv_model"])
    rep.line()
    rep.table(["threads"] + [label for _, label in CONFIG["conv_keys"]] +
              ["gemm GFLOP/s", "best window / gemm"], rows)


def ckpt_table(rep, args, epochs):
    model = CONFIG["ckpt_model"]
    runs, failures, broken = {}, Failures(), set()
    for round_ in range(max(CONFIG["ckpt_repeats"].values())):
        for trainer, mode in CONFIG["ckpt_runs"]:
            if round_ >= CONFIG["ckpt_repeats"][trainer] or (trainer, mode) in broken:
                continue
            d = os.path.join(args.dir, "train-ckpt-%s-%s" % (trainer, mode))
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            progress("checkpointing: %s %s, round %d" % (trainer, mode, round_ + 1))
            doc, err = run_json(command("ckpt_" + trainer, cairn_bench=args.cairn_bench, model=model,
                                        epochs=epochs, mode=mode, dir=d,
                                        threads=CONFIG["ckpt_threads"]),
                                CONFIG["timeout_seconds"])
            shutil.rmtree(d, ignore_errors=True)
            if err:
                failures.add(trainer + " train --checkpoint", mode, err)
                broken.add((trainer, mode))
                continue
            runs.setdefault((trainer, mode), []).append(doc)
    rows, totals = [], {}
    for trainer, mode in CONFIG["ckpt_runs"]:
        docs = runs.get((trainer, mode))
        if not docs:
            continue
        epoch_s = [e for doc in docs for e in doc.get(CONFIG["epoch_key"]) or []]
        sums = [sum(doc.get(CONFIG["epoch_key"]) or []) for doc in docs]
        totals[(trainer, mode)] = median(sums)
        blocking = [b for doc in docs for b in doc.get(CONFIG["blocking_key"]) or []]
        total = [t for doc in docs for t in doc.get(CONFIG["total_key"]) or []]
        rows.append([trainer, mode, str(len(docs)), fmt(median(epoch_s), 3),
                     fmt(totals[(trainer, mode)], 3), fmt(median(blocking), 4),
                     fmt(median(total), 4)])
    for row in rows:
        over = ratio(totals.get((row[0], row[1])), totals.get((row[0], "none")))
        row.append(fmt(None if over is None else (over - 1) * 100, 1, "%"))
    failures.report(rep)
    rep.line()
    rep.line("**checkpoint every epoch, %s, %d epochs, %d thread(s)**" % (
        model, epochs, CONFIG["ckpt_threads"]))
    rep.line()
    rep.table(["trainer", "checkpoint", "runs", "epoch s (median)", "train s (median of sums)",
               "save blocking s",
               "save total s", "overhead vs none"], rows)
    trainer, mode, limit = CONFIG["ckpt_target"]
    over = ratio(totals.get((trainer, mode)), totals.get((trainer, "none")))
    pct = None if over is None else (over - 1) * 100
    rep.line("Target: %s %s checkpoint overhead = %s (target < %.1f%%): %s" % (
        trainer, mode, fmt(pct, 1, "%"), limit, verdict(None if pct is None else pct < limit)))
    rep.line()


def section_train(rep, args):
    rep.line("## train: training speed against PyTorch, and checkpointing cost")
    rep.line()
    threads = [1] if args.quick else sorted({1, os.cpu_count() or 1})
    speed_table(rep, args, threads)
    if args.quick:
        rep.line("- checkpointing during training: skipped under --quick (whole MNIST epochs)")
        rep.line()
    else:
        ckpt_table(rep, args, CONFIG["ckpt_epochs"])
