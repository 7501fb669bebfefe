#include "bench/bench_train.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_program.h"
#include "bench/bench_train_models.h"
#include "cairn/nn/gemm.h"
#include "cli/guarded.h"
#include "cli/job_group.h"

namespace cairn::bench {
namespace {

constexpr const char* kFlopsFormula =
    "per Dense layer (in x out), batch B: forward 2*B*in*out + weight gradient 2*B*in*out + "
    "input gradient 2*B*in*out except for the first layer";

// The timed steps split into kWindows runs of consecutive steps, and each
// run's steps per second: the best window is the figure compared with
// `cairn-bench gemm`'s best of 5 products (the same statistic on both sides,
// so host noise during one window does not count against either). Empty when
// fewer than two steps per window were timed.
constexpr int kWindows = 5;
static_assert(internal::kMinTimedSteps >= 2 * kWindows);

std::vector<double> window_step_rates(const std::vector<double>& step_ends) {
  std::vector<double> rates;
  const size_t n = step_ends.size();
  if (n < 2 * kWindows) return rates;
  double window_start = 0.0;
  for (size_t w = 0; w < kWindows; ++w) {
    const size_t first = w * n / kWindows, last = (w + 1) * n / kWindows;  // [first, last)
    const double window_end = step_ends[last - 1];
    rates.push_back(static_cast<double>(last - first) / std::max(window_end - window_start, 1e-9));
    window_start = window_end;
  }
  return rates;
}

void check(const BenchTrainCommand& cmd, const ProcessGroup& group) {
  if (group.size() > 1 && (cmd.model == "iris" || cmd.epochs > 0)) {
    throw InvalidArgumentError("under mpirun (" + std::to_string(group.size()) +
                               " ranks) train measures the speed of --model mnist or mlp only");
  }
  if (cmd.model != "iris" && cmd.model != "mnist" && cmd.model != "mlp") {
    throw InvalidArgumentError("--model must be iris, mnist or mlp, got '" + cmd.model + "'");
  }
  if (cmd.threads < 0) throw InvalidArgumentError("--threads must be at least 1");
  if (!(cmd.seconds > 0.0)) throw InvalidArgumentError("--seconds must be positive");
  if (cmd.epochs < 0) throw InvalidArgumentError("--epochs must be positive");
  if (cmd.samples < 0) throw InvalidArgumentError("--samples must be positive");
  if (cmd.batch < 0) throw InvalidArgumentError("--batch must be positive");
  if (cmd.batch > 0 && (cmd.model == "iris" || cmd.epochs > 0)) {
    throw InvalidArgumentError("--batch is for the speed runs of --model mnist or mlp");
  }
  if (cmd.epochs > 0 && cmd.model != "mnist") {
    throw InvalidArgumentError("checkpoint runs (--epochs) train --model mnist only");
  }
  if (cmd.epochs == 0 && cmd.checkpoint != "none") {
    throw InvalidArgumentError("--checkpoint needs --epochs");
  }
}

internal::TrainMeasurement measure(const BenchTrainCommand& cmd, ProcessGroup& group) {
  if (cmd.epochs > 0) {
    return internal::bench_keras_checkpoints(cmd.epochs, cmd.checkpoint, cmd.dir, cmd.samples);
  }
  if (cmd.model == "iris") return internal::bench_iris(cmd.seconds);
  return internal::bench_keras(cmd.model, cmd.seconds, cmd.samples, cmd.batch, group);
}

// The ranks, and what the gradients' all-reduce cost each rank during the
// timed steps: seconds per step and share of the wall-clock time.
void add_all_reduce(const internal::TrainMeasurement& m, nlohmann::ordered_json& doc) {
  const std::vector<double>& by_rank = m.all_reduce_seconds_by_rank;
  if (m.steps == 0 || m.seconds <= 0) return;  // checkpoint runs: whole epochs, no steps timed
  std::vector<double> shares;
  for (double s : by_rank) shares.push_back(s / m.seconds);
  doc["ranks"] = by_rank.size();
  doc["batch_per_rank"] = static_cast<double>(m.batch) / static_cast<double>(by_rank.size());
  doc["all_reduce_seconds_per_step"] = by_rank[0] / static_cast<double>(m.steps);
  doc["all_reduce_share"] = shares[0];
  doc["all_reduce_share_by_rank"] = shares;
}

void print(const BenchTrainCommand& cmd, const internal::TrainMeasurement& m, int threads,
           std::ostream& out) {
  const double flops = internal::flops_per_step(m.layers, m.batch);
  const double steps_per_s = static_cast<double>(m.steps) / m.seconds;
  const std::vector<double> window_rates = window_step_rates(m.step_ends);
  if (cmd.json) {
    nlohmann::ordered_json doc{{"model", cmd.model},
                               {"threads", threads},
                               {"batch", m.batch},
                               {"steps_per_s", steps_per_s},
                               {"samples_per_s", steps_per_s * static_cast<double>(m.batch)},
                               {"gflops", steps_per_s * flops / 1e9},
                               {"flops_per_step", flops},
                               {"flops_formula", kFlopsFormula},
                               {"steps", m.steps},
                               {"seconds", m.seconds},
                               {"code_path", m.code_path},
                               {"blas", nn::blas_description()}};
    add_all_reduce(m, doc);
    if (!window_rates.empty()) {
      std::vector<double> window_gflops;
      for (double r : window_rates) window_gflops.push_back(r * flops / 1e9);
      doc["window_gflops"] = window_gflops;
      doc["best_window_gflops"] = *std::max_element(window_gflops.begin(), window_gflops.end());
    }
    if (cmd.epochs > 0) {
      doc["checkpoint"] = cmd.checkpoint;
      doc["epoch_seconds"] = m.epoch_seconds;
      doc["save_blocking_seconds"] = m.save_blocking_seconds;
      doc["save_total_seconds"] = m.save_total_seconds;
    }
    out << doc.dump() << "\n";
    return;
  }
  char line[320];
  std::snprintf(line, sizeof(line),
                "%s via %s, batch %lld, %d threads (%s): %.1f steps/s, %.0f samples/s, "
                "%.2f GFLOP/s (%.4g FLOP/step)\n",
                cmd.model.c_str(), m.code_path.c_str(), static_cast<long long>(m.batch), threads,
                nn::blas_description(), steps_per_s, steps_per_s * static_cast<double>(m.batch),
                steps_per_s * flops / 1e9, flops);
  out << line;
  if (const size_t ranks = m.all_reduce_seconds_by_rank.size(); ranks > 1) {
    const double all_reduce = m.all_reduce_seconds_by_rank[0];
    std::snprintf(line, sizeof(line),
                  "%zu ranks, global batch %lld: the gradients' all-reduce took %.3f ms per step, "
                  "%.1f%% of the time (rank 0)\n",
                  ranks, static_cast<long long>(m.batch),
                  1e3 * all_reduce / static_cast<double>(m.steps), 100 * all_reduce / m.seconds);
    out << line;
  }
  if (!window_rates.empty()) {
    const double best = *std::max_element(window_rates.begin(), window_rates.end());
    std::snprintf(line, sizeof(line), "best of %d windows of consecutive steps: %.2f GFLOP/s\n",
                  kWindows, best * flops / 1e9);
    out << line;
  }
  for (size_t i = 0; i < m.epoch_seconds.size(); ++i) {
    out << "epoch " << i + 1 << ": " << m.epoch_seconds[i] << " s";
    if (i < m.save_blocking_seconds.size()) {
      out << ", save blocked " << m.save_blocking_seconds[i] << " s";
    }
    if (i < m.save_total_seconds.size()) out << ", committed after " << m.save_total_seconds[i];
    out << "\n";
  }
}

}  // namespace

namespace internal {

double flops_per_step(const std::vector<int64_t>& layers, int64_t batch) {
  double flops = 0.0;
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    const double product = 2.0 * static_cast<double>(batch * layers[i] * layers[i + 1]);
    flops += i == 0 ? 2.0 * product : 3.0 * product;  // forward, kernel grad, input grad
  }
  return flops;
}

}  // namespace internal

int run_bench_train(const BenchTrainCommand& cmd, std::ostream& out, std::ostream& err) {
  return cli::guarded(kProgram, "train", err, [&] {
    const std::unique_ptr<ProcessGroup> mpi =
        cli::job_process_group(cli::kDefaultCollectiveTimeout);
    ProcessGroup& group = mpi ? *mpi : single_process();
    check(cmd, group);
    if (cmd.threads > 0) nn::set_num_threads(cmd.threads);
    const internal::TrainMeasurement m = measure(cmd, group);
    if (group.is_chief()) print(cmd, m, nn::num_threads(), out);
  });
}

}  // namespace cairn::bench
