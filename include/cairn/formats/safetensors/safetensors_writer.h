// write_safetensors: writes named tensors and string metadata as a
// .safetensors file that Hugging Face's safetensors library (and cairn's
// SafetensorsReader) reads.
//
//   std::vector<cairn::SafetensorsTensor> tensors = {{"dense/kernel", &kernel},
//                                                    {"dense/bias", &bias}};
//   CAIRN_RETURN_IF_ERROR(cairn::write_safetensors(fs, "model.safetensors", tensors,
//                                                  {{"format", "tf"}}));
//
// Alignment: the format's reference validator refuses a byte buffer with
// holes, so tensors cannot be padded apart to 64-byte offsets. Instead the
// header is padded with spaces (which the format allows) so that the buffer
// starts at a multiple of kSafetensorsAlignment (64) bytes in the file, and
// the tensors are laid out contiguously, widest dtype first and by name
// within a dtype width (as the reference writer does): every tensor then
// starts at a file offset that is a multiple of its element size, and the
// first one of each width at a multiple of 64.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

// One tensor to write; `tensor` is borrowed for the call.
struct SafetensorsTensor {
  std::string name;
  const Tensor* tensor;
};

// Writes `tensors` and `metadata` to `path` through `fs`, replacing any file
// there atomically (fs.write_file_atomically): on failure the previous file
// is left as it was. INVALID_ARGUMENT naming the tensor for an empty or
// repeated name, the name "__metadata__", or a dtype safetensors has no name
// for (strings, complex, quantized); otherwise the error from `fs`.
Status write_safetensors(FileSystem& fs, const std::string& path,
                         std::span<const SafetensorsTensor> tensors,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace cairn
