#!/usr/bin/python3
"""Checkpoint I/O of cairn's peers, measured the way `cairn-bench io` measures cairn.

One process, one tool, prints ONE JSON object on stdout:

  /usr/bin/python3 scripts/bench/io_peer.py --tool torch --dir DIR --size-mb 1024 \
      --tensors 64 --runs 1
  {"tool": "torch", "bytes": ..., "tensors": 64, "runs": 1, "save_seconds": [..],
   "restore_seconds": [..], "restore_warm_seconds": [..], "save_peak_extra_mib": ..,
   "resident_after_evict": [..]}

The state is K float32 tensors summing to N MiB, made before any timing. Each run:
  save          write the state to fresh file(s) in DIR, fsync them and DIR   (timed)
  evict         posix_fadvise(DONTNEED) on every written file; the fraction of
                their pages still resident afterwards (mincore) is reported
  restore       load everything back, every byte                            (timed)
                (raw and direct read into one buffer allocated and touched before
                timing, as cairn restores into a model's existing variables;
                torch, numpy and h5py allocate, as their load APIs do)
  restore_warm  the same load again, now from the page cache                (timed)
  delete the files.
Tools: raw (os.write 16 MiB chunks + fsync: the limit the issue names), direct
(around the page cache: saves write 16 MiB chunks through O_DIRECT, loads keep 4
O_DIRECT reads in flight straight into the destination: the disk's own limit), torch,
numpy (.npz), h5py.
Exit status 2 with a message on stderr when the tool's module is not installed.
"""
import argparse
import ctypes
import json
import os
import sys
import time

from bench_common import fsync_dir  # stdlib only: safe before numpy/torch

CHUNK = 16 << 20
MIB = 1 << 20
DIRECT_READ = 4 << 20  # bytes per O_DIRECT read of the direct peer
DIRECT_READERS = 4     # its reads in flight at once


# ---------------------------------------------------------------- the state
def make_state(total_bytes, count):
    """(one contiguous float32 array of total_bytes, `count` arrays copied out of it;
    the last takes the rest). Content: a random block tiled, not compressible."""
    import numpy as np
    elements = total_bytes // 4
    block = np.random.default_rng(1234).standard_normal((1 << 20) + 7, dtype=np.float32)
    flat = np.resize(block, elements)
    if count == 0:
        return flat, None
    each = elements // count
    arrays = {}
    for i in range(count):
        n = elements - each * (count - 1) if i == count - 1 else each
        arrays["layer_%06d_kernel" % i] = flat[i * each:i * each + n].copy()
    return flat, arrays


# ---------------------------------------------------------------- page cache, memory
def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def resident_fraction(paths):
    """Fraction of the files' pages in the page cache, by mmap + mincore (None if unknown)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                              ctypes.c_int, ctypes.c_long]
        libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        page = os.sysconf("SC_PAGE_SIZE")
        resident = total = 0
        for path in paths:
            size = os.path.getsize(path)
            if size == 0:
                continue
            fd = os.open(path, os.O_RDONLY)
            try:
                addr = libc.mmap(None, size, 1, 1, fd, 0)  # PROT_READ, MAP_SHARED
                if addr in (None, ctypes.c_void_p(-1).value):
                    return None
                pages = (size + page - 1) // page
                vec = ctypes.create_string_buffer(pages)
                ok = libc.mincore(addr, size, vec) == 0
                libc.munmap(addr, size)
                if not ok:
                    return None
                resident += sum(b & 1 for b in vec.raw)
                total += pages
            finally:
                os.close(fd)
        return resident / total if total else 0.0
    except (OSError, AttributeError):
        return None


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def reset_peak_rss():
    """Resets VmHWM to the current RSS; False when /proc/self/clear_refs is not writable."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- the tools
