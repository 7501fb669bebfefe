#!/usr/bin/python3
"""Checks of the benchmark harness that time nothing (registered with ctest).

io_peer.py prints the documented JSON keys for a tiny state and leaves nothing
behind, and so does fio_peer.py (the disk's own limit; skipped without fio); the driver reads both the older and the newer `cairn-bench io --json`
(through a fake cairn); markdown tables line up; the distributed section runs
mpirun in the test harness's environment (not this process's), says when mpirun
is missing, and computes its ratios. Exits 77 (ctest's skip) when
/usr/bin/python3 has no numpy.
"""
import argparse
import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRATCH = os.path.join(os.path.dirname(os.path.dirname(HERE)), ".cache", "bench-test")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)

KEYS = ["tool", "bytes", "tensors", "runs", "save_seconds", "restore_seconds",
        "restore_warm_seconds", "save_peak_extra_mib"]


def fake_cairn(directory, json_line):
    path = os.path.join(directory, "cairn")
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho '%s'\n" % json_line)
    os.chmod(path, stat.S_IRWXU)
    return path


def bench_report():
    import bench_common
    return bench_common.Report()


class IoPeerTest(unittest.TestCase):
    def test_raw_prints_every_key_and_cleans_up(self):
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run(
                ["/usr/bin/python3", os.path.join(HERE, "io_peer.py"), "--tool", "raw",
                 "--dir", d, "--size-mb", "1", "--tensors", "4", "--runs", "1"],
                capture_output=True, text=True, check=True).stdout
            doc = json.loads(out)
            for key in KEYS:
                self.assertIn(key, doc)
            self.assertEqual(doc["tool"], "raw")
            self.assertEqual(doc["bytes"], 1 << 20)
            self.assertEqual(doc["tensors"], 4)
            for key in ("save_seconds", "restore_seconds", "restore_warm_seconds"):
                self.assertEqual(len(doc[key]), 1)
                self.assertGreater(doc[key][0], 0)
            self.assertEqual(os.listdir(d), [])

    def test_raw_and_direct_load_back_the_bytes_saved(self):
        import io_peer
        flat, _ = io_peer.make_state(5 << 20, 0)  # a partial last read of the direct peer
        state = {"__contiguous__": flat, "__arrays__": []}
        saved = memoryview(flat).cast("B").tobytes()
        with tempfile.TemporaryDirectory() as d:
            for tool in ("raw", "direct"):
                save, load, _ = io_peer.TOOLS[tool]
                sub = os.path.join(d, tool)
                os.makedirs(sub)
                try:
                    paths = save(state, sub)
                except OSError as e:  # O_DIRECT refused (tmpfs)
                    self.assertEqual(tool, "direct", e)
                    continue
                into = (io_peer.direct_buffer(len(saved)) if tool == "direct"
                        else bytearray(len(saved)))
                self.assertEqual(bytes(load(paths, into)), saved, tool)

    def test_rejects_more_tensors_than_values(self):
        p = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "io_peer.py"), "--tool", "raw",
                            "--dir", "/nonexistent", "--size-mb", "1", "--tensors", "300000"],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)


