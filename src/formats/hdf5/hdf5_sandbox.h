// Runs a parse of untrusted bytes in a forked child process first, because
// HDF5 itself is not safe on corrupt files: HDF5 1.10 (Debian 12's) trusts
// the object sizes and indices in its global heap (where variable-length
// strings live) and crashes or loops forever on some single flipped bytes.
// Internal to the formats layer.
//
//   CAIRN_RETURN_IF_ERROR(h5::run_isolated([&] { return decode(bytes).status(); }));
//   return decode(bytes);   // the child survived: the same parse is safe here
#pragma once

#include <cstddef>
#include <functional>

#include "cairn/core/status.h"

namespace cairn::internal::h5 {

// Runs `work` in a forked child. Returns the child's Status when it finished
// (only its code and message cross back); RESOURCE_EXHAUSTED when it ran out
// of memory (std::bad_alloc, or killed by SIGKILL, the out-of-memory
// killer's signal); DATA_LOSS when it crashed (any other signal) or ran longer
// than `timeout_seconds`. Runs `work` in this process instead when fork() fails. Holds the HDF5
// library lock while the child runs, so no other thread is inside HDF5 when it forks.
Status run_isolated(const std::function<Status()>& work, unsigned timeout_seconds = 60);

// The dry run's time limit for `bytes` of a file: `configured` when not 0,
// else 10 s plus 1 s per 64 MiB (keras_h5.h: KerasH5ReadOptions::parse_timeout_seconds).
inline unsigned dry_run_timeout(unsigned configured, size_t bytes) {
  return configured != 0 ? configured : 10 + static_cast<unsigned>(bytes >> 26);
}

// True inside a child started by run_isolated (it has a single thread and
// skips the library lock, whose owner did not follow it across fork()).
bool in_isolated_child();

// For fuzzing only (fuzz/keras_h5_fuzzer.cc, CAIRN_FUZZ_H5_IN_PROCESS=1):
// with `enabled` false, run_isolated runs `work` in this process, so the
// fuzzer sees every parse without a fork per input. A crash found that way
// inside HDF5 itself is HDF5's; in normal use the child contains it.
// Default: true.
void set_isolation_enabled(bool enabled);

}  // namespace cairn::internal::h5