# Each save(state, dir) returns the paths it wrote, fsynced; each load(paths, into)
# returns the restored state (kept alive by the caller until timing ends); `into`
# is the preallocated buffer raw and direct read into (None for the others).
def raw_save(state, d):
    path = os.path.join(d, "state.raw")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(state["__contiguous__"]).cast("B")
        for off in range(0, len(view), CHUNK):
            os.write(fd, view[off:off + CHUNK])
        os.fsync(fd)
    finally:
        os.close(fd)
    return [path]


def raw_load(paths, into):
    # readinto the caller's buffer (allocated and touched once, as a model's
    # variables are) 16 MiB at a time.
    size = os.path.getsize(paths[0])
    buf = into[:size]
    view = memoryview(buf)
    with open(paths[0], "rb", buffering=0) as f:
        off = 0
        while off < size:
            n = f.readinto(view[off:off + CHUNK])
            if not n:
                raise IOError("short read of " + paths[0])
            off += n
    return buf


def direct_save(state, d):
    # O_DIRECT: each 16 MiB chunk copied into one page-aligned buffer (an
    # anonymous mmap) and written from there, around the page cache; the last
    # partial chunk is padded to 4 KiB and the file cut back to size.
    import mmap
    path = os.path.join(d, "state.raw")
    view = memoryview(state["__contiguous__"]).cast("B")
    buf = mmap.mmap(-1, CHUNK)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_DIRECT, 0o644)
    try:
        for off in range(0, len(view), CHUNK):
            n = min(CHUNK, len(view) - off)
            buf[:n] = view[off:off + n]
            padded = (n + 4095) // 4096 * 4096
            if padded > n:
                buf[n:padded] = bytes(padded - n)
            os.write(fd, memoryview(buf)[:padded])
        os.ftruncate(fd, len(view))
        os.fsync(fd)
    finally:
        os.close(fd)
        buf.close()
    return [path]


def direct_load(paths, into):
    # O_DIRECT reads straight into the caller's buffer (page-aligned, advised
    # to huge pages, touched once: see direct_buffer), DIRECT_READERS requests
    # of DIRECT_READ bytes in flight at once: the most this disk gives a reader
    # that copies nothing.
    from concurrent.futures import ThreadPoolExecutor
    size = os.path.getsize(paths[0])
    dest = memoryview(into)
    fd = os.open(paths[0], os.O_RDONLY | os.O_DIRECT)

    def read_at(off):
        want = min(DIRECT_READ, len(dest) - off)  # whole 4 KiB blocks past the end
        got = 0
        while got < want:
            n = os.preadv(fd, [dest[off + got:off + want]], off + got)
            if n <= 0:
                break
            got += n
        if off + got < min(size, off + want):
            raise IOError("short read of " + paths[0])

    try:
        with ThreadPoolExecutor(max_workers=DIRECT_READERS) as pool:
            list(pool.map(read_at, range(0, size, DIRECT_READ)))
    finally:
        os.close(fd)
    return dest[:size]


