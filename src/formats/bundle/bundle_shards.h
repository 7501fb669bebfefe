// BundleShards: the data shards of one tensor bundle as a BundleReader
// reads them: each memory-mapped on first use, read ahead as tensors are
// asked for, and read around the page cache (direct I/O) when a restore
// walks large tensors that are not in memory. Internal to src/formats.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/io/file_system.h"

namespace cairn::internal {

class BundleShards {
 public:
  BundleShards(FileSystem& fs, const std::string& prefix) : fs_(fs), prefix_(prefix) {}
  void resize(int num_shards);

  // The tensor's stored bytes inside its mapped shard (bounds checked, not
  // crc checked), read ahead; `where` gets the "file: tensor" text errors
  // begin with.
  Result<std::string_view> stored_bytes(const BundleEntry& e, std::string* where) const;

  // The same view without read-ahead: checks that the file holds the bytes
  // the index places there, before anything is allocated for them.
  Result<std::string_view> mapped_bytes(const BundleEntry& e, std::string* where) const;

  // Copies the stored bytes of fixed-width tensor `e` into `to` (e.size
  // bytes) and returns their crc32c, computed on each slice while it is in
  // the CPU cache. Bytes already in memory, and a lone tensor smaller than the
  // read-ahead window (a lazy lookup), come from the mapping; a restore
  // walking tensors in order, or one larger than the window, reads what is not
  // in memory through the uncached file: at the disk's speed, without a page
  // fault per 4 KiB or filling the page cache.
  Result<uint32_t> copy_stored(const BundleEntry& e, char* to, std::string* where) const;

 private:
  // Per shard, for read-ahead: where the last tensor read ended, and how far
  // read-ahead of the mapping has been asked for.
  struct ReadAhead {
    uint64_t last_end = 0;
    uint64_t advised_until = 0;
  };
  static constexpr uint64_t kReadAheadWindow = 16ull << 20;

  Result<const MappedFile*> shard(int shard_id, const std::string& tensor) const;
  Result<RandomAccessFile*> uncached_file(int shard_id, const std::string& tensor) const;
  // The shard's file in `slot`, opened with `open(path)` the first time
  // (called with mu_ held); an error names the tensor that needed it.
  template <typename File, typename Open>
  Result<File*> open_once(std::unique_ptr<File>& slot, int shard_id, const std::string& tensor,
                          Open open) const;
  // Records that tensor `e` is read; true if it starts where the last tensor
  // read from its shard ended (a restore walking the file).
  bool note_read(const BundleEntry& e) const;
  // Asks the mapping to read `e` ahead. A tensor read in order gets a window
  // of kReadAheadWindow bytes, so thousands of small tensors cost a few large
  // reads instead of a small read and a page fault each; a lone tensor (a
  // lazy lookup) reads only its own bytes.
  void read_ahead_for(const MappedFile& file, const BundleEntry& e, bool in_order) const;

  FileSystem& fs_;
  const std::string& prefix_;
  int num_shards_ = 0;
  mutable std::mutex mu_;  // guards the vectors below
  // Committed shards are never rewritten in place (saves rename new files
  // over old names), so a mapping stays valid while the reader lives.
  mutable std::vector<std::unique_ptr<MappedFile>> mapped_;
  mutable std::vector<std::unique_ptr<RandomAccessFile>> uncached_;
  mutable std::vector<ReadAhead> read_ahead_;
};

}  // namespace cairn::internal
