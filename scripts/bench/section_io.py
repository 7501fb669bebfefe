"""Sections `io` and `scaling` of the benchmark driver (scripts/bench/run_bench.py).

io: cairn's checkpoint save / cold restore / warm restore against raw write+fsync
    and read, the disk's own limit (fio, fio_peer.py) and its peers torch, numpy
    (.npz) and h5py, every tool a separate process per run, in an order that
    rotates from run to run.
scaling: cairn seconds against checkpoint size and tensor count, each point beside
    the disk's own limit (fio) measured right after it.

Every tool prints the same JSON keys (scripts/bench/io_peer.py documents them);
`cairn-bench io --json` is read through cairn_io(), the one place that knows
its older output.
"""
import math
import os
import shutil

from bench_common import (GIB, HERE, MIB, PYTHON, fmt, median, progress, ratio, run_json,
                          verdict)
from fio_peer import FIO_FLAGS

TOOLS = ["raw", "direct", "fio", "cairn", "torch", "numpy", "h5py"]
DISK = "fio"  # the disk's own limit: fio_peer.py
FIGURES = [  # key in the JSON, table title
    ("save_seconds", "save (write + fsync of files and directory)"),
    ("restore_seconds", "cold restore (files evicted from the page cache first)"),
    ("restore_warm_seconds", "warm restore (the files in the page cache: the peers load again, "
                             "cairn reads them in first since its cold restore bypasses the cache)"),
]
TARGETS = {"save": 0.90, "restore": 0.90, "memory_mib": 64, "warm_over_memcpy": 0.50}
LINEAR_SLACK = 1.25


def cairn_io(cairn_bench, bench_dir, size_mb, tensors, runs):
    """`cairn-bench io --json`, in io_peer.py's keys; absent figures stay absent (n/a)."""
    doc, err = run_json([cairn_bench, "io", "--dir", bench_dir, "--size-mb", str(size_mb),
                         "--tensors", str(tensors), "--runs", str(runs), "--json"])
    if doc is None:
        return None, err
    doc.setdefault("bytes", size_mb * MIB)
    if "save_seconds" not in doc and doc.get("save_gbps"):
        # The older output: GB/s only (the median of the runs). Its save is
        # bytes / seconds (with fsync, as now); its restore read what it had just
        # written: warm. One value each, standing for the median.
        doc["save_seconds"] = [doc["bytes"] / 1e9 / doc["save_gbps"]]
        if doc.get("restore_gbps") and "restore_warm_seconds" not in doc:
            doc["restore_warm_seconds"] = [doc["bytes"] / 1e9 / doc["restore_gbps"]]
        doc["old_format"] = True
    return doc, None


def measure(tool, args, size_mb, tensors, runs):
    sub = os.path.join(args.dir, "io")
    os.makedirs(sub, exist_ok=True)
    if tool == "cairn":
        return cairn_io(args.cairn_bench, sub, size_mb, tensors, runs)
    if tool == "fio":
        return run_json([PYTHON, os.path.join(HERE, "fio_peer.py"), "--dir", sub,
                         "--size-mb", str(size_mb), "--runs", str(runs)])
    return run_json([PYTHON, os.path.join(HERE, "io_peer.py"), "--tool", tool, "--dir", sub,
                     "--size-mb", str(size_mb), "--tensors", str(tensors), "--runs", str(runs)])


def gbps(doc, key):
    return [doc["bytes"] / 1e9 / s for s in doc.get(key) or [] if s]


