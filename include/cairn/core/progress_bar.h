// ProgressBar: shows a Progress (cairn/core/progress.h) on a text stream,
// the way `cairn train`, `cairn verify` and `cairn export` show theirs on
// stderr. On a terminal one line is redrawn in place ("\r"):
//
//   verify  42% [============>.................] 5.3 MB/12.6 MB  12.3 MB/s  ETA 1s
//
// Anywhere else (a log file, a pipe) plain lines, few enough to read: one
// each time another 10% is done, at least 5 s after the previous one:
//
//   verify: 40% (5.0 MB of 12.6 MB), 12.3 MB/s, ETA 1s
//
// and on both, finish() writes the last line, with the totals (bytes also
// exactly):
//
//   verify: 100% (12.6 MB of 12.6 MB; 12,603,221 bytes) in 1s, 12.3 MB/s
//
//   cairn::ProgressBar bar(std::cerr, {.label = "verify",
//                                      .terminal = cairn::is_terminal(std::cerr)});
//   auto results = cairn::verify_directory(dir, cairn::default_file_system(), &bar);
//   bar.finish();
//
// Rates and the ETA are averages since the bar was made. Time comes from
// `clock`, so tests drive it by hand.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "cairn/core/progress.h"

namespace cairn {

struct ProgressBarOptions {
  std::string label;             // starts every line: "verify"
  bool terminal = false;         // redraw one line in place, or write plain lines
  double redraw_seconds = 0.1;   // terminal: at most one redraw per this
  int plain_percent_step = 10;   // plain: a line each time this many more percent are done,
  double plain_min_seconds = 5;  // and no sooner than this after the previous line
  double plain_unknown_total_seconds = 30;  // plain, total unknown: a line this often
  // Seconds from any fixed origin. Default: a steady (monotonic) clock.
  std::function<double()> clock;
};

class ProgressBar final : public Progress {
 public:
  // `out` is borrowed: it must outlive the bar.
  ProgressBar(std::ostream& out, ProgressBarOptions options);
  // A bar left drawn (an exception unwound past finish()) ends its line, so
  // what follows starts on a line of its own.
  ~ProgressBar() override;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(int64_t done, int64_t total, ProgressUnit unit) override;
  // Writes `line` and a newline without garbling the bar: on a terminal the
  // bar is cleared first and drawn again below the line.
  void print_above(std::string_view line);
  // The last line, with what was done (of what total), how long it took and
  // the rate. Nothing when no update came; only once.
  void finish();

 private:
  double elapsed() const;
  std::string terminal_line(double elapsed) const;
  std::string plain_line(double elapsed) const;
  std::string final_line(double elapsed) const;
  std::string amounts() const;
  std::string rate(double elapsed) const;
  void draw(const std::string& line);
  bool plain_line_due(double elapsed) const;
  int percent() const;

  std::ostream& out_;
  ProgressBarOptions options_;
  double start_;
  int64_t done_ = 0;
  int64_t total_ = 0;
  ProgressUnit unit_ = ProgressUnit::kSteps;
  bool updated_ = false;
  bool finished_ = false;
  double last_output_ = -1;  // elapsed seconds at the last redraw or plain line; -1: none
  int last_bucket_ = 0;      // plain: percent / plain_percent_step at the last line
  size_t drawn_width_ = 0;   // terminal: characters of the bar on screen now (0: none)
};

// Seconds on a steady (monotonic) clock, from an arbitrary origin: the
// default clock of progress displays.
double steady_seconds();

// True when `out` is std::cout, std::cerr or std::clog and the descriptor
// behind it is a terminal.
bool is_terminal(const std::ostream& out);

}  // namespace cairn