def direct_buffer(size):
    """A page-aligned buffer of `size` bytes rounded up to 4 KiB (O_DIRECT's unit),
    backed by huge pages where the kernel allows, and touched."""
    import mmap
    buf = mmap.mmap(-1, (size + 4095) // 4096 * 4096)
    if hasattr(mmap, "MADV_HUGEPAGE"):
        buf.madvise(mmap.MADV_HUGEPAGE)
    buf.write(b"\1" * len(buf))
    return buf


def torch_save(state, d):
    import torch
    path = os.path.join(d, "state.pt")
    with open(path, "wb") as f:
        torch.save(state["__torch__"], f)
        f.flush()
        os.fsync(f.fileno())
    return [path]


def torch_load(paths, into=None):  # allocates, as its load API does
    import torch
    return torch.load(paths[0], map_location="cpu")


def numpy_save(state, d):
    import numpy as np
    path = os.path.join(d, "state.npz")
    with open(path, "wb") as f:
        np.savez(f, **state["__arrays__"])
        f.flush()
        os.fsync(f.fileno())
    return [path]


def numpy_load(paths, into=None):  # allocates, as its load API does
    import numpy as np
    with np.load(paths[0]) as z:
        return {name: z[name] for name in z.files}


def h5py_save(state, d):
    import h5py
    path = os.path.join(d, "state.h5")
    with h5py.File(path, "w") as f:
        for name, a in state["__arrays__"].items():
            f.create_dataset(name, data=a)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return [path]


def h5py_load(paths, into=None):  # allocates, as its load API does
    import h5py
    with h5py.File(paths[0], "r") as f:
        return {name: f[name][()] for name in f.keys()}


TOOLS = {
    "raw": (raw_save, raw_load, ["numpy"]),
    "direct": (direct_save, direct_load, ["numpy"]),
    "torch": (torch_save, torch_load, ["numpy", "torch"]),
    "numpy": (numpy_save, numpy_load, ["numpy"]),
    "h5py": (h5py_save, h5py_load, ["numpy", "h5py"]),
}


def prepare(tool, size_mb, tensors):
    # raw writes the contiguous array; the others a dict of separate arrays.
    flat, arrays = make_state(size_mb * MIB, 0 if tool in ("raw", "direct") else tensors)
    state = {"__contiguous__": flat if tool in ("raw", "direct") else None, "__arrays__": arrays}
    del flat
    if tool == "torch":
        import torch
        state["__torch__"] = {k: torch.from_numpy(v) for k, v in arrays.items()}
    return state


# ---------------------------------------------------------------- main
def measure(args):
    save, load, _ = TOOLS[args.tool]
    state = prepare(args.tool, args.size_mb, args.tensors)
    out = {"tool": args.tool, "bytes": args.size_mb * MIB, "tensors": args.tensors,
           "runs": args.runs, "save_seconds": [], "restore_seconds": [],
           "restore_warm_seconds": [], "save_peak_extra_mib": None, "resident_after_evict": []}
    peaks = []
    into = None
    if args.tool == "raw":  # restores fill existing memory, as cairn's do
        import numpy as np
        into = np.ones(args.size_mb * MIB, dtype=np.uint8)
    elif args.tool == "direct":
        into = direct_buffer(args.size_mb * MIB)
    for run in range(args.runs):
        d = os.path.join(args.dir, "io_peer_%s_%d_%d" % (args.tool, os.getpid(), run))
        os.makedirs(d)
        try:
            rss_before = status_kib("VmRSS")
            can_peak = reset_peak_rss()
            start = time.perf_counter()
            paths = save(state, d)
            fsync_dir(d)
            out["save_seconds"].append(time.perf_counter() - start)
            if can_peak:
                peaks.append(max(0, status_kib("VmHWM") - rss_before) / 1024)
            for p in paths:
                evict(p)
            out["resident_after_evict"].append(resident_fraction(paths))
            for key in ("restore_seconds", "restore_warm_seconds"):
                start = time.perf_counter()
                loaded = load(paths, into)
                out[key].append(time.perf_counter() - start)
                del loaded
        finally:
            for name in os.listdir(d):
                os.unlink(os.path.join(d, name))
            os.rmdir(d)
    if peaks:
        out["save_peak_extra_mib"] = round(max(peaks), 1)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tool", required=True, choices=sorted(TOOLS))
    p.add_argument("--dir", required=True)
    p.add_argument("--size-mb", type=int, default=64)
    p.add_argument("--tensors", type=int, default=16)
    p.add_argument("--runs", type=int, default=1)
    args = p.parse_args()
    if args.size_mb < 1 or args.runs < 1 or not 1 <= args.tensors <= args.size_mb * MIB // 4:
        p.error("need --size-mb >= 1, --runs >= 1, 1 <= --tensors <= float32 values")
    for module in TOOLS[args.tool][2]:
        try:
            __import__(module)
        except ImportError as e:
            print("io_peer: %s not available: %s" % (args.tool, e), file=sys.stderr)
            return 2
    os.makedirs(args.dir, exist_ok=True)
    print(json.dumps(measure(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
