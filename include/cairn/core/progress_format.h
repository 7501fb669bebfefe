// How progress reads: a bar, amounts, rates and times, in one place for the
// command line's progress (cairn/core/progress_bar.h) and Keras's training
// output (keras/callbacks/progress_bar.h).
//
//   cairn::progress_bar_text(7, 32, 30)   // "[=====>........................]"
//   cairn::format_duration(125.4)         // "2:05"   (Keras's ETA: "45s", "2:05", "1:02:03")
//   cairn::format_amount(12'600'000, cairn::ProgressUnit::kBytes)  // "12.6 MB"
//   cairn::format_amount(150, cairn::ProgressUnit::kSteps)         // "150 steps"
//   cairn::format_rate(12'300'000, cairn::ProgressUnit::kBytes)    // "12.3 MB/s"
//   cairn::format_rate(450, cairn::ProgressUnit::kSteps)           // "450 steps/s"
//
// Bytes count in powers of 1000 (kB, MB, GB, TB), as disk sizes and
// transfer rates are usually quoted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/core/progress.h"

namespace cairn {

// Keras's bar: `width` characters between brackets, '=' for what is done
// with '>' at its head while unfinished, '.' for the rest. A total of 0
// (nothing to do) is a full bar.
std::string progress_bar_text(int64_t done, int64_t total, int width);

// Whole seconds as Keras writes an ETA: "7s" up to a minute, "2:05" up to an
// hour, "1:02:03" beyond; rounded to the nearest second, never negative.
std::string format_duration(double seconds);

// `count` units for people: bytes as "512 B", "12.6 MB"; other units as
// "150 steps", "1 step".
std::string format_amount(int64_t count, ProgressUnit unit);

// "5.3 MB/12.6 MB", "150/200 steps": `done` of `total`, `between` them
// ("150 of 200 steps" with " of ").
std::string format_fraction(int64_t done, int64_t total, ProgressUnit unit,
                            std::string_view between = "/");

// Units per second: "12.3 MB/s", "450 steps/s", "12.5 steps/s", "0.52 steps/s".
std::string format_rate(double per_second, ProgressUnit unit);

}  // namespace cairn
