// FaultInjectingFileSystem: wraps another FileSystem and makes chosen
// operations fail the way disks fail, so tests can prove that a failed save
// reports the right error, leaves earlier checkpoints and the state file as
// they were, and that the next save succeeds.
//
//   cairn::MemoryFileSystem memory;
//   cairn::FaultInjectingFileSystem fs(memory);
//   fs.inject(cairn::Fault::kNoSpace, /*at=*/3);   // the 4th append fails: ENOSPC
//   cairn::save_variables("/m/model.ckpt-2", tensors, {}, fs);   // throws ResourceExhaustedError
//   fs.count(cairn::Fault::kNoSpace);              // appends seen so far
//
// Faults, each counted over its own kind of operation from 0:
//   kNoSpace     append: nothing written, RESOURCE_EXHAUSTED "No space left on device"
//   kShortWrite  append: the first half written, then RESOURCE_EXHAUSTED (disk filled mid-write)
//   kSyncError   sync (fsync of a file or a directory): DATA_LOSS "Input/output error"
//   kRenameError rename (and exchange): nothing renamed, UNKNOWN "rename failed"
// An armed fault fires once. Thread-safe.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cairn/io/file_system.h"

namespace cairn {

enum class Fault { kNoSpace, kShortWrite, kSyncError, kRenameError };

class FaultInjectingFileSystem : public FileSystem {
 public:
  // `base` is borrowed and must outlive this object.
  explicit FaultInjectingFileSystem(FileSystem& base);

  // Arms `fault` to fire at operation number `at` (0-based) of its kind,
  // counting from now. Replaces any fault armed before.
  void inject(Fault fault, int64_t at);
  // Disarms, and resets the counters.
  void clear();
  // Operations of `fault`'s kind seen since the last inject()/clear().
  int64_t count(Fault fault) const;
  // True once the armed fault has fired.
  bool fired() const;

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override;
  Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) override;
  Status rename_file(const std::string& from, const std::string& to) override;
  Status link_file(const std::string& from, const std::string& to) override;
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

  // For the wrapped files: counts an operation of `kind`; returns the fault
  // to inject now, if any.
  std::optional<Fault> next(Fault kind);

 private:
  FileSystem& base_;
  mutable std::mutex mu_;
  std::optional<Fault> armed_;
  int64_t at_ = 0;
  bool fired_ = false;
  std::array<int64_t, 4> counts_{};
};

}  // namespace cairn