@unittest.skipIf(shutil.which("fio") is None, "fio not installed (scripts/install-bench-deps.sh)")
class FioPeerTest(unittest.TestCase):
    def run_fio_peer(self, d, *extra):
        return subprocess.run(["/usr/bin/python3", os.path.join(HERE, "fio_peer.py"), "--dir", d]
                              + list(extra), capture_output=True, text=True)

    def test_write_then_read_prints_the_peer_keys_and_cleans_up(self):
        # On disk, not tmpfs: fio opens its file with O_DIRECT.
        os.makedirs(SCRATCH, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=SCRATCH) as d:
            p = self.run_fio_peer(d, "--size-mb", "4", "--runs", "2")
            if p.returncode != 0 and "Invalid argument" in p.stderr:
                self.skipTest("O_DIRECT refused here: " + p.stderr.strip()[-200:])
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = json.loads(p.stdout)
            self.assertEqual(doc["tool"], "fio")
            self.assertEqual(doc["bytes"], 4 << 20)
            self.assertEqual(doc["runs"], 2)
            for key in ("save_seconds", "restore_seconds"):
                self.assertEqual(len(doc[key]), 2, key)
                self.assertTrue(all(s > 0 for s in doc[key]), doc[key])
            self.assertNotIn("restore_warm_seconds", doc)  # O_DIRECT: no warm figure
            self.assertTrue(doc["fio_version"].startswith("fio-"), doc["fio_version"])
            self.assertEqual(os.listdir(d), [])

    def test_rejects_a_size_fio_cannot_write_in_2_mib_blocks(self):
        with tempfile.TemporaryDirectory() as d:
            p = self.run_fio_peer(d, "--size-mb", "3")
        self.assertEqual(p.returncode, 2)
        self.assertIn("multiple of 2", p.stderr)

    def test_the_io_section_measures_it_as_the_disk_limit(self):
        import section_io
        os.makedirs(SCRATCH, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=SCRATCH) as d:
            doc, err = section_io.measure(section_io.DISK, argparse.Namespace(dir=d), 2, 8, 1)
        self.assertIsNone(err)
        self.assertEqual((doc["tool"], doc["bytes"]), ("fio", 2 << 20))


class IoReportTest(unittest.TestCase):
    def test_cairn_is_reported_against_fio_write_and_read(self):
        import section_io
        seconds = {"cairn": (2.0, 1.0), "fio": (1.0, 2.0)}  # (save, cold restore)
        results = {t: {"bytes": 10 ** 9, "save_seconds": [seconds.get(t, (1.0, 1.0))[0]],
                       "restore_seconds": [seconds.get(t, (1.0, 1.0))[1]]}
                   for t in section_io.TOOLS}
        rep = bench_report()
        with tempfile.TemporaryDirectory() as d:
            args = argparse.Namespace(dir=d, cairn_bench=fake_cairn(d, "{}"))
            with contextlib.redirect_stdout(io.StringIO()):
                section_io.report_shape(rep, args, results, {}, 64, 16, 1)
        line = next(l for l in rep.lines if "fio write" in l)
        self.assertIn("cairn save / fio write = 0.50", line)
        self.assertIn("cairn cold restore / fio read = 2.00", line)
        self.assertIn("may cache the disk image", line)


class CairnJsonTest(unittest.TestCase):
    def test_older_output_gives_save_and_warm_restore(self):
        import section_io
        with tempfile.TemporaryDirectory() as d:
            cairn = fake_cairn(d, '{"save_gbps": 0.5, "restore_gbps": 2.0, "bytes": 1000000000}')
            doc, err = section_io.cairn_io(cairn, d, 64, 16, 1)
        self.assertIsNone(err)
        self.assertAlmostEqual(doc["save_seconds"][0], 2.0)
        self.assertAlmostEqual(doc["restore_warm_seconds"][0], 0.5)
        self.assertNotIn("restore_seconds", doc)

    def test_newer_output_is_taken_as_is(self):
        import section_io
        line = json.dumps({"tool": "cairn", "bytes": 8, "save_seconds": [1.5],
                           "restore_seconds": [0.25], "restore_warm_seconds": [0.125],
                           "save_gbps": 9.0})
        with tempfile.TemporaryDirectory() as d:
            doc, _ = section_io.cairn_io(fake_cairn(d, line), d, 64, 16, 1)
        self.assertEqual(doc["save_seconds"], [1.5])
        self.assertEqual(doc["restore_seconds"], [0.25])

    def test_failing_command_is_reported_not_raised(self):
        import bench_common
        doc, err = bench_common.run_json(["/bin/false"])
        self.assertIsNone(doc)
        self.assertIn("exit 1", err)


