// SafetensorsReader: reads a .safetensors file (formats/safetensors/
// safetensors.h has the layout), whoever wrote it.
//
//   CAIRN_ASSIGN_OR_RETURN(auto reader,
//       cairn::SafetensorsReader::open(fs, "model.safetensors"));
//   for (const cairn::SafetensorsEntry& e : reader->entries()) { ... }   // sorted by name
//   CAIRN_ASSIGN_OR_RETURN(cairn::Tensor w, reader->read("dense/kernel"));
//   reader->metadata();   // the "__metadata__" map, empty when absent
//
// open() reads and checks the header only; the file is untrusted, so it
// checks every bound before anything is allocated or read: the header's
// length against the file and kSafetensorsMaxHeaderBytes, the JSON (nesting
// bounded by formats/json_limits.h), each tensor's dtype, shape (rank,
// non-negative integer dimensions, element count times dtype size without
// overflow) and data_offsets (two integers, within the buffer, spanning
// exactly the tensor's bytes), and that the tensors cover the buffer without
// overlaps or holes. A violation is DATA_LOSS whose message names the file,
// the tensor and the check; an unknown dtype is UNIMPLEMENTED. Nothing
// throws or aborts on bad bytes. Reads are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/core/tensor.h"
#include "cairn/io/file_system.h"

namespace cairn {

// What the header says about one tensor.
struct SafetensorsEntry {
  std::string name;
  DType dtype = DType::kInvalid;
  TensorShape shape;
  uint64_t begin = 0;  // offsets in the byte buffer (after the header)
  uint64_t end = 0;
};

class SafetensorsReader {
 public:
  // `fs` is borrowed and must outlive the reader. NOT_FOUND when `path` is
  // absent; DATA_LOSS / UNIMPLEMENTED as above.
  static Result<std::unique_ptr<SafetensorsReader>> open(FileSystem& fs, std::string path);

  const std::string& path() const { return path_; }
  // Every tensor, sorted by name.
  const std::vector<SafetensorsEntry>& entries() const { return entries_; }
  // nullptr when `name` is not a tensor of the file.
  const SafetensorsEntry* find(std::string_view name) const;
  // The "__metadata__" strings (empty when the header has none).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // Reads one tensor. NOT_FOUND for an unknown name; DATA_LOSS naming the
  // file and tensor when the file got shorter since open().
  Result<Tensor> read(std::string_view name) const;

 private:
  SafetensorsReader(std::string path, std::unique_ptr<RandomAccessFile> file)
      : path_(std::move(path)), file_(std::move(file)) {}
  // Parses and checks the header text; fills entries_ and metadata_.
  Status parse_header(std::string_view header, uint64_t buffer_size);

  std::string path_;
  std::unique_ptr<RandomAccessFile> file_;
  uint64_t buffer_start_ = 0;  // file offset of the byte buffer
  std::vector<SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace cairn
