#!/usr/bin/python3
"""The benchmark driver behind `make bench`: measures cairn against its peers in one run.

  /usr/bin/python3 scripts/bench/run_bench.py --cairn-bench build-release/bin/cairn-bench \
      [--dir .cache/bench-io] [--runs 5] [--quick] [--out bench/RESULTS.md] \
      [--sections io,scaling,train,distributed]

Sections (each its own module here):
  io       save / cold restore / warm restore GB/s of cairn, raw I/O, fio (the
           disk's own limit), torch, numpy, h5py at 64 x 16 MiB and 4096 x 256 KiB
           (section_io.py)
  scaling  cairn seconds against checkpoint size and tensor count (section_io.py)
  train    training speed and checkpointing cost against PyTorch (section_train.py)
  distributed  a checkpoint saved by 1, 2 and 4 ranks of mpirun beside fio's write
           limit, and MNIST training samples/s at 1 and 2 ranks with the
           all-reduce cost (section_distributed.py)

The tables (markdown) go to stdout and, under a description of the machine, to
--out, which is overwritten (after every section, so an interrupted run keeps
what it measured). Progress goes to stderr. --quick: small sizes and 2 runs, to
try the driver in about a minute. Never times anything in `make test`.
"""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_common import REPO, Report, machine_header, progress  # noqa: E402
from section_distributed import section_distributed  # noqa: E402
from section_io import section_io, section_scaling  # noqa: E402
from section_train import section_train  # noqa: E402

SECTIONS = {"io": section_io, "scaling": section_scaling, "train": section_train,
            "distributed": section_distributed}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cairn-bench", required=True,
                   help="the cairn-bench program (bench/, a Release build)")
    p.add_argument("--dir", default=os.path.join(REPO, ".cache", "bench-io"),
                   help="scratch directory on the disk to measure (not tmpfs)")
    p.add_argument("--runs", type=int, default=None, help="runs per io figure (default 5)")
    p.add_argument("--quick", action="store_true", help="small sizes, 2 runs")
    p.add_argument("--out", default=os.path.join(REPO, "bench", "RESULTS.md"))
    p.add_argument("--sections", default=",".join(SECTIONS),
                   help="comma-separated, from: " + ",".join(SECTIONS))
    args = p.parse_args(argv)
    if args.runs is None:
        args.runs = 2 if args.quick else 5
    if args.runs < 1:
        p.error("--runs must be at least 1")
    args.scaling_runs = 1 if args.quick else 5
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        p.error("unknown section(s) %s; known: %s" % (",".join(unknown), ",".join(SECTIONS)))
    args.cairn_bench = os.path.abspath(args.cairn_bench)
    if not os.access(args.cairn_bench, os.X_OK):
        p.error("--cairn-bench %s is not an executable" % args.cairn_bench)
    args.dir = os.path.abspath(args.dir)
    return args


def check_dir(path):
    """Refuses tmpfs (/dev/shm and the like): the point is the disk."""
    with open("/proc/mounts") as f:
        mounts = [line.split()[:3] for line in f]
    best = max((m for m in mounts if path == m[1] or path.startswith(m[1].rstrip("/") + "/")),
               key=lambda m: len(m[1]), default=None)
    if best and best[2] in ("tmpfs", "ramfs"):
        sys.exit("run_bench: %s is on %s; choose a directory on a disk" % (path, best[2]))


def write_results(path, header, rep):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(header + rep.lines) + "\n")
    os.replace(path + ".tmp", path)


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.dir, exist_ok=True)
    check_dir(args.dir)
    header = machine_header(args.dir, ["run_bench.py"] + argv)
    print("\n".join(header), flush=True)
    rep = Report()
    for name in args.sections:
        progress("section " + name)
        start = time.monotonic()
        SECTIONS[name](rep, args)
        rep.line("_section %s took %.0f s_" % (name, time.monotonic() - start))
        rep.line()
        write_results(args.out, header, rep)
    print("results written to %s" % os.path.relpath(args.out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
