// MemoryFileSystem: a FileSystem that keeps every file in RAM, for hermetic
// tests. It can also simulate a full disk, to test that savers report
// RESOURCE_EXHAUSTED and leave earlier files intact.
//
//   cairn::MemoryFileSystem fs;
//   CAIRN_RETURN_IF_ERROR(fs.write_file_atomically("/m/checkpoint", "..."));
//   fs.set_capacity(1024);          // later appends past 1 KiB in total fail
//   std::string* bytes = fs.mutable_contents("/m/x.data-00000-of-00001");
//   (*bytes)[10] ^= 0x01;           // flip a bit to test corruption handling
//
// Directories are implicit (a directory exists when created or when a file
// lies under it). Paths are used as given; no normalization beyond
// collapsing repeated and trailing '/'. There are no symbolic links and no
// special files: every path is a regular file or a directory, so
// resolve_beneath() checks the spelling only. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "cairn/io/file_system.h"

namespace cairn {

class MemoryFileSystem : public FileSystem {
 public:
  MemoryFileSystem();
  ~MemoryFileSystem() override;

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override;
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
  Status remove_directory(const std::string& dir) override;
  Status exchange_paths(const std::string& a, const std::string& b) override;

  // Total bytes all files may hold; appends beyond it fail with
  // RESOURCE_EXHAUSTED ("no space left on device"). Default: unlimited.
  void set_capacity(uint64_t bytes);

  // The bytes of `path` for tests to corrupt or truncate; nullptr if absent.
  // Valid until the file is removed or renamed.
  std::string* mutable_contents(const std::string& path);

  // Opaque shared state (files, directories, locks, capacity).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cairn
