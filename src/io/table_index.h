// Internal to io: a check of a LevelDB table's index block, run before
// LevelDB reads the table. LevelDB allocates a buffer of the size each block
// handle claims (and of the size a snappy block claims to expand to) before
// it reads or checksums the block, so a crc-valid index can make it allocate
// gigabytes. This reads the index block itself and refuses every handle that
// does not lie inside the file.
//
//   CAIRN_RETURN_IF_ERROR(internal::check_index_block(file, index_offset, index_size));
#pragma once

#include <cstdint>

#include "cairn/core/status.h"
#include "cairn/io/file_system.h"

namespace cairn::internal {

// LevelDB's table layout: the fixed-size footer at the end of the file (two
// block handles, padding and the magic number) and the trailer after each
// block (its compression type and crc32c).
inline constexpr uint64_t kTableFooterSize = 48;
inline constexpr uint64_t kBlockTrailerSize = 5;

// The index block lies at [offset, offset + size) of `file`, followed by its
// 5-byte trailer, and must already be known to fit in the file. DATA_LOSS
// naming the file when its checksum fails, it is malformed, a data-block
// handle reaches past the blocks (into the footer or beyond the end), or a
// snappy data block claims to expand beyond what snappy can produce.
Status check_index_block(const RandomAccessFile& file, uint64_t offset, uint64_t size);

}  // namespace cairn::internal
