// `cairn-bench io`: how fast a checkpoint of a given shape is saved and
// restored on this machine, through the code path training uses
// (save_variables: temporaries, fsync, rename, directory fsync; restore:
// BundleReader::read_many_into of every tensor, each crc32c verified, into a
// model state allocated once, as an Estimator restores into its variables),
// beside memcpy of the same bytes into the same memory (the peer of a warm
// restore).
//
//   cairn-bench io --dir /tmp/bench --size-mb 1024 --tensors 64 --runs 5
//   save     1.31 GB/s median (min 1.22, max 1.36) over 5 runs, 1073741824 bytes in 64 tensors
//   restore  1.48 GB/s median (min 1.40, max 1.55)
//   cairn-bench io --dir /tmp/bench --size-mb 64 --tensors 16 --json
//   {"save_gbps": 1.3, "save_gbps_min": .., "save_gbps_max": .., "restore_gbps": .., ...}
//
// The state is float32 tensors summing to size-mb MiB. Each run saves a new
// bundle in DIR (timed, with the peak memory the save added), evicts its
// files from the page cache (posix_fadvise DONTNEED) and restores it from the
// disk ("restore"), again from the page cache ("restore_warm"), and opens it
// once more cold to read one tensor ("restore one": a lazy restore), then
// deletes it; nothing is left at the end. --json adds every run's seconds
// (save_seconds, restore_seconds, restore_warm_seconds, restore_one_seconds,
// memcpy_seconds, save_blocking_seconds with --async), save_peak_extra_mib
// and restore_warm_over_memcpy (median warm restore speed / memcpy speed). Timings are
// wall-clock: compare them only with peers measured in the same run on the
// same directory.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace cairn::bench {

struct BenchIoCommand {
  std::string dir;
  int64_t size_mb = 64;
  int64_t tensors = 16;
  int runs = 5;
  bool json = false;
  bool async = false;  // save through AsyncSaver: report blocking vs total time
};

// The exit code: 0, or 1 with "cairn-bench io: CODE: message" on `err`.
int run_bench_io(const BenchIoCommand& cmd, std::ostream& out, std::ostream& err);

}  // namespace cairn::bench
