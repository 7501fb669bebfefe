// ProgressFileSystem: a FileSystem over another one that reports every byte
// written through it (appended to a file it opened for writing) to a
// Progress, as done of an unknown total (ProgressUnit::kBytes). It lets an
// operation that writes files whose sizes it learns only as it goes (an
// export: cairn/formats/export/export.h) show how much it has written,
// without a line of progress code in the writers. Everything else is passed
// through unchanged.
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
#include "cairn/io/file_system.h"

namespace cairn {

class ProgressFileSystem final : public FileSystem {
 public:
  ProgressFileSystem(FileSystem& base, Progress* progress) : base_(base), progress_(progress) {}

  // Bytes appended through this file system so far.
  uint64_t bytes_written() const { return written_; }
  // Counts `n` more bytes written and reports the sum.
  void count(uint64_t n);

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> new_uncached_file(const std::string& path) override;
  Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) override;
  Status rename_file(const std::string& from, const std::string& to) override;
  Status remove_file(const std::string& path) override;
  bool file_exists(const std::string& path) override;
  bool is_directory(const std::string& path) override;
  Result<uint64_t> file_size(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& dir) override;
  Status create_directories(const std::string& dir) override;
  Status sync_directory(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> lock_file(const std::string& path) override;
  Result<FileType> file_type(const std::string& path) override;
  Result<double> modification_time(const std::string& path) override;
  Status remove_directory(const std::string& dir) override;
  Status exchange_paths(const std::string& a, const std::string& b) override;
  Result<std::string> resolve_beneath(const std::string& dir, const std::string& relative) override;
  Result<std::string> real_path(const std::string& path) override;
  Status link_file(const std::string& from, const std::string& to) override;

 private:
  Result<std::unique_ptr<WritableFile>> counted(Result<std::unique_ptr<WritableFile>> file);

  FileSystem& base_;
  Progress* progress_;
  uint64_t written_ = 0;
};

}  // namespace cairn
