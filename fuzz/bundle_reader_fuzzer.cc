// libFuzzer target for BundleReader (the .index table and one data shard).
//
// Input layout:
//   byte 0        mode: bit 0 clear = raw, set = structured
//   bytes 1..4    u32 LE length of the index part (clamped to what is left)
//   index part    raw: the .index file as is. structured: (varint32 key
//                 length, key, varint32 value length, value)*, written
//                 through TableWriter into a valid table, and every
//                 BundleEntryProto whose extent lies inside the data gets the
//                 crc of those bytes, so the fuzzer gets past the checksums
//                 into entry parsing and tensor decoding.
//   the rest      the data shard x.data-00000-of-00001
// Opens the bundle and reads (or verifies) every tensor.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>

#include "cairn/formats/bundle/bundle_reader.h"
#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/io/table.h"
#include "cairn/proto/tensor_bundle.pb.h"
#include "formats/bundle/tensor_codec.h"

namespace {

// The entry with its crc32c set to that of its bytes in `data`, when they are there.
std::string with_matching_crc(const std::string& value, std::string_view data) {
  tensorflow::BundleEntryProto proto;
  if (!proto.ParseFromString(value) || proto.offset() < 0 || proto.size() < 0) return value;
  const auto offset = static_cast<uint64_t>(proto.offset());
  const auto size = static_cast<uint64_t>(proto.size());
  if (offset > data.size() || size > data.size() - offset) return value;
  cairn::BundleEntry entry;
  entry.dtype = cairn::is_known_dtype(proto.dtype()) ? static_cast<cairn::DType>(proto.dtype())
                                                     : cairn::DType::kInvalid;
  std::vector<int64_t> dims;
  for (const auto& dim : proto.shape().dim()) dims.push_back(dim.size());
  entry.shape = cairn::TensorShape(std::move(dims));
  auto crc = cairn::internal::stored_tensor_crc(entry, data.substr(offset, size), "fuzz");
  if (!crc.ok()) return value;
  proto.set_crc32c(cairn::crc32c::mask(*crc));
  return proto.SerializeAsString();
}

// A valid table holding the (key, value) pairs listed in `spec`.
std::string build_table(std::string_view spec, std::string_view data) {
  std::map<std::string, std::string> pairs;
  while (!spec.empty()) {
    uint32_t key_size = 0, value_size = 0;
    if (!cairn::get_varint32(&spec, &key_size) || key_size > spec.size()) break;
    std::string key(spec.substr(0, key_size));
    spec.remove_prefix(key_size);
    if (!cairn::get_varint32(&spec, &value_size) || value_size > spec.size()) break;
    std::string value(spec.substr(0, value_size));
    spec.remove_prefix(value_size);
    pairs[key] = key.empty() ? value : with_matching_crc(value, data);
  }
  cairn::MemoryFileSystem fs;
  auto file = fs.new_writable_file("/t");
  if (!file.ok()) return {};
  cairn::TableWriter writer(file->get(), {.block_size = 64});
  for (const auto& [key, value] : pairs) {
    if (!writer.add(key, value).ok()) return {};
  }
  if (!writer.finish().ok() || !(*file)->close().ok()) return {};
  auto bytes = fs.read_file("/t");
  return bytes.ok() ? *bytes : std::string();
}

}  // namespace

// Protobuf logs every string field holding invalid UTF-8; silence it.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool structured = (input[0] & 1) != 0;
  uint32_t index_size = cairn::decode_fixed32(input.data() + 1);
  input.remove_prefix(5);
  if (index_size > input.size()) index_size = static_cast<uint32_t>(input.size());
  std::string_view index = input.substr(0, index_size);
  std::string_view shard = input.substr(index_size);

  cairn::MemoryFileSystem fs;
  std::string index_bytes = structured ? build_table(index, shard) : std::string(index);
  if (!fs.write_file_atomically("/x.index", index_bytes).ok()) return 0;
  if (!fs.write_file_atomically("/x.data-00000-of-00001", std::string(shard)).ok()) return 0;
  auto reader = cairn::BundleReader::open(fs, "/x");
  if (!reader.ok()) return 0;
  for (const cairn::BundleEntry& entry : (*reader)->entries()) {
    (void)(*reader)->read(entry.name);
    (void)(*reader)->read_raw(entry.name);
  }
  (void)(*reader)->verify_all();
  return 0;
}
