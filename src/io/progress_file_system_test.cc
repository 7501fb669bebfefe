// ProgressFileSystem reports the bytes appended through it, and only those.
#include "cairn/io/progress_file_system.h"

#include <gtest/gtest.h>

#include "cairn/io/memory_file_system.h"

namespace cairn {
namespace {

struct BytesHeard : Progress {
  void update(int64_t done, int64_t total, ProgressUnit unit) override {
    EXPECT_EQ(unit, ProgressUnit::kBytes);
    EXPECT_EQ(total, 0) << "the total of a write is not known ahead";
    reports.push_back(done);
  }
  std::vector<int64_t> reports;
};

TEST(ProgressFileSystemTest, ReportsTheRunningSumOfEveryAppend) {
  MemoryFileSystem memory;
  BytesHeard heard;
  ProgressFileSystem fs(memory, &heard);
  ASSERT_TRUE(fs.write_file_atomically("/out/a", std::string(1000, 'a')).ok());
  auto file = fs.new_writable_file("/out/b");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->append("hello ").ok());
  ASSERT_TRUE((*file)->append("world").ok());
  ASSERT_TRUE((*file)->close().ok());
  EXPECT_EQ(heard.reports, (std::vector<int64_t>{1000, 1006, 1011}));
  EXPECT_EQ(fs.bytes_written(), 1011u);
  EXPECT_EQ(*memory.read_file("/out/b"), "hello world");  // written through
}

TEST(ProgressFileSystemTest, ReadsAndFailedAppendsAreNotCounted) {
  MemoryFileSystem memory;
  ASSERT_TRUE(memory.write_file_atomically("/in", "abc").ok());
  memory.set_capacity(10);
  BytesHeard heard;
  ProgressFileSystem fs(memory, &heard);
  EXPECT_EQ(*fs.read_file("/in"), "abc");
  auto file = fs.new_writable_file("/big");
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE((*file)->append(std::string(100, 'x')).ok());
  EXPECT_TRUE(heard.reports.empty());
}

TEST(ProgressFileSystemTest, WithoutAListenerItOnlyCounts) {
  MemoryFileSystem memory;
  ProgressFileSystem fs(memory, nullptr);
  ASSERT_TRUE(fs.write_file_atomically("/x", "12345").ok());
  EXPECT_EQ(fs.bytes_written(), 5u);
}

}  // namespace
}  // namespace cairn
