"""Shared pieces of the benchmark driver (scripts/bench/run_bench.py).

Report: collects the markdown that goes both to stdout and to bench/RESULTS.md.
run_json: runs one measuring process and parses the JSON object it prints.
Small statistics and formatting helpers, and the machine description that
heads RESULTS.md.
"""
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

PYTHON = "/usr/bin/python3"  # Debian's python: numpy, h5py, torch live there
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GIB = 1 << 30
MIB = 1 << 20


class Report:
    """Markdown lines printed as they come and kept for the results file."""

    def __init__(self):
        self.lines = []

    def line(self, text=""):
        print(text, flush=True)
        self.lines.append(text)

    def table(self, headers, rows):
        cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

        def fmt(r):
            return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"

        self.line(fmt(cells[0]))
        self.line("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in cells[1:]:
            self.line(fmt(r))
        self.line()


def progress(text):
    """Progress goes to stderr only: it is not part of the results."""
    print("  .. " + text, file=sys.stderr, flush=True)


def run_json(cmd, timeout=1800, env=None):
    """Runs cmd (in `env`, default this process's environment); returns (the JSON object
    it printed last, None) or (None, why it failed)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except FileNotFoundError as e:
        return None, "not found: %s" % e.filename
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % timeout
    if p.returncode != 0:
        lines = [l for l in (p.stderr + p.stdout).splitlines()
                 if l.strip() and not l.startswith("Run with --help")] or ["no output"]
        return None, "exit %d: %s" % (p.returncode, lines[-1].strip()[:200])
    for text in reversed(p.stdout.strip().splitlines()):
        try:
            doc = json.loads(text)
            if isinstance(doc, dict):
                return doc, None
        except ValueError:
            continue
    return None, "no JSON object in its output"


def fsync_dir(path):
    """Makes renames and creations inside `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2, suffix=""):
    if value is None:
        return "n/a"
    return ("%." + str(digits) + "f%s") % (value, suffix)


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "NOT met")


# ---------------------------------------------------------------- the machine
def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def _cmd(args, cwd=None):
    try:
        return subprocess.run(args, capture_output=True, text=True, cwd=cwd,
                              timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def python_module_version(module):
    out = _cmd([PYTHON, "-c", "import %s; print(%s.__version__)" % (module, module)])
    return out or "not installed"


def cairn_commit():
    commit = _cmd(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO) or "unknown"
    dirty = _cmd(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO)
    return commit + (" (with uncommitted changes)" if dirty else "")


def machine_header(bench_dir, argv):
    cpu = next((l.split(":", 1)[1].strip() for l in _read("/proc/cpuinfo").splitlines()
                if l.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(l.split()[1]) for l in _read("/proc/meminfo").splitlines()
                if l.startswith("MemTotal:")), 0)
    df = _cmd(["df", "-hT", bench_dir]).splitlines()
    free = shutil.disk_usage(bench_dir).free / GIB
    rows = [
        ("date (UTC)", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")),
        ("host", platform.node()),
        ("CPU", cpu),
        ("cores", os.cpu_count()),
        ("RAM", "%.1f GiB" % (mem / (1 << 20))),
        ("kernel", platform.release()),
        ("load average at start", " ".join(_read("/proc/loadavg").split()[:3])),
        ("benchmark dir", "`%s` (%.0f GiB free)" % (bench_dir, free)),
        ("filesystem", "`%s`" % " ".join(df[-1].split()[:2]) if len(df) > 1 else "unknown"),
        ("cairn", "commit " + cairn_commit()),
        ("torch", python_module_version("torch")),
        ("numpy", python_module_version("numpy")),
        ("h5py", python_module_version("h5py")),
        ("fio", _cmd(["fio", "--version"]) or "not installed"),
        ("python", _cmd([PYTHON, "--version"])),
        ("command", "`%s`" % " ".join(argv)),
    ]
    lines = ["# Cairn benchmark results", "",
             "Generated by `make bench` (`scripts/bench/run_bench.py`); overwritten on every run. "
             "Wall-clock numbers: compare rows measured in the same run only.", "",
             "| | |", "|---|---|"]
    lines += ["| %s | %s |" % (k, v) for k, v in rows]
    return lines + [""]
