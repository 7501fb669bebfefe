// Checks a LevelDB table's index block (see table_index.h). Layouts, from
// LevelDB's doc/table_format.md:
//   block    := entry* restart (u32 LE)* num_restarts (u32 LE)
//   entry    := shared (varint32) non_shared (varint32) value_length (varint32)
//               key delta (non_shared bytes) value (value_length bytes)
//   trailer  := type (1 byte: 0 none, 1 snappy) masked crc32c (u32 LE) of
//               the block bytes and the type byte
//   an index entry's value is a block handle: offset, size (varint64 each)
//   snappy   := uncompressed length (varint32), then the compressed stream
#include "io/table_index.h"

#include <snappy.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"

namespace cairn::internal {
namespace {

constexpr char kSnappyBlock = 1;
// Snappy's densest element, a 3-byte copy of 64 bytes, expands under 22x.
constexpr uint64_t kMaxSnappyExpansion = 22;

Status malformed(const RandomAccessFile& file, const std::string& what) {
  return data_loss_error(file.path() + ": corrupt LevelDB table: " + what);
}

// The length a snappy stream of `compressed_size` bytes claims (read from
// its first bytes, `header`), refused when snappy could not expand it so far.
Result<uint64_t> snappy_length(const RandomAccessFile& file, std::string_view header,
                               uint64_t compressed_size) {
  uint32_t length = 0;
  if (!get_varint32(&header, &length)) return malformed(file, "bad snappy block header");
  if (length > compressed_size * kMaxSnappyExpansion) {
    return malformed(file, "snappy block of " + std::to_string(compressed_size) +
                               " bytes claims to expand to " + std::to_string(length));
  }
  return length;
}

// The index block's contents: checksummed, and uncompressed when snappy.
Result<std::string> read_block(const RandomAccessFile& file, uint64_t offset, uint64_t size) {
  std::string raw(static_cast<size_t>(size + kBlockTrailerSize), '\0');
  CAIRN_ASSIGN_OR_RETURN(std::string_view got, file.read(offset, raw.size(), raw.data()));
  if (got.size() != raw.size()) return malformed(file, "short read of the index block");
  const uint32_t stored = crc32c::unmask(decode_fixed32(got.data() + size + 1));
  if (crc32c::value(got.substr(0, static_cast<size_t>(size) + 1)) != stored) {
    return malformed(file, "index block checksum mismatch");
  }
  std::string_view body = got.substr(0, static_cast<size_t>(size));
  if (got[static_cast<size_t>(size)] != kSnappyBlock) return std::string(body);
  CAIRN_ASSIGN_OR_RETURN(uint64_t length, snappy_length(file, body, body.size()));
  std::string out(static_cast<size_t>(length), '\0');
  if (!snappy::RawUncompress(body.data(), body.size(), out.data())) {
    return malformed(file, "undecodable snappy index block");
  }
  return out;
}

// Refuses a data-block handle that leaves the blocks, or a snappy block that
// claims more than it can hold.
Status check_handle(const RandomAccessFile& file, uint64_t offset, uint64_t size) {
  const uint64_t limit = file.size() - kTableFooterSize;
  if (offset > limit || size > limit - offset || kBlockTrailerSize > limit - offset - size) {
    return malformed(file, "data block handle [" + std::to_string(offset) + ", +" +
                               std::to_string(size) + ") lies past the end of the blocks");
  }
  char type = 0;
  CAIRN_ASSIGN_OR_RETURN(std::string_view got, file.read(offset + size, 1, &type));
  if (got.size() != 1 || got[0] != kSnappyBlock) return ok_status();
  char head[5];
  CAIRN_ASSIGN_OR_RETURN(std::string_view start,
                         file.read(offset, std::min<uint64_t>(size, sizeof(head)), head));
  return snappy_length(file, start, size).status();
}

}  // namespace

Status check_index_block(const RandomAccessFile& file, uint64_t offset, uint64_t size) {
  CAIRN_ASSIGN_OR_RETURN(std::string block, read_block(file, offset, size));
  if (block.size() < 4) return malformed(file, "index block too short");
  const uint64_t restarts = decode_fixed32(block.data() + block.size() - 4);
  if (restarts > (block.size() - 4) / 4) return malformed(file, "bad index block restart count");
  std::string_view entries(block.data(), block.size() - 4 - restarts * 4);
  while (!entries.empty()) {
    uint32_t shared = 0, non_shared = 0, value_size = 0;
    if (!get_varint32(&entries, &shared) || !get_varint32(&entries, &non_shared) ||
        !get_varint32(&entries, &value_size) || non_shared > entries.size() ||
        value_size > entries.size() - non_shared) {
      return malformed(file, "bad entry in the index block");
    }
    std::string_view handle = entries.substr(non_shared, value_size);
    entries.remove_prefix(non_shared + value_size);
    uint64_t block_offset = 0, block_size = 0;
    if (!get_varint64(&handle, &block_offset) || !get_varint64(&handle, &block_size)) {
      return malformed(file, "bad block handle in the index block");
    }
    CAIRN_RETURN_IF_ERROR(check_handle(file, block_offset, block_size));
  }
  return ok_status();
}

}  // namespace cairn::internal
