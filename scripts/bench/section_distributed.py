"""Section `distributed` of the benchmark driver (scripts/bench/run_bench.py).

save   a checkpoint of float32 tensors saved by 1, 2 and 4 ranks of
       `mpirun -np N cairn-bench sharded-save` (CheckpointManager with the job's
       Open MPI group: every rank writes its shard, rank 0 commits), beside the
       disk's own write limit (fio, fio_peer.py) and the single-process save of
       `cairn-bench io`, measured in rounds: each round runs every rank count once
       (in an order rotated from round to round), then cairn-bench io, then fio.
train  samples/s of the MNIST MLP (`cairn-bench train --model mnist`, Keras fit)
       at 1 and 2 ranks with the same global batch, the scaling efficiency, and
       the seconds each step spends in the gradients' all-reduce.

mpirun runs in the environment Open MPI needs on this machine (as root,
oversubscribed, shared memory without CMA, no binding), read from its one home,
cmake/CairnMpiTest.cmake (CAIRN_MPI_TEST_ENVIRONMENT), and set for these mpirun
commands only. Without mpirun on PATH the section prints a "not available" line.
"""
import os
import re
import shutil

from bench_common import (GIB, MIB, REPO, fmt, median, progress, ratio, run_json, verdict)
from fio_peer import FIO_FLAGS
from section_io import DISK, measure

CONFIG = {
    "ranks": [1, 2, 4],
    "tensors": 64,
    "size_mb": {"quick": 64, "full": 1024},
    "save": ["mpirun", "-np", "{ranks}", "--oversubscribe", "{cairn_bench}", "sharded-save",
             "--dir", "{dir}", "--size-mb", "{size_mb}", "--tensors", "{tensors}", "--runs", "1",
             "--json"],
    # N ranks / 1 rank, the median over rounds of the ratio within a round: the
    # issue's "N ranks must not be slower than 1", less this disk's swing.
    "save_target": 0.90,
    "train_ranks": [1, 2],
    "train_model": "mnist",
    # Global batches, each the same at every rank count: the model's own 32
    # (a 1.6 MB all-reduce every ~1.5 ms of compute) and 256 (8x the compute).
    "train_batches": [32, 256],
    "train_seconds": {"quick": 2, "full": 8},
    "train_rounds": {"quick": 1, "full": 3},
    "threads_per_rank": 1,
    "train": ["mpirun", "-np", "{ranks}", "--oversubscribe", "{cairn_bench}", "train",
              "--model", "{model}", "--batch", "{batch}", "--threads", "{threads}",
              "--seconds", "{seconds}", "--json"],
    "timeout_seconds": 1800,
}
MPI_TEST_CMAKE = os.path.join(REPO, "cmake", "CairnMpiTest.cmake")


def mpi_environment(cmake_file=MPI_TEST_CMAKE):
    """The variables of set(CAIRN_MPI_TEST_ENVIRONMENT ...) in cmake_file, as a dict."""
    with open(cmake_file) as f:
        text = f.read()
    block = re.search(r"set\(CAIRN_MPI_TEST_ENVIRONMENT\s+([^)]*)\)", text)
    if block is None:
        raise ValueError("no set(CAIRN_MPI_TEST_ENVIRONMENT ...) in " + cmake_file)
    return dict(item.split("=", 1) for item in block.group(1).split() if "=" in item)


def mpirun_env():
    """This process's environment plus Open MPI's test settings and one BLAS thread per
    rank (OPENBLAS_NUM_THREADS, as --threads); os.environ itself is left alone."""
    env = dict(os.environ)
    env.update(mpi_environment())
    env["OPENBLAS_NUM_THREADS"] = str(CONFIG["threads_per_rank"])
    return env


def command(name, **values):
    return [part.format(**values) for part in CONFIG[name]]


def gbps(nbytes, seconds):
    return [nbytes / 1e9 / s for s in seconds if s]


