// Names and limits of the safetensors format (Hugging Face's file of named
// tensors, https://github.com/huggingface/safetensors), shared by
// SafetensorsReader and write_safetensors. A file is
//
//   bytes [0, 8)          N: the header's length, a little-endian uint64
//   bytes [8, 8 + N)      the header: a UTF-8 JSON object, padded at its end
//                         with spaces, mapping each tensor's name to
//                           {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}
//                         and the optional key "__metadata__" to a map of
//                         strings to strings
//   bytes [8 + N, EOF)    the byte buffer: each tensor's elements, row-major,
//                         little-endian, at [BEGIN, END) of the buffer
//
// The reference implementation requires the tensors, in offset order, to
// cover the buffer exactly: the first starts at 0, each starts where the
// previous ended, the last ends at the end of the file (no holes, no
// overlaps), and END - BEGIN is the shape's element count times the dtype's
// size. docs/formats/safetensors.md has the details and what cairn checks.
//
//   cairn::safetensors_dtype_name(cairn::DType::kFloat32);   // "F32"
//   cairn::dtype_from_safetensors("BF16");                  // DType::kBfloat16
//   cairn::is_safetensors_path("model.safetensors");        // true
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cairn/core/dtype.h"

namespace cairn {

// The longest header the reader accepts: the reference implementation's limit.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

// Where write_safetensors starts the byte buffer: a multiple of this many
// bytes from the start of the file.
inline constexpr uint64_t kSafetensorsAlignment = 64;

// The header key that holds the file's string metadata, not a tensor.
inline constexpr std::string_view kSafetensorsMetadataKey = "__metadata__";

// The safetensors spelling of `dtype` ("F32", "I64", "BOOL", "BF16", ...), or
// nullopt for a dtype the format has no name for (string, complex,
// quantized, variant, resource).
std::optional<std::string_view> safetensors_dtype_name(DType dtype);

// Inverse of safetensors_dtype_name(); nullopt for any other text.
std::optional<DType> dtype_from_safetensors(std::string_view name);

// True for paths ending in ".safetensors".
inline bool is_safetensors_path(std::string_view path) { return path.ends_with(".safetensors"); }

}  // namespace cairn
