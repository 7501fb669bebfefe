#!/usr/bin/python3
"""The disk's own limit for `make bench`: Debian's fio writes, then reads, a file of
the checkpoint's size in the same directory, around the page cache with 8 requests
in flight, and prints io_peer.py's JSON keys (save = the write, restore = the read):

  /usr/bin/python3 scripts/bench/fio_peer.py --dir DIR --size-mb 1024 --runs 1
  {"tool": "fio", "bytes": ..., "tensors": 1, "runs": 1, "save_seconds": [..],
   "restore_seconds": [..], "fio_version": "fio-3.33"}

Each run: fio --rw=write, then --rw=read of the same file, both with
  --direct=1 --ioengine=libaio --iodepth=8 --bs=2M --end_fsync=1
and the file deleted. Seconds are fio's own (bytes / its bandwidth; the write's
include the final fsync), not the start of the process. O_DIRECT reads never
touch the page cache, so there is no warm figure. --tensors is accepted and
ignored (one file). Exit status 2 with a message on stderr when fio is not
installed (scripts/install-bench-deps.sh installs it).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

MIB = 1 << 20
FIO_FLAGS = ["--direct=1", "--ioengine=libaio", "--iodepth=8", "--bs=2M", "--end_fsync=1"]


def fio_command(path, rw, size):
    return (["fio", "--name=cairn_peer_" + rw, "--filename=" + path, "--rw=" + rw,
             "--size=%d" % size, "--output-format=json"] + FIO_FLAGS)


def fio_seconds(path, rw, size):
    """Runs one fio job; returns (seconds for `size` bytes by fio's bandwidth)."""
    p = subprocess.run(fio_command(path, rw, size), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("fio --rw=%s failed: %s" % (rw, (p.stderr or p.stdout).strip()[-300:]))
    stats = json.loads(p.stdout[p.stdout.index("{"):])["jobs"][0]["read" if rw == "read"
                                                                  else "write"]
    if stats["io_bytes"] != size or not stats["bw_bytes"]:
        raise RuntimeError("fio --rw=%s moved %d of %d bytes" % (rw, stats["io_bytes"], size))
    return size / stats["bw_bytes"]


def measure(args):
    size = args.size_mb * MIB
    out = {"tool": "fio", "bytes": size, "tensors": 1, "runs": args.runs, "save_seconds": [],
           "restore_seconds": [], "fio_version": subprocess.run(
               ["fio", "--version"], capture_output=True, text=True).stdout.strip()}
    for run in range(args.runs):
        path = os.path.join(args.dir, "fio_peer_%d_%d.bin" % (os.getpid(), run))
        try:
            out["save_seconds"].append(fio_seconds(path, "write", size))
            out["restore_seconds"].append(fio_seconds(path, "read", size))
        finally:
            if os.path.exists(path):
                os.unlink(path)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--size-mb", type=int, default=64)
    p.add_argument("--tensors", type=int, default=1, help="ignored: fio writes one file")
    p.add_argument("--runs", type=int, default=1)
    args = p.parse_args()
    if args.size_mb < 2 or args.size_mb % 2 or args.runs < 1:
        p.error("need --size-mb a positive multiple of 2 (fio's 2 MiB blocks), --runs >= 1")
    if shutil.which("fio") is None:
        print("fio_peer: fio not available: not installed (scripts/install-bench-deps.sh)",
              file=sys.stderr)
        return 2
    os.makedirs(args.dir, exist_ok=True)
    try:
        print(json.dumps(measure(args)))
    except RuntimeError as e:
        print("fio_peer: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
