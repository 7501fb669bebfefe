#include "bench/bench_train.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
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
    "per layer with weights doing m multiply-adds per sample, batch B: forward 2*B*m + weight "
    "gradient 2*B*m + input gradient 2*B*m except for the first layer; m = in*out for Dense, "
    "out_h*out_w*kh*kw*in*filters for Conv2D, timesteps*(features+units)*4*units for LSTM, 0 "
    "for Embedding";

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
  if (cmd.model != "iris" && cmd.model != "mnist" && cmd.model != "mlp" && cmd.model != "cnn" &&
      cmd.model != "lstm") {
    throw InvalidArgumentError("--model must be iris, mnist, mlp, cnn or lstm, got '" + cmd.model +
                               "'");
  }
  if (cmd.threads < 0) throw InvalidArgumentError("--threads must be at least 1");
  if (!(cmd.seconds > 0.0)) throw InvalidArgumentError("--seconds must be positive");
  if (cmd.epochs < 0) throw InvalidArgumentError("--epochs must be positive");
  if (cmd.samples < 0) throw InvalidArgumentError("--samples must be positive");
  if (cmd.batch < 0) throw InvalidArgumentError("--batch must be positive");
  if (cmd.batch > 0 && (cmd.model == "iris" || cmd.epochs > 0)) {
    throw InvalidArgumentError("--batch is for the speed runs of --model mnist, mlp, cnn or lstm");
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

// The GFLOP/s of each window of `m` (empty when too few steps were timed).
std::vector<double> window_gflops(const internal::TrainMeasurement& m) {
  const double flops = internal::flops_per_step(m.macs, m.batch);
  std::vector<double> gflops;
  for (double r : window_step_rates(m.step_ends)) gflops.push_back(r * flops / 1e9);
  return gflops;
}

double best_of(const std::vector<double>& values) {
  return values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
}

// The CNN's convolutions timed alone: their mean and best-window GFLOP/s.
void add_convolutions(const internal::TrainMeasurement& conv, nlohmann::ordered_json& doc) {
  const double flops = internal::flops_per_step(conv.macs, conv.batch);
  doc["conv_code_path"] = conv.code_path;
  doc["conv_flops_per_step"] = flops;
  doc["conv_gflops"] = static_cast<double>(conv.steps) * flops / conv.seconds / 1e9;
  doc["conv_best_window_gflops"] = best_of(window_gflops(conv));
}

void print_convolutions(const internal::TrainMeasurement& conv, std::ostream& out) {
  const double flops = internal::flops_per_step(conv.macs, conv.batch);
  char line[240];
  std::snprintf(line, sizeof(line),
                "convolutions alone (%s), batch %lld: %.2f GFLOP/s, best of %d windows %.2f "
                "GFLOP/s (%.4g FLOP/step)\n",
                conv.code_path.c_str(), static_cast<long long>(conv.batch),
                static_cast<double>(conv.steps) * flops / conv.seconds / 1e9, kWindows,
                best_of(window_gflops(conv)), flops);
  out << line;
}

void print(const BenchTrainCommand& cmd, const internal::TrainMeasurement& m,
           const std::optional<internal::TrainMeasurement>& conv, int threads, std::ostream& out) {
  const double flops = internal::flops_per_step(m.macs, m.batch);
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
      doc["window_gflops"] = window_gflops(m);
      doc["best_window_gflops"] = best_of(window_gflops(m));
    }
    if (conv) add_convolutions(*conv, doc);
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
  if (conv) print_convolutions(*conv, out);
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

double flops_per_step(const std::vector<double>& macs, int64_t batch) {
  double flops = 0.0;
  for (size_t i = 0; i < macs.size(); ++i) {
    const double product = 2.0 * static_cast<double>(batch) * macs[i];
    flops += i == 0 ? 2.0 * product : 3.0 * product;  // forward, kernel grad, input grad
  }
  return flops;
}

std::vector<double> dense_macs(const std::vector<int64_t>& widths) {
  std::vector<double> macs;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    macs.push_back(static_cast<double>(widths[i]) * static_cast<double>(widths[i + 1]));
  }
  return macs;
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
    std::optional<internal::TrainMeasurement> conv;
    if (cmd.model == "cnn") conv = internal::bench_cnn_convolutions(cmd.seconds);
    if (group.is_chief()) print(cmd, m, conv, nn::num_threads(), out);
  });
}

}  // namespace cairn::bench
