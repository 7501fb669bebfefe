// Internal to formats: the byte encoding of one tensor inside a bundle data
// shard, and the crc32c its BundleEntryProto records.
//
//   fixed-width  the elements, little-endian, row-major; crc32c of those bytes
//   string       varint64 length of each element; masked crc32c (u32 LE) of
//                the lengths, each taken as a u32 LE value (u64 when the
//                element exceeds 4 GiB); then the element bytes.
//                Entry crc: crc32c over (lengths as u32/u64) + the 4 stored
//                length-crc bytes + the element bytes.
//   variant      per element: varint64 length, bytes, 4-byte crc. Entry crc:
//                crc32c over (length as u64 LE) + bytes + the 4 crc bytes.
//                cairn checks it but never decodes the elements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn::internal {

// Appends the string-tensor encoding of `tensor` to `out`; returns the
// (unmasked) entry crc32c.
uint32_t encode_string_tensor(const Tensor& tensor, std::string* out);

// The (unmasked) entry crc32c of `bytes` stored for `entry`, or DATA_LOSS when
// a string/variant encoding is malformed. `where` prefixes error messages.
Result<uint32_t> stored_tensor_crc(const BundleEntry& entry, std::string_view bytes,
                                   const std::string& where);

// Decodes crc-checked `bytes` into a tensor of entry.dtype and entry.shape.
// Rewrites every byte of a bool tensor as 0 or 1.
void canonicalize_bools(Tensor& tensor);

Result<Tensor> decode_tensor(const BundleEntry& entry, std::string_view bytes,
                             const std::string& where);

}  // namespace cairn::internal
