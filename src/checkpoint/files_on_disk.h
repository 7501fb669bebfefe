// A checkpoint's files as its directory lists them: what `cairn verify` and
// `cairn ls` report as its size and shards, and what a verify of it reads.
//
//   FilesOnDisk files = internal::files_on_disk("models/iris/model.ckpt-100", fs);
//   files.bytes;  files.checked_bytes;  files.shards;
#pragma once

#include <cstdint>
#include <string>

#include "cairn/checkpoint/verify.h"
#include "cairn/io/file_system.h"

namespace cairn::internal {

// The files of a checkpoint that lie in its directory ("NAME.previous.*"
// and temporaries are not its files).
struct FilesOnDisk {
  uint64_t bytes = 0;          // all of them, the .meta included
  uint64_t checked_bytes = 0;  // the .index and data files: what a verify reads
  int shards = 0;              // data files
};

FilesOnDisk files_on_disk(const std::string& prefix, FileSystem& fs);

// Sets health.bytes and health.shards from files_on_disk(health.prefix).
void add_files_on_disk(FileSystem& fs, CheckpointHealth& health);

}  // namespace cairn::internal
