#include "keras/callbacks/progress_bar.h"

#include <cmath>
#include <cstdio>

#include "cairn/core/progress_bar.h"
#include "cairn/core/progress_format.h"

namespace cairn::keras::internal {

namespace {

constexpr int kWidth = 30;

std::string printf_string(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string logs_text(const Logs& logs) {
  std::string text;
  for (const auto& [name, value] : logs) text += " - " + name + ":" + format_metric(value);
  return text;
}

// Keras: "2ms/step", "153us/step", "1s/step".
std::string time_per_step(double seconds) {
  if (seconds >= 1.0 || seconds == 0.0) return printf_string("%.0fs/step", seconds);
  if (seconds >= 1e-3) return printf_string("%.0fms/step", seconds * 1e3);
  return printf_string("%.0fus/step", seconds * 1e6);
}

}  // namespace

std::string format_metric(double value) {
  return printf_string(std::abs(value) > 1e-3 ? " %.4f" : " %.4e", value);
}

ProgressBar::ProgressBar(std::ostream& out, int target, int verbose, bool dynamic,
                         std::function<double()> clock)
    : out_(out), target_(target), verbose_(verbose), dynamic_(dynamic), clock_(std::move(clock)) {
  if (!clock_) clock_ = steady_seconds;
  start_ = clock_();
}

double ProgressBar::elapsed_seconds() const { return clock_() - start_; }

std::string ProgressBar::bar(int current) const {
  const int digits = static_cast<int>(std::to_string(target_).size());
  std::string counter = std::to_string(current);
  return std::string(static_cast<size_t>(digits) - counter.size(), ' ') + counter + "/" +
         std::to_string(target_) + " " + progress_bar_text(current, target_, kWidth);
}

void ProgressBar::update(int current, const Logs& logs) {
  if (verbose_ != 1 || !dynamic_ || current >= target_) return;
  const double eta = current > 0 ? elapsed_seconds() / current * (target_ - current) : 0.0;
  out_ << "\r" << bar(current) << " - ETA: " << format_duration(eta) << logs_text(logs)
       << std::flush;
}

void ProgressBar::finish(const Logs& logs) {
  const double seconds = elapsed_seconds();
  const std::string total = printf_string("%.0fs", seconds);
  if (verbose_ == 1) {
    if (dynamic_) out_ << "\r";
    const double per_step = target_ > 0 ? seconds / target_ : 0.0;
    out_ << bar(target_) << " - " << total << " " << time_per_step(per_step) << logs_text(logs)
         << "\n";
  } else if (verbose_ == 2) {
    out_ << target_ << "/" << target_ << " - " << total << logs_text(logs) << "\n";
  }
  out_ << std::flush;
}

}  // namespace cairn::keras::internal
