// `cairn-bench`: measures this machine through cairn's own code paths, for
// `make bench` (scripts/bench/run_bench.py). A table of commands, run like
// `cairn`'s (cli/command_table.h):
//   cairn-bench io --dir DIR --size-mb N --tensors K [--runs R] [--json] [--async]
//   cairn-bench train --model iris|mnist|mlp|cnn|lstm [--threads T] [--seconds S] [--json]
//   cairn-bench train --model mnist --epochs E --checkpoint none|sync|async --dir DIR [--json]
//   cairn-bench gemm [--threads T] [--n N] [--runs R] [--json]
//   [mpirun -np N] cairn-bench sharded-save --dir DIR --size-mb N --tensors K [--runs R] [--json]
// Under `mpirun -np N`, sharded-save and the Keras speed runs of train run on
// the job's N ranks (data-parallel; rank 0 prints).
#include "bench/bench_gemm.h"
#include "bench/bench_io.h"
#include "bench/bench_program.h"
#include "bench/bench_sharded_save.h"
#include "bench/bench_train.h"
#include "cli/command_table.h"

namespace {

using cairn::cli::Command;
using cairn::cli::make_command;

Command io_command() {
  return make_command<cairn::bench::BenchIoCommand>(
      "io", "Save and restore a synthetic checkpoint through the training code path (GB/s)",
      [](CLI::App& io, cairn::bench::BenchIoCommand& b) {
        io.add_option("--dir", b.dir, "Directory to write the checkpoints in")->required();
        io.add_option("--size-mb", b.size_mb,
                      "Total size of the float32 state in MiB (default 64)");
        io.add_option("--tensors", b.tensors, "Number of tensors it is split into (default 16)");
        io.add_option("--runs", b.runs, "Save/restore rounds; median, min and max (default 5)");
        io.add_flag("--json", b.json, "Print JSON: {save_gbps, restore_gbps, ...}");
        io.add_flag("--async", b.async,
                    "Save in the background (AsyncSaver): blocking vs total time");
      },
      [](CLI::App&, cairn::bench::BenchIoCommand& b, std::ostream& out, std::ostream& err) {
        return cairn::bench::run_bench_io(b, out, err);
      });
}

Command train_command() {
  return make_command<cairn::bench::BenchTrainCommand>(
      "train", "Training speed of reference models through fit() / Estimator::train",
      [](CLI::App& train, cairn::bench::BenchTrainCommand& t) {
        train.add_option("--model", t.model, "iris, mnist, mlp, cnn or lstm")->required();
        train.add_option(
            "--threads", t.threads,
            "Threads for matrix products (default: OPENBLAS_NUM_THREADS, else one per core)");
        train.add_option("--seconds", t.seconds, "Seconds to time after the warm-up (default 3)");
        train.add_option("--epochs", t.epochs, "Checkpoint run (mnist): whole epochs to train");
        train.add_option("--checkpoint", t.checkpoint, "Checkpoint run: none, sync or async");
        train.add_option("--dir", t.dir, "Checkpoint run: where to save");
        train.add_option("--samples", t.samples,
                         "mnist, mlp, cnn, lstm: train on the first N examples only");
        train.add_option("--batch", t.batch,
                         "mnist, mlp, cnn, lstm speed runs: the batch, global under mpirun "
                         "(default: the model's, 32, 256, 64 and 64)");
        train.add_flag("--json", t.json, "Print JSON: {steps_per_s, samples_per_s, gflops, ...}");
      },
      [](CLI::App&, cairn::bench::BenchTrainCommand& t, std::ostream& out, std::ostream& err) {
        return cairn::bench::run_bench_train(t, out, err);
      });
}

Command sharded_save_command() {
  return make_command<cairn::bench::BenchShardedSaveCommand>(
      "sharded-save",
      "Save a synthetic checkpoint from every rank of mpirun -np N, one shard each (GB/s)",
      [](CLI::App& save, cairn::bench::BenchShardedSaveCommand& b) {
        save.add_option("--dir", b.dir, "Directory to write the checkpoints in")->required();
        save.add_option("--size-mb", b.size_mb,
                        "Total size of the float32 state in MiB (default 64)");
        save.add_option("--tensors", b.tensors, "Number of tensors it is split into (default 16)");
        save.add_option("--runs", b.runs, "Saves; median, min and max (default 5)");
        save.add_flag("--json", b.json, "Print JSON: {ranks, save_seconds, save_gbps, ...}");
      },
      [](CLI::App&, cairn::bench::BenchShardedSaveCommand& b, std::ostream& out,
         std::ostream& err) { return cairn::bench::run_bench_sharded_save(b, out, err); });
}

Command gemm_command() {
  return make_command<cairn::bench::BenchGemmCommand>(
      "gemm", "Single-precision matrix-product peak (GFLOP/s)",
      [](CLI::App& gemm, cairn::bench::BenchGemmCommand& g) {
        gemm.add_option("--threads", g.threads,
                        "Threads (default: OPENBLAS_NUM_THREADS, else one per core)");
        gemm.add_option("--n", g.n, "Size of the n x n x n product (default 4096)");
        gemm.add_option("--runs", g.runs, "Timed products; the best counts (default 5)");
        gemm.add_flag("--json", g.json, "Print JSON: {gflops, n, threads, ...}");
      },
      [](CLI::App&, cairn::bench::BenchGemmCommand& g, std::ostream& out, std::ostream& err) {
        return cairn::bench::run_bench_gemm(g, out, err);
      });
}

}  // namespace

int main(int argc, char** argv) {
  return cairn::cli::run_command_table(
      {.name = cairn::bench::kProgram,
       .description = "cairn-bench: measure this machine through cairn's code paths"},
      {io_command(), sharded_save_command(), train_command(), gemm_command()}, argc, argv);
}