class DistributedSectionTest(unittest.TestCase):
    def report_of(self, fn, *args):
        rep = bench_report()
        with contextlib.redirect_stdout(io.StringIO()):
            fn(rep, *args)
        return rep.lines

    def test_mpirun_runs_in_the_test_harness_environment_without_changing_ours(self):
        import section_distributed
        before = dict(os.environ)
        env = section_distributed.mpirun_env()
        self.assertEqual(dict(os.environ), before)
        self.assertEqual(env["OMPI_ALLOW_RUN_AS_ROOT"], "1")
        self.assertEqual(env["OMPI_MCA_btl_vader_single_copy_mechanism"], "none")
        self.assertEqual(env["OMPI_MCA_hwloc_base_binding_policy"], "none")
        self.assertEqual(env["OPENBLAS_NUM_THREADS"], "1")
        self.assertEqual(env["PATH"], os.environ["PATH"])

    def test_without_mpirun_the_section_says_not_available(self):
        import section_distributed
        path = os.environ["PATH"]
        with tempfile.TemporaryDirectory() as d:
            os.environ["PATH"] = d  # no mpirun there
            try:
                args = argparse.Namespace(dir=d, quick=True, runs=1, cairn_bench="/bin/false")
                lines = self.report_of(section_distributed.section_distributed, args)
            finally:
                os.environ["PATH"] = path
        self.assertTrue(any("mpirun: not available" in l for l in lines), lines)

    def test_save_is_reported_against_one_rank_and_fio_within_rounds(self):
        import section_distributed
        seconds = {"1": [2.0, 4.0], "2": [1.0, 4.0], "4": [4.0, 8.0], "io": [2.0, 2.0],
                   "fio": [1.0, 2.0]}
        lines = self.report_of(section_distributed.report_save, seconds,
                               {"4": "exit 1: boom"}, 1024)
        text = "\n".join(lines)
        self.assertIn("- 2 ranks / 1 rank = 1.50 (target >= 0.90", text)  # rounds: 2.0, 1.0
        self.assertIn("- 4 ranks / 1 rank = 0.50 (target >= 0.90", text)
        self.assertIn("NOT met", text)
        self.assertIn("1 ranks 0.50, 2 ranks 0.75, 4 ranks 0.25", text)
        self.assertIn("sharded-save, 4 ranks: not available (exit 1: boom)", text)

    def test_training_reports_efficiency_and_the_all_reduce_share(self):
        import section_distributed
        one = {"samples_per_s": 1000.0, "steps_per_s": 31.25, "batch": 32, "batch_per_rank": 32,
               "all_reduce_seconds_per_step": 0.0, "all_reduce_share_by_rank": [0.0]}
        two = {"samples_per_s": 1500.0, "steps_per_s": 46.9, "batch": 32, "batch_per_rank": 16,
               "all_reduce_seconds_per_step": 0.004, "all_reduce_share_by_rank": [0.2, 0.3]}
        lines = self.report_of(section_distributed.report_train,
                               {(32, 1): [one], (32, 2): [two]}, {(256, 2): "exit 1"}, 8)
        text = "\n".join(lines)
        self.assertIn("global batch 32: scaling efficiency = samples/s at 2 ranks / (2 x "
                      "samples/s at 1 rank) = 0.75", text)
        self.assertIn("batch 256, 2 ranks: not available (exit 1)", text)
        self.assertIn("| 4.000 ", text)
        self.assertIn("20.0% / 30.0%", text)


# Training FLOPs per step of the CNN and the LSTM classifier at batch 64, counted
# by hand: forward and kernel gradient of every layer with weights, input
# gradient of all but the first (bench/bench_train.h).
CNN_FLOPS = 2 * 64 * (2 * 26 * 26 * 9 * 32 + 3 * 11 * 11 * 288 * 64 + 3 * 1600 * 128 +
                      3 * 128 * 10)
LSTM_FLOPS = 2 * 64 * (3 * 200 * (64 + 128) * 512 + 3 * 128)