def collect_shape(args, size_mb, tensors, runs):
    """Per tool: {figure key: [seconds...], "mem": [...], ...}, or the reason it is absent."""
    results = {t: {"bytes": size_mb * MIB} for t in TOOLS}
    failed = {}
    for run in range(runs):
        order = TOOLS[run % len(TOOLS):] + TOOLS[:run % len(TOOLS)]
        for tool in order:
            if tool in failed:
                continue
            progress("io %d x %d KiB, run %d/%d: %s" % (tensors, size_mb * 1024 // tensors,
                                                        run + 1, runs, tool))
            doc, err = measure(tool, args, size_mb, tensors, 1)
            if doc is None:
                failed[tool] = err
                continue
            r = results[tool]
            for key, _ in FIGURES:
                r.setdefault(key, []).extend(doc.get(key) or [])
            r.setdefault("restore_one_seconds", []).extend(doc.get("restore_one_seconds") or [])
            r.setdefault("memcpy_seconds", []).extend(doc.get("memcpy_seconds") or [])
            r.setdefault("mem", []).append(doc.get("save_peak_extra_mib"))
            r.setdefault("resident", []).extend(doc.get("resident_after_evict") or [])
            r["old_format"] = doc.get("old_format", False)
    return results, failed


def report_shape(rep, args_for_extras, results, failed, size_mb, tensors, runs):
    each = size_mb * MIB // tensors
    rep.line("### %d tensors x %s (%.2f GiB), %d runs" % (
        tensors, "%d MiB" % (each // MIB) if each >= MIB else "%d KiB" % (each // 1024),
        size_mb * MIB / GIB, runs))
    rep.line()
    medians = {}
    for key, title in FIGURES:
        rep.line("**%s**, GB/s (1 GB = 1e9 bytes)" % title)
        rep.line()
        rows = []
        for tool in TOOLS:
            if tool in failed:
                continue
            g = gbps(results[tool], key)
            medians[(tool, key)] = median(g)
            row = [tool, fmt(median(g)), fmt(min(g) if g else None), fmt(max(g) if g else None),
                   fmt(ratio(median(g), medians.get(("raw", key))))]
            if key == "save_seconds":
                mem = [m for m in results[tool].get("mem", []) if m is not None]
                row.append(fmt(max(mem) if mem else None, 1))
            rows.append(row)
        headers = ["tool", "median", "min", "max", "median / raw"]
        rep.table(headers + (["peak extra MiB"] if key == "save_seconds" else []), rows)
    for tool, why in failed.items():
        rep.line("- %s: not available (%s)" % (tool, why))
    if results["cairn"].get("old_format"):
        rep.line("- cairn: `cairn-bench io --json` printed GB/s only: save from save_gbps, its "
                 "restore (not evicted) as warm, cold restore n/a")
    resident = [r for t in TOOLS if t not in failed for r in results[t].get("resident", [])
                if r is not None]
    if resident:
        rep.line("- page cache after fadvise(DONTNEED), checked with mincore: at most %.1f%% of "
                 "the written pages still resident (peers)" % (100 * max(resident)))
    save = ratio(medians.get(("cairn", "save_seconds")), medians.get(("raw", "save_seconds")))
    cold = ratio(medians.get(("cairn", "restore_seconds")),
                 medians.get(("raw", "restore_seconds")))
    mems = [m for m in results["cairn"].get("mem", []) if m is not None]
    mem = max(mems) if mems else None
    report_lazy_and_async(rep, args_for_extras, results["cairn"], size_mb, tensors)
    rep.line()
    rep.line("Targets:")
    rep.line("- cairn save / raw write+fsync = %s (target >= %.2f): %s" % (
        fmt(save), TARGETS["save"], verdict(None if save is None else save >= TARGETS["save"])))
    rep.line("- cairn cold restore / raw read = %s (target >= %.2f): %s" % (
        fmt(cold), TARGETS["restore"],
        verdict(None if cold is None else cold >= TARGETS["restore"])))
    direct_save = ratio(medians.get(("cairn", "save_seconds")),
                        medians.get(("direct", "save_seconds")))
    direct_cold = ratio(medians.get(("cairn", "restore_seconds")),
                        medians.get(("direct", "restore_seconds")))
    rep.line("- beside the direct peer (O_DIRECT from Python): cairn save / direct = "
             "%s, cold restore / direct = %s (cairn writes and cold-reads with O_DIRECT too)"
             % (fmt(direct_save), fmt(direct_cold)))
    rep.line("- beside the disk's own limit (fio, O_DIRECT, 8 requests of 2 MiB in flight): "
             "cairn save / fio write = %s, cairn cold restore / fio read = %s (on a virtual "
             "machine the host may cache the disk image, so \"cold\" reads, fio's too, can "
             "exceed the device)" % (
                 fmt(ratio(medians.get(("cairn", "save_seconds")),
                           medians.get((DISK, "save_seconds")))),
                 fmt(ratio(medians.get(("cairn", "restore_seconds")),
                           medians.get((DISK, "restore_seconds"))))))
    memcpy = median(gbps(results["cairn"], "memcpy_seconds"))
    warm = ratio(medians.get(("cairn", "restore_warm_seconds")), memcpy)
    rep.line("- cairn warm restore (crc verified) / memcpy of the same bytes into the same memory "
             "(%s GB/s, in cairn's process) = %s (target >= %.2f): %s" % (
                 fmt(memcpy), fmt(warm), TARGETS["warm_over_memcpy"],
                 verdict(None if warm is None else warm >= TARGETS["warm_over_memcpy"])))
    rep.line("- cairn save peak extra memory = %s MiB (target <= %d MiB): %s" % (
        fmt(mem, 1), TARGETS["memory_mib"],
        verdict(None if mem is None else mem <= TARGETS["memory_mib"])))
    rep.line()


def report_lazy_and_async(rep, args, cairn, size_mb, tensors):
    """Lazy restore (one tensor, cold) and the blocking part of an asynchronous save."""
    one, full = median(cairn.get("restore_one_seconds") or []), median(
        cairn.get("restore_seconds") or [])
    if one is not None and full is not None:
        rep.line("- lazy restore: opening the checkpoint and reading 1 of its %d tensors (cold) "
                 "took %s ms, %s%% of a full cold restore (%s ms); the tensor is %.2f%% of "
                 "the bytes" % (tensors, fmt(one * 1e3, 1), fmt(100 * one / full, 2),
                                fmt(full * 1e3, 0), 100.0 / tensors))
    progress("io %d tensors: cairn --async" % tensors)
    doc, err = run_json([args.cairn_bench, "io", "--dir", os.path.join(args.dir, "io"),
                         "--size-mb", str(size_mb), "--tensors", str(tensors), "--runs", "4",
                         "--json", "--async"])
    if doc is None or len(doc.get("save_blocking_seconds") or []) < 2:
        rep.line("- async save: not available (%s)" % (err or "no save_blocking_seconds"))
        return
    # One saver for all runs, as in training: prepare() makes the copy ahead
    # (in the background, when training starts), every save rewrites it.
    blocking, saves = doc["save_blocking_seconds"], doc["save_seconds"]
    blocked, total = median(blocking[1:]), median(saves[1:])
    sync = median(cairn.get("save_seconds") or [])
    rep.line("- async save (one AsyncSaver, 4 saves): training blocked %s s (the in-memory copy) "
             "of %s s until committed, %s%% of the save, median of saves 2-4; the first save, "
             "right after prepare() started making the copy, blocked %s s. A synchronous save blocks %s s: async cuts "
             "the pause %sx. Peak extra memory %s MiB (the copy, kept between saves)" % (
                 fmt(blocked, 3), fmt(total, 3), fmt(100 * blocked / total, 1),
                 fmt(blocking[0], 3), fmt(sync, 3),
                 fmt(sync / blocked if sync and blocked else None, 1),
                 fmt(doc.get("save_peak_extra_mib"), 0)))


def section_io(rep, args):
    size_mb = 64 if args.quick else 1024
    rep.line("## io: checkpoint save and restore against raw I/O and peers")
    rep.line()
    rep.line("Each run starts every tool as its own process (`--runs 1`), in an order rotated "
             "from run to run. raw = one file, 16 MiB os.write calls + fsync; read back with "
             "readinto. direct = the same bytes around the page cache with O_DIRECT (saves: 16 MiB "
             "copied through one aligned buffer; loads: 4 reads of 4 MiB in flight straight into "
             "the destination). fio = the disk's own limit: Debian's fio writes, then reads, "
             "one file of the same size in the same directory (`%s`; its own timing, the "
             "write's fsync included; no warm figure: O_DIRECT bypasses the page cache). torch = torch.save/torch.load of a "
             "state dict; numpy = np.savez/np.load (.npz, uncompressed); h5py = one dataset per "
             "tensor; cairn = save_variables / CheckpointReader (crc32c verified; data files "
             "written with O_DIRECT; cold restores read 2 MiB huge-page blocks with O_DIRECT, "
             "3 ahead of the one being copied). Cold means evicted from this kernel's page cache "
             "(posix_fadvise DONTNEED, checked with mincore); on a virtual machine the host may "
             "still cache the disk image, so \"cold\" reads (cairn's and fio's) can exceed "
             "what the device itself delivers." % " ".join(FIO_FLAGS))
    rep.line()
    if shutil.disk_usage(args.dir).free < 3 * size_mb * MIB:
        rep.line("Skipped: less than %d MiB free in %s." % (3 * size_mb, args.dir))
        return
    for tensors in (64, 4096):
        results, failed = collect_shape(args, size_mb, tensors, args.runs)
        report_shape(rep, args, results, failed, size_mb, tensors, args.runs)


def scaling_point(args, size_mb, tensors, per_tensor):
    """cairn at one point beside the disk's own limit (fio: one file of the same bytes
    through O_DIRECT, 8 requests in flight), in pairs: each round runs cairn once, then the disk
    once, so both see the same minute of this machine. Returns the table cells (with the
    median over rounds of cairn s/GiB / disk s/GiB), cairn's median seconds, and errors."""
    gib = size_mb * MIB / GIB
    keys = ("save_seconds", "restore_seconds")
    seconds = {(tool, k): [] for tool in ("cairn", DISK) for k in keys}
    pair_ratios = {k: [] for k in keys}
    errors = []
    for round_ in range(args.scaling_runs):
        progress("scaling: %d MiB, %d tensors, round %d" % (size_mb, tensors, round_ + 1))
        docs = {}
        for tool, count in (("cairn", tensors), (DISK, 64)):
            docs[tool], err = measure(tool, args, size_mb, count, 1)
            if err:
                errors.append((tool, err))
        for k in keys:
            got = {tool: ((docs[tool] or {}).get(k) or [None])[0] for tool in docs}
            for tool, s in got.items():
                if s is not None:
                    seconds[(tool, k)].append(s)
            r = ratio(got["cairn"], got[DISK])
            if r is not None:
                pair_ratios[k].append(r)
    cells, medians, disk_cells = [], {}, []
    for k in keys:
        s = medians[k] = median(seconds[("cairn", k)])
        cells += [fmt(s, 3), fmt(s / gib if s is not None else None, 3)]
        if per_tensor:
            cells.append(fmt(s / tensors * 1e6 if s is not None else None, 1))
        disk = median(seconds[(DISK, k)])
        disk_cells += [fmt(disk / gib if disk is not None else None, 3),
                       fmt(median(pair_ratios[k]))]
    return cells + disk_cells, medians, sorted(set(errors))


def fitted_growth(xs, ys):
    """exp(slope · ln(max x / min x)) of the least-squares line through (ln x, ln y): how
    many times y grows across the whole range of x, by the trend of all the points."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    var = sum((a - mx) ** 2 for a in lx)
    slope = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / var
    return math.exp(slope * (max(lx) - min(lx)))


def report_linearity(rep, xs, seconds, unit, what):
    """Linear growth: cairn's cost per unit (per GiB against size, per tensor against
    tensor count) must not trend upward across the range. The least-squares line of
    log(seconds / unit) against log(size or count), through every point, may grow by at
    most LINEAR_SLACK times from the smallest to the largest. A cost growing faster
    than linearly (a quadratic index, a per-tensor cost that rises) tilts that line up;
    fixed costs, which make small points dearer, tilt it down; and one noisy point
    cannot decide it alone, as it could a point-by-point comparison (this VM's disk and
    memory swing by 30% from minute to minute, which the disk columns, measured in the
    same rounds, show)."""
    for key, name in (("save_seconds", "save"), ("restore_seconds", "cold restore")):
        per_unit = [None if p[key] is None else p[key] / x for p, x in zip(seconds, unit)]
        growth = (fitted_growth(xs, per_unit)
                  if len(per_unit) > 1 and all(c is not None and c > 0 for c in per_unit)
                  else None)
        rep.line("- cairn %s across %s: fitted growth of the cost per %s from the first point "
                 "to the last = %s (target <= %.2f: grows no faster than linearly): %s" % (
                     name, what, "GiB" if what == "sizes" else "tensor", fmt(growth, 4),
                     LINEAR_SLACK, verdict(None if growth is None else growth <= LINEAR_SLACK)))
    rep.line()


DISK_COLUMNS = ["disk save s/GiB", "cairn / disk", "disk restore s/GiB", "cairn / disk"]


def section_scaling(rep, args):
    rep.line("## scaling: cairn seconds against checkpoint size and tensor count")
    rep.line()
    rep.line("%d rounds per point; each round saves and restores once with cairn, then once "
             "with the disk's own limit (fio: one file of the same bytes, O_DIRECT, 8 requests of "
             "2 MiB in flight), "
             "each in its own process. Seconds are medians over rounds; \"cairn / disk\" is the "
             "median over rounds of the ratio within a round. Restores are cold (evicted) and "
             "fill memory allocated before timing." % args.scaling_runs)
    rep.line()
    sizes = [16, 32, 64] if args.quick else [64, 256, 1024, 4096]
    free = shutil.disk_usage(args.dir).free
    if max(sizes) >= 4096 and free < 10 * GIB:
        rep.line("- 4096 MiB skipped: only %.1f GiB free in %s (needs 10 GiB)" % (
            free / GIB, args.dir))
        sizes = [s for s in sizes if s < 4096]
    rows, per_gib, errors = [], [], []
    for size_mb in sizes:
        cells, costs, errs = scaling_point(args, size_mb, 64, False)
        rows.append([str(size_mb)] + cells)
        per_gib.append(costs)
        errors += errs
    rep.line("**against size** (64 tensors)")
    rep.line()
    rep.table(["MiB", "cairn save s", "s/GiB", "cairn restore s", "s/GiB"] + DISK_COLUMNS, rows)
    for tool, err in sorted(set(errors)):
        rep.line("- %s: not available (%s)" % (tool, err))
    report_linearity(rep, sizes, per_gib, [x * MIB / GIB for x in sizes], "sizes")

    total = 256 if args.quick else 1024
    rows, per_gib, errors = [], [], []
    counts = [10, 100, 1000, 10000, 100000]
    for count in counts:
        cells, costs, errs = scaling_point(args, total, count, True)
        rows.append([str(count)] + cells)
        per_gib.append(costs)
        errors += errs
    rep.line("**against tensor count** (%d MiB in all)" % total)
    rep.line()
    rep.table(["tensors", "cairn save s", "s/GiB", "µs/tensor", "cairn restore s", "s/GiB",
               "µs/tensor"] + DISK_COLUMNS, rows)
    for tool, err in sorted(set(errors)):
        rep.line("- %s: not available (%s)" % (tool, err))
    report_linearity(rep, counts, per_gib, counts, "tensor counts")
