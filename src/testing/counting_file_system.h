// CountingFileSystem: for tests, a FileSystem over another one that records
// every byte it hands out, by file and offset: the bytes each
// RandomAccessFile::read returns, and every byte of a mapped file (a mapping
// hands out the whole file). A test of a restore asks how often each byte
// of a data file was read.
//
//   cairn::MemoryFileSystem memory;
//   cairn::testing::CountingFileSystem counting(memory);
//   ... restore through `counting` ...
//   EXPECT_EQ(counting.times_read("/m/ckpt-1.data-00000-of-00001", 0, 400), (std::vector<int>(400,
//   1)));
//
// copy_directory() copies a directory written on disk into a
// MemoryFileSystem, for front ends that save only to disk.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/io/forwarding_file_system.h"

namespace cairn::testing {

class CountingFileSystem : public ForwardingFileSystem {
 public:
  explicit CountingFileSystem(FileSystem& base) : ForwardingFileSystem(base) {}

  // How many times each byte [offset, offset + n) of `path` was handed out.
  std::vector<int> times_read(const std::string& path, uint64_t offset, uint64_t n) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int> out(n, 0);
    auto it = counts_.find(path);
    if (it == counts_.end()) return out;
    for (uint64_t i = 0; i < n && offset + i < it->second.size(); ++i) {
      out[i] = it->second[offset + i];
    }
    return out;
  }
  // Bytes of `path` handed out in all (a byte read twice counts twice).
  uint64_t bytes_handed_out(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t total = 0;
    auto it = counts_.find(path);
    if (it != counts_.end()) {
      for (int c : it->second) total += static_cast<uint64_t>(c);
    }
    return total;
  }
  void reset() {
    std::lock_guard<std::mutex> lock(mu_);
    counts_.clear();
  }

  // Records that bytes [offset, offset + n) of `path` were handed out.
  void count(const std::string& path, uint64_t offset, uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int>& counts = counts_[path];
    if (counts.size() < offset + n) counts.resize(offset + n, 0);
    for (uint64_t i = 0; i < n; ++i) ++counts[offset + i];
  }

  Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) override {
    return counted(base().new_random_access_file(path));
  }
  Result<std::unique_ptr<RandomAccessFile>> new_uncached_file(const std::string& path) override {
    return counted(base().new_uncached_file(path));
  }
  Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) override {
    Result<std::unique_ptr<MappedFile>> mapped = base().map_file(path);
    if (!mapped.ok()) return mapped.status();
    return std::unique_ptr<MappedFile>(new CountedMapping(std::move(*mapped), path, *this));
  }

 private:
  // A mapping's bytes are out of sight once handed out, so all of them count
  // as read each time data() gives them out; a mapping asked only whether
  // pages are resident reads nothing.
  class CountedMapping final : public MappedFile {
   public:
    CountedMapping(std::unique_ptr<MappedFile> file, std::string path, CountingFileSystem& owner)
        : file_(std::move(file)), path_(std::move(path)), owner_(owner) {}
    std::string_view data() const override {
      std::string_view bytes = file_->data();
      owner_.count(path_, 0, bytes.size());
      return bytes;
    }
    void will_need(uint64_t offset, uint64_t n) const override { file_->will_need(offset, n); }
    bool resident(uint64_t offset, uint64_t n) const override { return file_->resident(offset, n); }

   private:
    std::unique_ptr<MappedFile> file_;
    std::string path_;
    CountingFileSystem& owner_;
  };

  class CountedFile final : public RandomAccessFile {
   public:
    CountedFile(std::unique_ptr<RandomAccessFile> file, CountingFileSystem& owner)
        : file_(std::move(file)), owner_(owner) {}
    Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override {
      Result<std::string_view> got = file_->read(offset, n, scratch);
      if (got.ok()) owner_.count(file_->path(), offset, got->size());
      return got;
    }
    uint64_t size() const override { return file_->size(); }
    const std::string& path() const override { return file_->path(); }

   private:
    std::unique_ptr<RandomAccessFile> file_;
    CountingFileSystem& owner_;
  };

  Result<std::unique_ptr<RandomAccessFile>> counted(
      Result<std::unique_ptr<RandomAccessFile>> file) {
    if (!file.ok()) return file.status();
    return std::unique_ptr<RandomAccessFile>(new CountedFile(std::move(*file), *this));
  }

  mutable std::mutex mu_;
  std::map<std::string, std::vector<int>> counts_;
};

// Copies every file of directory `dir` in `from` to the same path in `to`.
inline void copy_directory(FileSystem& from, const std::string& dir, FileSystem& to) {
  throw_if_error(to.create_directories(dir));
  for (const std::string& name : value_or_throw(from.list_directory(dir))) {
    const std::string path = join_path(dir, name);
    if (from.is_directory(path)) continue;
    throw_if_error(to.write_file_atomically(path, value_or_throw(from.read_file(path))));
  }
}

}  // namespace cairn::testing
