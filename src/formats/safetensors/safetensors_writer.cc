// Writing a .safetensors file (layout: safetensors.h; alignment:
// safetensors_writer.h): the header, padded with spaces to a multiple of 64
// bytes from the start of the file, then every tensor's bytes back to back.
#include "cairn/formats/safetensors/safetensors_writer.h"

#include <algorithm>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/formats/safetensors/safetensors.h"
#include "cairn/io/coding.h"

namespace cairn {
namespace {

using OrderedJson = nlohmann::ordered_json;

Status check_tensors(std::span<const SafetensorsTensor> tensors, const std::string& path) {
  std::set<std::string_view> seen;
  for (const SafetensorsTensor& t : tensors) {
    const std::string what = path + ": tensor '" + t.name + "'";
    if (t.name.empty()) return invalid_argument_error(path + ": a tensor has an empty name");
    if (t.name == kSafetensorsMetadataKey) {
      return invalid_argument_error(what + ": the name is reserved for the file's metadata");
    }
    if (!seen.insert(t.name).second) return invalid_argument_error(what + " is given twice");
    if (!safetensors_dtype_name(t.tensor->dtype())) {
      return invalid_argument_error(what + " is " + std::string(dtype_name(t.tensor->dtype())) +
                                    ", which safetensors cannot hold");
    }
  }
  return ok_status();
}

// Widest element first, then by name: each tensor starts at a multiple of
// its element size when the buffer starts at a multiple of 8.
std::vector<const SafetensorsTensor*> layout_order(std::span<const SafetensorsTensor> tensors) {
  std::vector<const SafetensorsTensor*> order;
  for (const SafetensorsTensor& t : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    const size_t wa = dtype_size(a->tensor->dtype()), wb = dtype_size(b->tensor->dtype());
    return wa != wb ? wa > wb : a->name < b->name;
  });
  return order;
}

std::string header_text(const std::vector<const SafetensorsTensor*>& order,
                        const std::map<std::string, std::string>& metadata) {
  OrderedJson header = OrderedJson::object();
  if (!metadata.empty()) header[std::string(kSafetensorsMetadataKey)] = metadata;
  uint64_t offset = 0;
  for (const SafetensorsTensor* t : order) {
    const uint64_t end = offset + t->tensor->byte_size();
    header[t->name] = {{"dtype", *safetensors_dtype_name(t->tensor->dtype())},
                       {"shape", t->tensor->shape().dims()},
                       {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text = header.dump(-1, ' ', false, OrderedJson::error_handler_t::strict);
  const uint64_t unaligned = (8 + text.size()) % kSafetensorsAlignment;
  if (unaligned != 0) text.append(kSafetensorsAlignment - unaligned, ' ');
  return text;
}

}  // namespace

Status write_safetensors(FileSystem& fs, const std::string& path,
                         std::span<const SafetensorsTensor> tensors,
                         const std::map<std::string, std::string>& metadata) {
  CAIRN_RETURN_IF_ERROR(check_tensors(tensors, path));
  const std::vector<const SafetensorsTensor*> order = layout_order(tensors);
  std::string header;
  try {
    header = header_text(order, metadata);
  } catch (const OrderedJson::exception& e) {  // a name or metadata string that is not UTF-8
    return invalid_argument_error(path + ": " + e.what());
  }
  std::string file;
  put_fixed64(&file, header.size());
  file += header;
  for (const SafetensorsTensor* t : order) {
    const std::span<const std::byte> bytes = t->tensor->bytes();
    file.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return fs.write_file_atomically(path, file);
}

}  // namespace cairn
