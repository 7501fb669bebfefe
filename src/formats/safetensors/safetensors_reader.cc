// Reading a .safetensors file: the header is parsed and every bound checked
// in open(); read() copies one tensor's bytes (layout: safetensors.h).
#include "cairn/formats/safetensors/safetensors_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "cairn/core/tensor_size.h"
#include "cairn/formats/json_limits.h"
#include "cairn/formats/safetensors/safetensors.h"
#include "cairn/io/coding.h"

namespace cairn {
namespace {

using Json = nlohmann::json;

// Root object, tensor objects, shape arrays: nothing nests deeper.
constexpr int kMaxHeaderDepth = 3;

// The non-negative integer `v` (at most int64's maximum), or nullopt.
std::optional<int64_t> json_count(const Json& v) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    return std::nullopt;
  }
  const uint64_t u = v.get<uint64_t>();
  if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(u);
}

Result<DType> parse_dtype(const Json& info) {
  auto it = info.find("dtype");
  if (it == info.end() || !it->is_string()) return data_loss_error("has no \"dtype\" string");
  std::optional<DType> dtype = dtype_from_safetensors(it->get<std::string>());
  if (!dtype) {
    return unimplemented_error("has dtype \"" + it->get<std::string>() +
                               "\", which cairn does not know");
  }
  return *dtype;
}

Result<TensorShape> parse_safetensors_shape(const Json& info) {
  auto it = info.find("shape");
  if (it == info.end() || !it->is_array()) return data_loss_error("has no \"shape\" array");
  if (it->size() > static_cast<size_t>(kMaxRank)) {
    return data_loss_error("has " + std::to_string(it->size()) + " dimensions (at most " +
                           std::to_string(kMaxRank) + ")");
  }
  std::vector<int64_t> dims;
  for (const Json& d : *it) {
    std::optional<int64_t> n = json_count(d);
    if (!n)
      return data_loss_error("has a dimension that is not a non-negative integer: " + d.dump());
    dims.push_back(*n);
  }
  return TensorShape(std::move(dims));
}

// data_offsets [begin, end] within a buffer of `buffer_size` bytes, spanning `bytes`.
Status parse_offsets(const Json& info, uint64_t buffer_size, int64_t bytes,
                     SafetensorsEntry& entry) {
  auto it = info.find("data_offsets");
  if (it == info.end() || !it->is_array() || it->size() != 2) {
    return data_loss_error("has no \"data_offsets\" pair");
  }
  std::optional<int64_t> begin = json_count((*it)[0]), end = json_count((*it)[1]);
  if (!begin || !end) return data_loss_error("has data_offsets that are not non-negative integers");
  if (*begin > *end || static_cast<uint64_t>(*end) > buffer_size) {
    return data_loss_error("has data_offsets [" + std::to_string(*begin) + ", " +
                           std::to_string(*end) + "] outside the " + std::to_string(buffer_size) +
                           "-byte buffer");
  }
  if (*end - *begin != bytes) {
    return data_loss_error("has data_offsets spanning " + std::to_string(*end - *begin) +
                           " bytes, but its dtype and shape take " + std::to_string(bytes));
  }
  entry.begin = static_cast<uint64_t>(*begin);
  entry.end = static_cast<uint64_t>(*end);
  return ok_status();
}

Result<SafetensorsEntry> parse_safetensors_entry(const std::string& name, const Json& info,
                                                 uint64_t buffer_size) {
  if (!info.is_object()) return data_loss_error("is not a JSON object");
  SafetensorsEntry entry{.name = name};
  CAIRN_ASSIGN_OR_RETURN(entry.dtype, parse_dtype(info));
  CAIRN_ASSIGN_OR_RETURN(entry.shape, parse_safetensors_shape(info));
  Result<TensorSize> size =
      tensor_size(entry.dtype, entry.shape, static_cast<int64_t>(buffer_size));
  if (!size.ok()) return data_loss_error("is larger than the buffer: " + size.status().message());
  CAIRN_RETURN_IF_ERROR(parse_offsets(info, buffer_size, size->bytes, entry));
  return entry;
}

Result<std::map<std::string, std::string>> parse_metadata(const Json& value) {
  if (!value.is_object()) return data_loss_error("__metadata__ is not a JSON object");
  std::map<std::string, std::string> out;
  for (const auto& [key, v] : value.items()) {
    if (!v.is_string()) return data_loss_error("__metadata__ \"" + key + "\" is not a string");
    out[key] = v.get<std::string>();
  }
  return out;
}

