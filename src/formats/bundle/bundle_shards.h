// BundleShards: the data shards of one tensor bundle as a BundleReader
// reads them: tensors in the page cache copied straight into their memory
// on every core, tensors on the disk read around the page cache (direct
// I/O) when a restore walks them, and from a memory mapping (read ahead as
// tensors are asked for) otherwise. Internal to src/formats.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/io/checksummed_read.h"
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

  // One fixed-width tensor to copy: its entry, and where its e.size bytes go.
  struct StoredCopy {
    const BundleEntry* entry;
    char* to;
  };
  // What became of one copy: the crc32c of the bytes copied, or the error
  // (naming file and tensor); `where` holds the "file: tensor" text.
  struct Copied {
    Status status;
    uint32_t crc = 0;
    std::string where;
  };

  // Copies the stored bytes of every tensor into its `to` (each byte read
  // once, its crc32c computed while the bytes are in the CPU cache) and says
  // what became of each, in order. Bytes in the page cache are read with
  // read_checksummed, straight into `to`, on up to all cores: no page fault
  // per few pages as a copy out of the mapping takes. The rest is read as
  // copy_cold() says.
  std::vector<Copied> copy_stored(std::span<const StoredCopy> copies) const;

 private:
  // Refuses a sliced entry and one the index places past the end of its
  // file (`file_size` bytes); sets `where` to the "file: tensor" text.
  Status check_placement(const BundleEntry& e, uint64_t file_size, std::string* where) const;

  // Per shard, for read-ahead: where the last tensor read ended, and how far
  // read-ahead of the mapping has been asked for.
  struct ReadAhead {
    uint64_t last_end = 0;
    uint64_t advised_until = 0;
  };
  static constexpr uint64_t kReadAheadWindow = 16ull << 20;

  Result<const MappedFile*> shard(int shard_id, const std::string& tensor) const;
  Result<RandomAccessFile*> uncached_file(int shard_id, const std::string& tensor) const;
  Result<RandomAccessFile*> cached_file(int shard_id, const std::string& tensor) const;
  // Where `copy` reads from (its bounds checked against the shard), and
  // whether to look for it in memory first.
  Result<RangeRead> range_of(const StoredCopy& copy, std::string* where) const;
  // Bytes [from, from + n) of tensor `e` that were not in the page cache.
  // A restore walking the shard (`walk`: in order, or a tensor larger than
  // the read-ahead window) reads them through the uncached file, at the
  // disk's speed without filling the page cache; a lone tensor (a lazy
  // lookup) from the mapping, which reads only its own pages.
  Result<uint32_t> copy_cold(const BundleEntry& e, uint64_t from, uint64_t n, char* to,
                             bool walk) const;
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
  mutable std::vector<std::unique_ptr<RandomAccessFile>> cached_;
  mutable std::vector<ReadAhead> read_ahead_;
};

}  // namespace cairn::internal
