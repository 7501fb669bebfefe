// WriteRecordingFileSystem: for tests, a FileSystem over another one that
// records the path of every call that changes something (files opened for
// writing, renames, removals, directories, locks, links). A test of a group
// of ranks sharing one directory gives each rank its own recorder over the
// same file system and asks which rank wrote what.
//
//   cairn::MemoryFileSystem memory;
//   cairn::testing::WriteRecordingFileSystem rank1(memory);
//   ... rank 1 trains through `rank1` ...
//   EXPECT_THAT(rank1.written(), ::testing::IsEmpty());
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/io/forwarding_file_system.h"

namespace cairn::testing {

class WriteRecordingFileSystem : public ForwardingFileSystem {
 public:
  explicit WriteRecordingFileSystem(FileSystem& base) : ForwardingFileSystem(base) {}

  // "write PATH", "rename FROM", "remove PATH", ... in call order.
  std::vector<std::string> written() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override {
    return record("write " + path, base().new_writable_file(path));
  }
  Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) override {
    return record("write " + path, base().new_streaming_file(path));
  }
  Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) override {
    return record("append " + path, base().new_appendable_file(path));
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    return record("rename " + from, base().rename_file(from, to));
  }
  Status remove_file(const std::string& path) override {
    return record("remove " + path, base().remove_file(path));
  }
  Status create_directories(const std::string& dir) override {
    return record("mkdir " + dir, base().create_directories(dir));
  }
  Status remove_directory(const std::string& dir) override {
    return record("rmdir " + dir, base().remove_directory(dir));
  }
  Result<std::unique_ptr<FileLock>> lock_file(const std::string& path) override {
    return record("lock " + path, base().lock_file(path));
  }
  Status exchange_paths(const std::string& a, const std::string& b) override {
    return record("exchange " + a, base().exchange_paths(a, b));
  }
  Status link_file(const std::string& from, const std::string& to) override {
    return record("link " + to, base().link_file(from, to));
  }

 private:
  template <typename T>
  T record(std::string call, T result) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::move(call));
    return result;
  }

  mutable std::mutex mu_;
  std::vector<std::string> calls_;
};

}  // namespace cairn::testing