// The tensors in offset order must cover [0, buffer_size) exactly.
Status check_coverage(std::vector<const SafetensorsEntry*> by_offset, uint64_t buffer_size) {
  std::sort(by_offset.begin(), by_offset.end(), [](const auto* a, const auto* b) {
    return std::pair(a->begin, a->end) < std::pair(b->begin, b->end);
  });
  uint64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry* e : by_offset) {
    if (e->begin != covered) {
      const std::string after =
          previous ? "tensor '" + previous->name + "' ends" : "the buffer starts";
      return data_loss_error("tensor '" + e->name + "' starts at byte " + std::to_string(e->begin) +
                             " of the buffer but " + after + " at " + std::to_string(covered) +
                             (e->begin < covered ? " (overlapping tensors)" : " (a hole)"));
    }
    covered = e->end;
    previous = e;
  }
  if (covered != buffer_size) {
    return data_loss_error("the tensors cover " + std::to_string(covered) +
                           " bytes but the buffer holds " + std::to_string(buffer_size) +
                           " (bytes no tensor owns)");
  }
  return ok_status();
}

// Reads exactly `n` bytes at `offset` into `dest`.
Status read_range_exactly(const RandomAccessFile& file, uint64_t offset, size_t n, char* dest) {
  CAIRN_ASSIGN_OR_RETURN(std::string_view got, file.read(offset, n, dest));
  if (got.size() != n) {
    return data_loss_error("file ends after " + std::to_string(offset + got.size()) +
                           " bytes, expected " + std::to_string(offset + n));
  }
  if (n > 0 && got.data() != dest) std::memcpy(dest, got.data(), n);
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<SafetensorsReader>> SafetensorsReader::open(FileSystem& fs,
                                                                   std::string path) {
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, fs.new_random_access_file(path));
  std::unique_ptr<SafetensorsReader> reader(new SafetensorsReader(path, std::move(file)));
  const RandomAccessFile& f = *reader->file_;
  const uint64_t size = f.size();
  if (size < 8) {
    return data_loss_error(path + ": " + std::to_string(size) +
                           " bytes: too short for a safetensors file (an 8-byte header length)");
  }
  char length_bytes[8];
  CAIRN_RETURN_IF_ERROR(read_range_exactly(f, 0, 8, length_bytes).with_context(path));
  const uint64_t n = decode_fixed64(length_bytes);
  if (n > kSafetensorsMaxHeaderBytes) {
    return data_loss_error(path + ": header length " + std::to_string(n) +
                           " exceeds the limit of " + std::to_string(kSafetensorsMaxHeaderBytes) +
                           " bytes");
  }
  if (n > size - 8) {
    return data_loss_error(path + ": header length " + std::to_string(n) +
                           " runs past the end of the file (" + std::to_string(size) + " bytes)");
  }
  std::string header(n, '\0');
  CAIRN_RETURN_IF_ERROR(read_range_exactly(f, 8, n, header.data()).with_context(path));
  reader->buffer_start_ = 8 + n;
  CAIRN_RETURN_IF_ERROR(reader->parse_header(header, size - 8 - n).with_context(path));
  return reader;
}

Status SafetensorsReader::parse_header(std::string_view header, uint64_t buffer_size) {
  Result<Json> doc = parse_untrusted_json<Json>(header, "header", kMaxHeaderDepth);
  if (!doc.ok()) return data_loss_error(doc.status().message());
  if (!doc->is_object()) return data_loss_error("header is not a JSON object");
  for (const auto& [name, info] : doc->items()) {
    if (name == kSafetensorsMetadataKey) {
      CAIRN_ASSIGN_OR_RETURN(metadata_, parse_metadata(info));
      continue;
    }
    Result<SafetensorsEntry> entry = parse_safetensors_entry(name, info, buffer_size);
    if (!entry.ok())
      return Status(entry.status().code(), "tensor '" + name + "' " + entry.status().message());
    entries_.push_back(std::move(*entry));
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<const SafetensorsEntry*> by_offset;
  for (const SafetensorsEntry& e : entries_) by_offset.push_back(&e);
  return check_coverage(std::move(by_offset), buffer_size);
}

const SafetensorsEntry* SafetensorsReader::find(std::string_view name) const {
  auto it =
      std::lower_bound(entries_.begin(), entries_.end(), name,
                       [](const SafetensorsEntry& e, std::string_view n) { return e.name < n; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

Result<Tensor> SafetensorsReader::read(std::string_view name) const {
  const SafetensorsEntry* e = find(name);
  if (e == nullptr) {
    return not_found_error("tensor '" + std::string(name) + "' is not in " + path_);
  }
  Tensor t = Tensor::uninitialized(e->dtype, e->shape);
  auto* dest = reinterpret_cast<char*>(t.data());
  Status read = read_range_exactly(*file_, buffer_start_ + e->begin, e->end - e->begin, dest);
  if (!read.ok()) return read.with_context(path_ + ": tensor '" + e->name + "'");
  if (e->dtype == DType::kBool) {
    for (uint64_t i = 0; i < e->end - e->begin; ++i) {
      if (static_cast<unsigned char>(dest[i]) > 1) {
        return data_loss_error(path_ + ": tensor '" + e->name + "': bool element " +
                               std::to_string(i) + " is neither 0 nor 1");
      }
    }
  }
  return t;
}

}  // namespace cairn