def run_save_rounds(args, size_mb, env):
    """Per tool ("1", "2", "4" ranks, "io", DISK): seconds per round (None when it
    failed), and the reasons tools failed."""
    sub = os.path.join(args.dir, "distributed")
    os.makedirs(sub, exist_ok=True)
    tools = [str(n) for n in CONFIG["ranks"]]
    seconds = {t: [] for t in tools + ["io", DISK]}
    failed = {}
    for round_ in range(args.runs):
        order = tools[round_ % len(tools):] + tools[:round_ % len(tools)]
        for tool in order + ["io", DISK]:
            progress("distributed save %d MiB, round %d/%d: %s" % (
                size_mb, round_ + 1, args.runs, tool + (" ranks" if tool.isdigit() else "")))
            if tool.isdigit():
                doc, err = run_json(command("save", ranks=tool, cairn_bench=args.cairn_bench,
                                            dir=sub, size_mb=size_mb,
                                            tensors=CONFIG["tensors"]),
                                    CONFIG["timeout_seconds"], env)
                if doc is not None and doc.get("shards") != int(tool):
                    doc, err = None, "wrote %s data shards, not %s" % (doc.get("shards"), tool)
            else:
                doc, err = measure("cairn" if tool == "io" else DISK, args, size_mb,
                                   CONFIG["tensors"], 1)
            if err:
                failed.setdefault(tool, err)
            seconds[tool].append(((doc or {}).get("save_seconds") or [None])[0])
    return seconds, failed


