// ForwardingFileSystem: a FileSystem that passes every call to another one.
// A wrapper that watches or changes a few calls (ProgressFileSystem counts
// the bytes written, the tests' CountingFileSystem the bytes read) derives
// from it and overrides only those, so the list of FileSystem's methods is
// forwarded in one place.
//
//   class Logging : public cairn::ForwardingFileSystem {
//    public:
//     using ForwardingFileSystem::ForwardingFileSystem;
//     cairn::Status remove_file(const std::string& path) override {
//       std::cerr << "rm " << path << "\n";
//       return base().remove_file(path);
//     }
//   };
//
// `base` is borrowed and must outlive the wrapper.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cairn/io/file_system.h"

namespace cairn {

class ForwardingFileSystem : public FileSystem {
 public:
  explicit ForwardingFileSystem(FileSystem& base) : base_(base) {}

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override {
    return base_.new_writable_file(path);
  }
  Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) override {
    return base_.new_streaming_file(path);
  }
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override {
    return base_.new_appendable_file(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override {
    return base_.new_random_access_file(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> new_uncached_file(const std::string& path) override {
    return base_.new_uncached_file(path);
  }
  Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) override {
    return base_.map_file(path);
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    return base_.rename_file(from, to);
  }
  Status remove_file(const std::string& path) override { return base_.remove_file(path); }
  bool file_exists(const std::string& path) override { return base_.file_exists(path); }
  bool is_directory(const std::string& path) override { return base_.is_directory(path); }
  Result<uint64_t> file_size(const std::string& path) override { return base_.file_size(path); }
  Result<std::vector<std::string>> list_directory(const std::string& dir) override {
    return base_.list_directory(dir);
  }
  Status create_directories(const std::string& dir) override {
    return base_.create_directories(dir);
  }
  Status sync_directory(const std::string& dir) override { return base_.sync_directory(dir); }
  Result<std::unique_ptr<FileLock>> lock_file(const std::string& path) override {
    return base_.lock_file(path);
  }
  Result<FileType> file_type(const std::string& path) override { return base_.file_type(path); }
  Result<double> modification_time(const std::string& path) override {
    return base_.modification_time(path);
  }
  Status remove_directory(const std::string& dir) override { return base_.remove_directory(dir); }
  Status exchange_paths(const std::string& a, const std::string& b) override {
    return base_.exchange_paths(a, b);
  }
  Result<std::string> resolve_beneath(const std::string& dir,
                                      const std::string& relative) override {
    return base_.resolve_beneath(dir, relative);
  }
  Result<std::string> real_path(const std::string& path) override { return base_.real_path(path); }
  Status link_file(const std::string& from, const std::string& to) override {
    return base_.link_file(from, to);
  }

 protected:
  FileSystem& base() const { return base_; }

 private:
  FileSystem& base_;
};

}  // namespace cairn