class TrainSectionTest(unittest.TestCase):
    def speed_lines(self, cairn_doc, torch_doc):
        import section_train
        saved = dict(section_train.CONFIG)
        with tempfile.TemporaryDirectory() as d:
            cairn = fake_cairn(d, json.dumps(cairn_doc))
            torch_dir = os.path.join(d, "torch")
            os.makedirs(torch_dir)
            section_train.CONFIG["torch_train"] = [fake_cairn(torch_dir, json.dumps(torch_doc))]
            try:
                rep = bench_report()
                with contextlib.redirect_stdout(io.StringIO()), \
                        contextlib.redirect_stderr(io.StringIO()):
                    section_train.speed_table(rep, argparse.Namespace(cairn_bench=cairn), [1, 2])
            finally:
                section_train.CONFIG.clear()
                section_train.CONFIG.update(saved)
        return rep.lines

    def test_cnn_and_lstm_against_torch_and_convolutions_against_gemm(self):
        # The fake cairn-bench answers every command alike: its "gflops" is also
        # the GEMM peak.
        lines = self.speed_lines({"samples_per_s": 300.0, "steps_per_s": 4.6875, "gflops": 10.0,
                                  "conv_gflops": 5.0, "conv_best_window_gflops": 5.5},
                                 {"samples_per_s": 240.0, "steps_per_s": 3.75, "gflops": 8.0})
        text = "\n".join(lines)
        for threads in (1, 2):
            self.assertIn("- cnn samples_per_s, %d threads: cairn / torch = 1.25 (target >= "
                          "1.50): NOT met" % threads, text)
            self.assertIn("- lstm samples_per_s, %d threads: cairn / torch = 1.25" % threads, text)
            self.assertIn("- cnn conv_best_window_gflops, %d threads: cairn / gemm = 0.55 "
                          "(target >= 0.60): NOT met" % threads, text)
        conv_rows = [l for l in lines if l.startswith("| 1 ") and "5.50" in l]
        self.assertEqual(len(conv_rows), 1, text)
        self.assertIn("| 5.00 ", conv_rows[0])
        self.assertIn("| 0.55 ", conv_rows[0])
        self.assertTrue(any(l.startswith("| cnn ") for l in lines), text)
        self.assertTrue(any(l.startswith("| lstm ") for l in lines), text)

    def test_a_cairn_without_the_convolution_keys_gives_not_available(self):
        text = "\n".join(self.speed_lines({"samples_per_s": 300.0, "gflops": 10.0},
                                          {"samples_per_s": 100.0}))
        self.assertIn("- cnn samples_per_s, 1 threads: cairn / torch = 3.00", text)
        self.assertIn("- cnn conv_best_window_gflops, 1 threads: cairn / gemm = n/a", text)


class TorchPeerTest(unittest.TestCase):
    def test_cnn_and_lstm_count_the_flops_cairn_counts(self):
        try:
            import torch  # noqa: F401
        except ImportError:
            self.skipTest("no python3-torch (scripts/install-bench-deps.sh)")
        for model, flops in (("cnn", CNN_FLOPS), ("lstm", LSTM_FLOPS)):
            if model == "cnn" and not os.path.exists("/usr/share/datasets/fashion-mnist"):
                continue
            out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "train_torch.py"),
                                  "--model", model, "--threads", "1", "--seconds", "0.05",
                                  "--json"], capture_output=True, text=True, check=True).stdout
            doc = json.loads(out)
            self.assertEqual(doc["batch"], 64)
            self.assertEqual(doc["flops_per_step"], flops, model)
            self.assertGreater(doc["samples_per_s"], 0)


class ReportTest(unittest.TestCase):
    def test_table_columns_line_up(self):
        import bench_common
        rep = bench_common.Report()
        with contextlib.redirect_stdout(io.StringIO()):
            rep.table(["tool", "GB/s"], [["raw", "1.25"], ["cairn", "n/a"]])
        widths = {len(line) for line in rep.lines if line}
        self.assertEqual(len(widths), 1)
        self.assertEqual(rep.lines[0], "| tool  | GB/s |")


if __name__ == "__main__":
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("bench_test: skipped, /usr/bin/python3 has no numpy")
        sys.exit(77)
    unittest.main()