def report_save(rep, seconds, failed, size_mb):
    nbytes = size_mb * MIB
    labels = {"io": "cairn-bench io (1 process, save_variables)",
              DISK: "fio write (the disk's limit)"}
    labels.update({str(n): "sharded-save, %d rank%s" % (n, "" if n == 1 else "s")
                   for n in CONFIG["ranks"]})

    def within_rounds(tool, base):
        """Median over rounds of base seconds / tool seconds (a speed ratio)."""
        pairs = [b / s for s, b in zip(seconds[tool], seconds[base]) if s and b]
        return median(pairs)

    rows = []
    for tool in [str(n) for n in CONFIG["ranks"]] + ["io", DISK]:
        g = gbps(nbytes, [s for s in seconds[tool] if s])
        rows.append([labels[tool], str(len(g)), fmt(median(g)), fmt(min(g) if g else None),
                     fmt(max(g) if g else None), fmt(within_rounds(tool, "1")),
                     fmt(within_rounds(tool, DISK))])
    rep.line("**save of %d tensors x %d MiB (%.2f GiB)**, GB/s (1 GB = 1e9 bytes)" % (
        CONFIG["tensors"], size_mb // CONFIG["tensors"], nbytes / GIB))
    rep.line()
    rep.table(["saved by", "runs", "median", "min", "max", "/ 1 rank", "/ fio"], rows)
    for tool, why in failed.items():
        rep.line("- %s: not available (%s)" % (labels[tool], why))
    rep.line("Targets:")
    for n in CONFIG["ranks"][1:]:
        r = within_rounds(str(n), "1")
        rep.line("- %d ranks / 1 rank = %s (target >= %.2f: N ranks not slower than 1): %s" % (
            n, fmt(r), CONFIG["save_target"],
            verdict(None if r is None else r >= CONFIG["save_target"])))
    rep.line("- against the disk's limit (fio): %s" % ", ".join(
        "%s ranks %s" % (n, fmt(within_rounds(str(n), DISK))) for n in CONFIG["ranks"]))
    rep.line()


def run_train(args, env):
    """Per (global batch, rank count): the JSON documents of its rounds; and failures."""
    mode = "quick" if args.quick else "full"
    runs = [(b, n) for b in CONFIG["train_batches"] for n in CONFIG["train_ranks"]]
    docs = {run: [] for run in runs}
    failed = {}
    for round_ in range(CONFIG["train_rounds"][mode]):
        for batch, n in runs:
            progress("distributed train %s, batch %d, %d ranks, round %d" % (
                CONFIG["train_model"], batch, n, round_ + 1))
            doc, err = run_json(command("train", ranks=n, cairn_bench=args.cairn_bench,
                                        model=CONFIG["train_model"], batch=batch,
                                        threads=CONFIG["threads_per_rank"],
                                        seconds=CONFIG["train_seconds"][mode]),
                                CONFIG["timeout_seconds"], env)
            if err:
                failed.setdefault((batch, n), err)
            elif doc.get("ranks") != n or doc.get("batch") != batch:
                failed.setdefault((batch, n), "trained on %s ranks, batch %s" % (
                    doc.get("ranks"), doc.get("batch")))
            else:
                docs[(batch, n)].append(doc)
    return docs, failed


def report_train(rep, docs, failed, seconds):
    rows, speed = [], {}
    for batch, n in docs:
        runs = docs[(batch, n)]
        speed[(batch, n)] = median([d["samples_per_s"] for d in runs])
        per_step = median([d.get("all_reduce_seconds_per_step") for d in runs])
        shares = [d.get("all_reduce_share_by_rank") or [] for d in runs]
        by_rank = [median([s[r] for s in shares if len(s) > r]) for r in range(n)]
        rows.append([str(batch), str(n), str(len(runs)),
                     fmt(runs[0].get("batch_per_rank") if runs else None, 0),
                     fmt(speed[(batch, n)], 0), fmt(median([d["steps_per_s"] for d in runs]), 1),
                     fmt(None if per_step is None else per_step * 1e3, 3),
                     " / ".join(fmt(None if s is None else 100 * s, 1, "%") for s in by_rank)])
    rep.line("**training: %s (Keras fit), %d s timed per run, %d BLAS thread per rank, the same "
             "global batch at every rank count**" % (
                 CONFIG["train_model"], seconds, CONFIG["threads_per_rank"]))
    rep.line()
    rep.table(["global batch", "ranks", "runs", "batch per rank", "samples/s (median)",
               "steps/s", "all-reduce ms/step (rank 0)", "all-reduce share of time, by rank"],
              rows)
    for (batch, n), why in failed.items():
        rep.line("- batch %d, %d ranks: not available (%s)" % (batch, n, why))
    for batch in sorted({b for b, _ in docs}):
        one, two = speed.get((batch, 1)), speed.get((batch, 2))
        eff = ratio(two, 2 * one if one else None)
        rep.line("- global batch %d: scaling efficiency = samples/s at 2 ranks / (2 x samples/s "
                 "at 1 rank) = %s" % (batch, fmt(eff)))
    rep.line("- 2 cores: each rank one core. The all-reduce is rank 0 summing the ranks' "
             "gradients in rank order and sending the sum back (cairn/distribute); its share "
             "includes waiting for the slower rank.")
    rep.line()


def describe(mpirun, args):
    env = " ".join("%s=%s" % kv for kv in sorted(mpi_environment().items()))
    return ("`%s -np N --oversubscribe` (N = %s), in the environment of "
            "cmake/CairnMpiTest.cmake (%s); this machine has %d cores. "
            "Save: %d rounds; each runs `cairn-bench sharded-save --runs 1` at every rank count "
            "(rotated order; seconds from a barrier to the last rank's return of "
            "CheckpointManager::save), then `cairn-bench io --runs 1` (its save), then fio "
            "(`%s`), all on the same directory. \"/ 1 rank\" and \"/ fio\" are medians over "
            "rounds of the speed ratio within a round." % (
                mpirun, ", ".join(str(n) for n in CONFIG["ranks"]), env, os.cpu_count() or 0,
                args.runs, " ".join(FIO_FLAGS)))


def section_distributed(rep, args):
    mode = "quick" if args.quick else "full"
    size_mb = CONFIG["size_mb"][mode]
    rep.line("## distributed: sharded saves and data-parallel training under mpirun")
    rep.line()
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        rep.line("- mpirun: not available (not on PATH; `make deps` installs Open MPI)")
        rep.line()
        return
    try:
        env = mpirun_env()
    except (OSError, ValueError) as e:
        rep.line("- mpirun environment: not available (%s)" % e)
        rep.line()
        return
    rep.line(describe(mpirun, args))
    rep.line()
    if shutil.disk_usage(args.dir).free < 3 * size_mb * MIB:
        rep.line("Skipped: less than %d MiB free in %s." % (3 * size_mb, args.dir))
        return
    seconds, failed = run_save_rounds(args, size_mb, env)
    report_save(rep, seconds, failed, size_mb)
    docs, failed = run_train(args, env)
    report_train(rep, docs, failed, CONFIG["train_seconds"][mode])
