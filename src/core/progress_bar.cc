#include "cairn/core/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include "cairn/core/progress_format.h"
#include "cairn/core/strings.h"

namespace cairn {
namespace {

constexpr int kBarWidth = 30;  // as Keras's

std::string right_aligned(std::string text, size_t width) {
  return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
}

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool is_terminal(const std::ostream& out) {
  if (&out == &std::cout) return isatty(STDOUT_FILENO) == 1;
  if (&out == &std::cerr || &out == &std::clog) return isatty(STDERR_FILENO) == 1;
  return false;
}

ProgressBar::ProgressBar(std::ostream& out, ProgressBarOptions options)
    : out_(out), options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  start_ = options_.clock();
}

ProgressBar::~ProgressBar() {
  if (drawn_width_ > 0) out_ << "\n" << std::flush;
}

double ProgressBar::elapsed() const { return std::max(0.0, options_.clock() - start_); }

int ProgressBar::percent() const {
  if (total_ <= 0) return 0;
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  return static_cast<int>(std::floor(100 * std::clamp(fraction, 0.0, 1.0)));
}

// "12.3 MB/s"; "" before any time has passed.
std::string ProgressBar::rate(double elapsed) const {
  if (elapsed <= 0) return "";
  return format_rate(static_cast<double>(done_) / elapsed, unit_);
}

// "42% (5.3 MB of 12.6 MB)", or "5.3 MB" without a total.
std::string ProgressBar::amounts() const {
  if (total_ <= 0) return format_amount(done_, unit_);
  return std::to_string(percent()) + "% (" + format_fraction(done_, total_, unit_, " of ") + ")";
}

namespace {

// Seconds left at the average rate so far; negative when unknown.
double seconds_left(int64_t done, int64_t total, double elapsed) {
  if (total <= 0 || done <= 0 || elapsed <= 0) return -1;
  return static_cast<double>(std::max<int64_t>(0, total - done)) * elapsed /
         static_cast<double>(done);
}

// `parts` joined by `separator`, empty ones left out.
std::string joined(std::initializer_list<std::string> parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

}  // namespace

std::string ProgressBar::terminal_line(double elapsed) const {
  if (total_ <= 0) {
    return joined({options_.label, format_amount(done_, unit_), rate(elapsed)}, "  ");
  }
  const double left = seconds_left(done_, total_, elapsed);
  return joined({options_.label + " " + right_aligned(std::to_string(percent()) + "%", 4) + " " +
                     progress_bar_text(done_, total_, kBarWidth) + " " +
                     format_fraction(done_, total_, unit_),
                 rate(elapsed), left < 0 ? "" : "ETA " + format_duration(left)},
                "  ");
}

std::string ProgressBar::plain_line(double elapsed) const {
  const double left = seconds_left(done_, total_, elapsed);
  return options_.label + ": " +
         joined({amounts(), rate(elapsed), left < 0 ? "" : "ETA " + format_duration(left)}, ", ");
}

// The totals: as other lines, with the exact count of bytes.
std::string ProgressBar::final_line(double elapsed) const {
  std::string totals = amounts();
  if (unit_ == ProgressUnit::kBytes && done_ >= 1000) {
    const std::string exact = group_thousands(std::to_string(done_)) + " bytes";
    totals = total_ > 0 ? totals.substr(0, totals.size() - 1) + "; " + exact + ")"
                        : totals + " (" + exact + ")";
  }
  return options_.label + ": " +
         joined({totals + " in " + format_duration(elapsed), rate(elapsed)}, ", ");
}

void ProgressBar::draw(const std::string& line) {
  out_ << "\r" << line;
  if (line.size() < drawn_width_) out_ << std::string(drawn_width_ - line.size(), ' ');
  out_ << std::flush;
  drawn_width_ = std::max<size_t>(line.size(), 1);
}

bool ProgressBar::plain_line_due(double elapsed) const {
  const double since = elapsed - std::max(0.0, last_output_);
  if (total_ <= 0) return since >= options_.plain_unknown_total_seconds;
  const int bucket = percent() / std::max(1, options_.plain_percent_step);
  return done_ < total_ && bucket > last_bucket_ && since >= options_.plain_min_seconds;
}

void ProgressBar::update(int64_t done, int64_t total, ProgressUnit unit) {
  done_ = done, total_ = total, unit_ = unit, updated_ = true;
  if (finished_) return;
  const double now = elapsed();
  if (options_.terminal) {
    if (last_output_ >= 0 && now - last_output_ < options_.redraw_seconds) return;
    draw(terminal_line(now));
  } else {
    if (!plain_line_due(now)) return;
    out_ << plain_line(now) << "\n" << std::flush;
    last_bucket_ = percent() / std::max(1, options_.plain_percent_step);
  }
  last_output_ = now;
}

void ProgressBar::print_above(std::string_view line) {
  if (drawn_width_ == 0) {
    out_ << line << "\n" << std::flush;
    return;
  }
  const size_t bar_width = drawn_width_;
  drawn_width_ = 0;
  out_ << "\r" << line;
  if (line.size() < bar_width) out_ << std::string(bar_width - line.size(), ' ');
  out_ << "\n";
  draw(terminal_line(elapsed()));
}

void ProgressBar::finish() {
  if (!updated_ || finished_) return;
  finished_ = true;
  const std::string line = final_line(elapsed());
  if (options_.terminal) {
    draw(line);
    drawn_width_ = 0;
  } else {
    out_ << line;
  }
  out_ << "\n" << std::flush;
}

}  // namespace cairn
