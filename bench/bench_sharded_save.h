// `cairn-bench sharded-save`: how fast the ranks of `mpirun -np N` save one
// checkpoint together, through the code path data-parallel training uses:
// a CheckpointManager with the job's process group, every rank writing its
// share of the tensors as one data shard (O_DIRECT, fsync) and rank 0
// committing the merged index and the state file once all are durable.
// Started without mpirun it is the group of one (one data shard).
//
//   mpirun -np 2 cairn-bench sharded-save --dir /tmp/b --size-mb 1024 --tensors 64 --runs 5
//   sharded save, 2 ranks: 1.31 GB/s median (min 1.22, max 1.36) over 5 runs, 1073741824 bytes
//   in 64 tensors, 2 data shards
//   ... --json
//   {"tool": "cairn", "ranks": 2, "bytes": .., "tensors": 64, "runs": 5, "shards": 2,
//    "save_seconds": [..], "save_gbps": .., "save_gbps_min": .., "save_gbps_max": .., ...}
//
// Every rank holds the whole state (float32 tensors of --size-mb MiB in all,
// replicated as in data-parallel training). Each run: a barrier, then every
// rank times its own save() from its start to its return; the run's seconds
// are the longest rank's (the save is done when the last rank is). The
// checkpoint of the first run is read back by rank 0 (every tensor listed,
// the last one's values compared); each run's files are deleted before the
// next, and the state file at the end: nothing is left in DIR. Rank 0 prints;
// the other ranks print only errors. Timings are wall-clock: compare them
// only with peers measured in the same run on the same directory.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace cairn::bench {

struct BenchShardedSaveCommand {
  std::string dir;
  int64_t size_mb = 64;
  int64_t tensors = 16;
  int runs = 5;
  bool json = false;
};

// The exit code: 0, or 1 with "cairn-bench sharded-save: CODE: message" on `err`.
int run_bench_sharded_save(const BenchShardedSaveCommand& cmd, std::ostream& out,
                           std::ostream& err);

}  // namespace cairn::bench
