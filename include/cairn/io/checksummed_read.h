// Checksummed reads: many byte ranges of files copied straight into the
// memory that keeps them, each range's CRC-32C computed on the way, the bytes
// spread over a few threads. A checkpoint restore fills its variables this
// way, so that from the page cache it runs near memcpy speed.
//
//   std::vector<cairn::RangeRead> ranges = {
//       {.file = data.get(), .offset = 0, .size = a.size(), .dest = a.data()},
//       {.file = data.get(), .offset = a.size(), .size = b.size(), .dest = b.data()}};
//   std::vector<cairn::RangeCrc> got = cairn::read_checksummed(ranges);
//   if (!got[1].status.ok()) return got[1].status;
//   if (got[1].crc != expected_crc_of_b) ...;
//
// How: the ranges, laid end to end, are cut into one run of about equal bytes
// per thread (a range may be cut too; the crcs of its pieces are joined with
// crc32c::combine). Each thread reads its run a chunk at a time with
// RandomAccessFile::read_cached, straight into the destination, then
// checksums the chunk while it is still in the CPU cache: each byte is read
// once, with no page fault on the file's side (a copy out of a memory
// mapping faults every few pages). What is not in memory is left to `slow`,
// called afterwards on the calling thread, in file order: a caller can then
// read it in order, around the page cache, at the disk's speed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/io/file_system.h"

namespace cairn {

// Bytes [offset, offset + size) of `file`, to be copied to `dest` (which
// must hold `size` bytes). Both are borrowed for the call; `file` may be
// null when try_memory is false and the options' `slow` reads the range.
struct RangeRead {
  const RandomAccessFile* file = nullptr;
  uint64_t offset = 0;
  uint64_t size = 0;
  char* dest = nullptr;
  // False: straight to the slow read, without trying memory (the caller
  // knows the bytes are on the disk).
  bool try_memory = true;
};

// What became of one range: ok with the crc32c of its bytes, or the first
// error met while reading it (`crc` then means nothing).
struct RangeCrc {
  Status status;
  uint32_t crc = 0;
};

// Reads bytes [from, from + n) of ranges[range] into `to` (= its dest + from)
// when they were not in memory, and returns their crc32c.
using SlowRangeRead =
    std::function<Result<uint32_t>(size_t range, uint64_t from, uint64_t n, char* to)>;

struct ChecksummedReadOptions {
  // Bytes read and checksummed per step: large enough that a system call
  // costs little, small enough to stay in the CPU's cache until checksummed.
  size_t chunk_bytes = size_t{1} << 20;
  // Threads at most (the caller's included); 0 = the CPU count, up to 4.
  int max_threads = 0;
  // A thread is started only for at least this many bytes.
  uint64_t min_bytes_per_thread = uint64_t{8} << 20;
  // Reads what read_cached() left; unset: RandomAccessFile::read.
  SlowRangeRead slow;
};

// Reads every range, each byte once, and returns one RangeCrc per range, in
// order. Never throws: a thread that cannot start leaves its bytes to the
// calling thread. A short read (the file ended early) is DATA_LOSS naming the
// file and the offset. On failure the destinations hold unspecified values.
std::vector<RangeCrc> read_checksummed(std::span<const RangeRead> ranges,
                                       const ChecksummedReadOptions& options = {});

// Reads bytes [offset, offset + size) of `file` into `dest` on the calling
// thread, in order, `chunk_bytes` at a time, and returns their crc32c, each
// chunk checksummed right after it is read. DATA_LOSS naming the file if it
// ends first.
Result<uint32_t> read_checksummed_in_order(const RandomAccessFile& file, uint64_t offset,
                                           uint64_t size, char* dest,
                                           size_t chunk_bytes = size_t{256} << 10);

}  // namespace cairn
