#include "formats/bundle/tensor_codec.h"

#include <bit>
#include <cstring>
#include <limits>
#include <vector>

#include "cairn/io/coding.h"
#include "cairn/io/crc32c.h"

static_assert(std::endian::native == std::endian::little,
              "bundle data files are little-endian; cairn assumes a little-endian host");

namespace cairn::internal {
namespace {

// Extends `crc` with a string length the way TensorFlow checksums it.
uint32_t extend_with_length(uint32_t crc, uint64_t length) {
  if (length > std::numeric_limits<uint32_t>::max()) {
    char wide[8];
    std::memcpy(wide, &length, sizeof(wide));
    return crc32c::extend(crc, wide, sizeof(wide));
  }
  auto narrow = static_cast<uint32_t>(length);
  char bytes[4];
  std::memcpy(bytes, &narrow, sizeof(bytes));
  return crc32c::extend(crc, bytes, sizeof(bytes));
}

struct ParsedStrings {
  std::vector<uint64_t> lengths;
  std::string_view payload;  // the element bytes, back to back
  uint32_t crc = 0;          // the entry crc over everything
};

Result<ParsedStrings> parse_string_tensor(int64_t count, std::string_view bytes,
                                          const std::string& where) {
  // Each element needs at least one length byte, plus 4 bytes of length crc:
  // refuse counts the bytes cannot hold before allocating for them.
  if (count < 0 || static_cast<uint64_t>(count) > bytes.size()) {
    return data_loss_error(where + ": string tensor of " + std::to_string(count) +
                           " elements cannot fit in " + std::to_string(bytes.size()) + " bytes");
  }
  ParsedStrings parsed;
  parsed.lengths.reserve(static_cast<size_t>(count));
  std::string_view rest = bytes;
  uint32_t crc = 0;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!get_varint64(&rest, &length)) {
      return data_loss_error(where + ": truncated length of string element " + std::to_string(i));
    }
    parsed.lengths.push_back(length);
    crc = extend_with_length(crc, length);
  }
  uint32_t stored_length_crc = 0;
  std::string_view crc_bytes = rest.substr(0, 4);
  if (!get_fixed32(&rest, &stored_length_crc)) {
    return data_loss_error(where + ": string tensor ends before its length checksum");
  }
  if (crc32c::mask(crc) != stored_length_crc) {
    return data_loss_error(where + ": checksum of the string lengths does not match");
  }
  uint64_t total = 0;
  for (uint64_t length : parsed.lengths) {
    if (length > rest.size() - total) {
      return data_loss_error(where + ": string elements need more bytes than the entry holds");
    }
    total += length;
  }
  if (total != rest.size()) {
    return data_loss_error(where + ": " + std::to_string(rest.size() - total) +
                           " stray bytes after the string elements");
  }
  crc = crc32c::extend(crc, crc_bytes.data(), crc_bytes.size());
  parsed.crc = crc32c::extend(crc, rest.data(), rest.size());
  parsed.payload = rest;
  return parsed;
}

Result<uint32_t> variant_crc(int64_t count, std::string_view bytes, const std::string& where) {
  uint32_t crc = 0;
  std::string_view rest = bytes;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!get_varint64(&rest, &length) || length > rest.size() || rest.size() - length < 4) {
      return data_loss_error(where + ": malformed variant element " + std::to_string(i));
    }
    char wide[8];
    std::memcpy(wide, &length, sizeof(wide));
    crc = crc32c::extend(crc, wide, sizeof(wide));
    crc = crc32c::extend(crc, rest.data(), static_cast<size_t>(length) + 4);
    rest.remove_prefix(static_cast<size_t>(length) + 4);
  }
  if (!rest.empty()) return data_loss_error(where + ": stray bytes after variant elements");
  return crc;
}

}  // namespace

uint32_t encode_string_tensor(const Tensor& tensor, std::string* out) {
  uint32_t crc = 0;
  for (const std::string& s : tensor.strings()) {
    put_varint64(out, s.size());
    crc = extend_with_length(crc, s.size());
  }
  std::string length_crc;
  put_fixed32(&length_crc, crc32c::mask(crc));
  out->append(length_crc);
  crc = crc32c::extend(crc, length_crc.data(), length_crc.size());
  for (const std::string& s : tensor.strings()) {
    out->append(s);
    crc = crc32c::extend(crc, s.data(), s.size());
  }
  return crc;
}

Result<uint32_t> stored_tensor_crc(const BundleEntry& entry, std::string_view bytes,
                                   const std::string& where) {
  int64_t count = entry.shape.checked_num_elements(std::numeric_limits<int64_t>::max());
  if (entry.dtype == DType::kString) {
    CAIRN_ASSIGN_OR_RETURN(ParsedStrings parsed, parse_string_tensor(count, bytes, where));
    return parsed.crc;
  }
  if (entry.dtype == DType::kVariant) return variant_crc(count, bytes, where);
  return crc32c::value(bytes);
}

Result<Tensor> decode_tensor(const BundleEntry& entry, std::string_view bytes,
                             const std::string& where) {
  if (entry.dtype == DType::kString) {
    CAIRN_ASSIGN_OR_RETURN(ParsedStrings parsed,
                           parse_string_tensor(entry.shape.num_elements(), bytes, where));
    std::vector<std::string> values;
    values.reserve(parsed.lengths.size());
    size_t at = 0;
    for (uint64_t length : parsed.lengths) {
      values.emplace_back(parsed.payload.substr(at, static_cast<size_t>(length)));
      at += static_cast<size_t>(length);
    }
    return Tensor::from_strings(std::move(values), entry.shape);
  }
  Tensor tensor(entry.dtype, entry.shape);
  if (tensor.byte_size() != bytes.size()) {
    return data_loss_error(where + ": holds " + std::to_string(bytes.size()) + " bytes, but " +
                           std::string(dtype_name(entry.dtype)) + " " + entry.shape.to_string() +
                           " needs " + std::to_string(tensor.byte_size()));
  }
  if (!bytes.empty()) std::memcpy(tensor.data(), bytes.data(), bytes.size());
  if (entry.dtype == DType::kBool) canonicalize_bools(tensor);
  return tensor;
}

void canonicalize_bools(Tensor& tensor) {
  // Any byte other than 0 reads as true; keep bools canonical (0 or 1).
  auto* raw = reinterpret_cast<uint8_t*>(tensor.data());
  for (size_t i = 0; i < tensor.byte_size(); ++i) raw[i] = raw[i] != 0;
}

}  // namespace cairn::internal
