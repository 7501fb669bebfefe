// The index-block check that runs before LevelDB reads a table: block handles
// and snappy lengths in a crc-valid index must not make LevelDB allocate
// beyond the file. The tables here are assembled byte by byte (layout in
// table_index.cc) so the checksums are right and only the sizes lie.
#include <gtest/gtest.h>

#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/table.h"

namespace cairn {
namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;

// The contents of a block holding `entries` (no prefix sharing, one restart point).
std::string block(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (const auto& [key, value] : entries) {
    put_varint32(&out, 0);
    put_varint32(&out, static_cast<uint32_t>(key.size()));
    put_varint32(&out, static_cast<uint32_t>(value.size()));
    out += key + value;
  }
  put_fixed32(&out, 0);  // restart offset
  put_fixed32(&out, 1);  // restart count
  return out;
}

// `contents` followed by its trailer: block type and masked crc32c.
std::string with_trailer(std::string contents, char type = 0) {
  contents.push_back(type);
  uint32_t crc = crc32c::mask(crc32c::value(contents));
  put_fixed32(&contents, crc);
  return contents;
}

std::string handle(uint64_t offset, uint64_t size) {
  std::string out;
  put_varint64(&out, offset);
  put_varint64(&out, size);
  return out;
}

// A table of one data block (`data`, trailer included) whose index entry
// holds `data_handle`.
std::string table(const std::string& data, const std::string& data_handle) {
  std::string file = data;
  const uint64_t meta_offset = file.size();
  file += with_trailer(block({}));
  const uint64_t index_offset = file.size();
  std::string index = block({{"z", data_handle}});
  file += with_trailer(index);
  std::string footer =
      handle(meta_offset, index_offset - meta_offset - 5) + handle(index_offset, index.size());
  footer.resize(40, '\0');
  put_fixed64(&footer, kTableMagic);
  return file + footer;
}

Status read(const std::string& bytes) {
  MemoryFileSystem fs;
  EXPECT_TRUE(fs.write_file_atomically("/t.index", bytes).ok());
  auto file = fs.new_random_access_file("/t.index");
  EXPECT_TRUE(file.ok());
  return read_table(**file).status();
}

TEST(TableIndexTest, HandCraftedTableReads) {
  std::string data = with_trailer(block({{"a", "1"}, {"b", "2"}}));
  EXPECT_TRUE(read(table(data, handle(0, data.size() - 5))).ok());
}

TEST(TableIndexTest, IndexHandleBeyondFileSizeIsDataLoss) {
  // A crc-valid index whose data-block handle claims a terabyte: LevelDB
  // would allocate it before reading.
  std::string data = with_trailer(block({{"a", "1"}}));
  Status s = read(table(data, handle(0, uint64_t{1} << 40)));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_NE(s.message().find("/t.index"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("past the end"), std::string::npos) << s.to_string();
  s = read(table(data, handle(uint64_t{1} << 62, 10)));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
}

TEST(TableIndexTest, IndexHandleIntoTheFooterIsDataLoss) {
  std::string data = with_trailer(block({{"a", "1"}}));
  std::string bytes = table(data, handle(0, 0));
  bytes = table(data, handle(0, bytes.size() - 5));  // covers every byte
  EXPECT_EQ(read(bytes).code(), StatusCode::kDataLoss);
}

TEST(TableIndexTest, SnappyBlockClaimingHugeLengthIsDataLoss) {
  // A snappy data block whose header claims 4 GiB from 6 bytes.
  std::string compressed;
  put_varint32(&compressed, 0xffffffffu);
  compressed += "\x04z";
  std::string data = with_trailer(compressed, /*type=*/1);
  Status s = read(table(data, handle(0, compressed.size())));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
  EXPECT_NE(s.message().find("snappy"), std::string::npos) << s.to_string();
}

TEST(TableIndexTest, TablesWrittenWithAndWithoutSnappyStillRead) {
  for (bool snappy : {false, true}) {
    MemoryFileSystem fs;
    auto out = fs.new_writable_file("/t.index");
    ASSERT_TRUE(out.ok());
    TableWriter writer(out->get(), {.block_size = 64, .snappy_compression = snappy});
    for (int i = 0; i < 200; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "key%05d", i);
      ASSERT_TRUE(writer.add(key, std::string(50, static_cast<char>('a' + i % 3))).ok());
    }
    ASSERT_TRUE(writer.finish().ok());
    ASSERT_TRUE((*out)->close().ok());
    auto in = fs.new_random_access_file("/t.index");
    ASSERT_TRUE(in.ok());
    auto entries = read_table(**in);
    ASSERT_TRUE(entries.ok()) << entries.status().to_string();
    EXPECT_EQ(entries->size(), 200u);
  }
}

}  // namespace
}  // namespace cairn
