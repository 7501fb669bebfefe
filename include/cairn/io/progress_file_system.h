// ProgressFileSystem: a FileSystem over another one that reports every byte
// written through it (appended to a file it opened for writing) to a
// Progress, as done of an unknown total (ProgressUnit::kBytes). It lets an
// operation that writes files whose sizes it learns only as it goes (an
// export: cairn/formats/export/export.h) show how much it has written,
// without a line of progress code in the writers. Everything else is passed
// through unchanged (forwarding_file_system.h).
//
//   cairn::ProgressBar bar(std::cerr, {.label = "export"});   // cairn/core/progress_bar.h
//   cairn::ProgressFileSystem counted(cairn::default_file_system(), &bar);
//   cairn::Status s = cairn::write_onnx_model(counted, "iris.onnx", model);
//   bar.finish();   // "export: 4.2 kB in 0s"
//
// Reports come from the thread that appends; `base` and `progress` are
// borrowed and must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/core/progress.h"
#include "cairn/io/forwarding_file_system.h"

namespace cairn {

class ProgressFileSystem final : public ForwardingFileSystem {
 public:
  ProgressFileSystem(FileSystem& base, Progress* progress)
      : ForwardingFileSystem(base), progress_(progress) {}

  // Bytes appended through this file system so far.
  uint64_t bytes_written() const { return written_; }
  // Counts `n` more bytes written and reports the sum.
  void count(uint64_t n);

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override;

 private:
  Result<std::unique_ptr<WritableFile>> counted(Result<std::unique_ptr<WritableFile>> file);

  Progress* progress_;
  uint64_t written_ = 0;
};

}  // namespace cairn
