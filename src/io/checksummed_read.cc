// Checksummed reads of many ranges on a few threads (checksummed_read.h).
#include "cairn/io/checksummed_read.h"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>

#include "cairn/io/crc32c.h"

namespace cairn {
namespace {

// The first read of a run, and the first after a miss, asks for one page: a
// read of bytes not in memory starts the kernel's read-ahead (a few times
// the request, up to read_ahead_kb) through the page cache, which a caller
// reading cold bytes around the cache would not use.
constexpr size_t kProbeBytes = 4096;
constexpr int kMaxAutoThreads = 4;

// Bytes [begin, begin + size) of one range, read by one thread.
struct Piece {
  size_t range = 0;
  uint64_t begin = 0;
  uint64_t size = 0;
  uint64_t done = 0;  // read from memory; the rest is left to the slow read
  uint32_t crc = 0;   // of bytes [begin, begin + done), then of all of them
  Status status;
};
using Run = std::vector<Piece>;  // one thread's share, in file order

int run_count(uint64_t total, const ChecksummedReadOptions& options) {
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  const int most =
      options.max_threads > 0 ? options.max_threads : std::clamp(cpus, 1, kMaxAutoThreads);
  const uint64_t each = std::max<uint64_t>(options.min_bytes_per_thread, 1);
  return static_cast<int>(std::clamp<uint64_t>(total / each, 1, static_cast<uint64_t>(most)));
}

// The ranges laid end to end, cut into `count` runs of about equal bytes.
std::vector<Run> split(std::span<const RangeRead> ranges, uint64_t total, int count) {
  std::vector<Run> runs(static_cast<size_t>(count));
  uint64_t position = 0;  // in the ranges laid end to end
  size_t run = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    for (uint64_t at = 0; at < ranges[i].size;) {
      const uint64_t run_end = total * (run + 1) / runs.size();  // bytes in memory: no overflow
      if (position >= run_end) {
        ++run;
        continue;
      }
      const uint64_t take = std::min(ranges[i].size - at, run_end - position);
      runs[run].push_back({.range = i, .begin = at, .size = take});
      at += take;
      position += take;
    }
  }
  return runs;
}

// Reads what of `run` is in memory, a chunk at a time straight into its
// destination, and checksums each chunk while it is in the CPU cache. A
// piece stops at its first byte not in memory.
void read_from_memory(std::span<const RangeRead> ranges, Run& run, size_t chunk) {
  bool probe = true;
  for (Piece& p : run) {
    const RangeRead& r = ranges[p.range];
    while (r.try_memory && p.done < p.size) {
      const uint64_t at = p.begin + p.done;
      const size_t want =
          static_cast<size_t>(std::min<uint64_t>(probe ? kProbeBytes : chunk, p.size - p.done));
      char* to = r.dest + at;
      Result<std::string_view> got = r.file->read_cached(r.offset + at, want, to);
      if (!got.ok()) {
        p.status = got.status();
        break;
      }
      if (!got->empty() && got->data() != to) std::memcpy(to, got->data(), got->size());
      p.crc = crc32c::extend(p.crc, to, got->size());
      p.done += got->size();
      probe = got->size() < want;
      if (probe) break;  // not in memory: left to the slow read
    }
  }
}

// Runs runs[1..] on threads of their own and runs[0] here; a run whose
// thread cannot start is read here too.
void read_runs_from_memory(std::span<const RangeRead> ranges, std::vector<Run>& runs,
                           size_t chunk) {
  std::vector<std::thread> helpers;
  size_t started = 1;
  for (; started < runs.size(); ++started) {
    try {
      helpers.emplace_back(read_from_memory, ranges, std::ref(runs[started]), chunk);
    } catch (const std::system_error&) {
      break;
    }
  }
  read_from_memory(ranges, runs[0], chunk);
  for (size_t i = started; i < runs.size(); ++i) read_from_memory(ranges, runs[i], chunk);
  for (std::thread& helper : helpers) helper.join();
}

// Reads the bytes of `p` that were not in memory, here, and extends its crc.
void read_the_rest(std::span<const RangeRead> ranges, Piece& p,
                   const ChecksummedReadOptions& options) {
  if (!p.status.ok() || p.done == p.size) return;
  const RangeRead& r = ranges[p.range];
  const uint64_t from = p.begin + p.done;
  const uint64_t n = p.size - p.done;
  Result<uint32_t> crc =
      options.slow ? options.slow(p.range, from, n, r.dest + from)
                   : read_checksummed_in_order(*r.file, r.offset + from, n, r.dest + from);
  if (!crc.ok()) {
    p.status = crc.status();
    return;
  }
  p.crc = crc32c::combine(p.crc, *crc, n);
}

}  // namespace

Result<uint32_t> read_checksummed_in_order(const RandomAccessFile& file, uint64_t offset,
                                           uint64_t size, char* dest, size_t chunk_bytes) {
  uint32_t crc = 0;
  for (uint64_t at = 0; at < size; at += chunk_bytes) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_bytes, size - at));
    CAIRN_ASSIGN_OR_RETURN(std::string_view got, file.read(offset + at, n, dest + at));
    if (got.size() != n) {
      return data_loss_error("read " + file.path() + ": the file ends at byte " +
                             std::to_string(offset + at + got.size()) + ", inside bytes [" +
                             std::to_string(offset) + ", " + std::to_string(offset + size) +
                             ") (truncated file?)");
    }
    if (got.data() != dest + at) std::memcpy(dest + at, got.data(), n);
    crc = crc32c::extend(crc, dest + at, n);
  }
  return crc;
}

std::vector<RangeCrc> read_checksummed(std::span<const RangeRead> ranges,
                                       const ChecksummedReadOptions& options) {
  uint64_t total = 0;
  for (const RangeRead& r : ranges) total += r.size;
  std::vector<Run> runs = split(ranges, total, run_count(total, options));
  read_runs_from_memory(ranges, runs, std::max<size_t>(options.chunk_bytes, 1));
  std::vector<RangeCrc> out(ranges.size());
  for (Run& run : runs) {  // in file order: the slow reads walk forward
    for (Piece& p : run) {
      read_the_rest(ranges, p, options);
      RangeCrc& whole = out[p.range];
      if (!whole.status.ok()) continue;
      if (!p.status.ok()) {
        whole.status = p.status;
      } else {
        whole.crc = p.begin == 0 ? p.crc : crc32c::combine(whole.crc, p.crc, p.size);
      }
    }
  }
  return out;
}

}  // namespace cairn
