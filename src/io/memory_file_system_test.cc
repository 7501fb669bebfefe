#include "cairn/io/memory_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cairn {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MemoryFileSystemTest : public ::testing::Test {
 protected:
  void write(const std::string& path, std::string_view data) {
    ASSERT_TRUE(fs_.write_file_atomically(path, data).ok());
  }

  MemoryFileSystem fs_;
};

TEST_F(MemoryFileSystemTest, WriteAppendReadSize) {
  auto out = fs_.new_writable_file("/m/f");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->append("hello ").ok());
  ASSERT_TRUE((*out)->append("world").ok());
  EXPECT_EQ((*out)->size(), 11u);
  ASSERT_TRUE((*out)->sync().ok());
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_EQ((*out)->append("late").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*fs_.read_file("/m/f"), "hello world");

  auto more = fs_.new_appendable_file("/m/f");
  ASSERT_TRUE(more.ok());
  EXPECT_EQ((*more)->size(), 11u);
  ASSERT_TRUE((*more)->append("!").ok());
  EXPECT_EQ(*fs_.file_size("/m/f"), 12u);
  ASSERT_TRUE(fs_.new_writable_file("/m/f").ok());  // truncates
  EXPECT_EQ(*fs_.file_size("/m/f"), 0u);
}

TEST_F(MemoryFileSystemTest, ReadAtOffsetsAndPastEnd) {
  write("/f", "0123456789");
  auto in = fs_.new_random_access_file("/f");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ((*in)->size(), 10u);
  EXPECT_EQ((*in)->path(), "/f");
  char scratch[16];
  EXPECT_EQ(*(*in)->read(3, 4, scratch), "3456");
  EXPECT_EQ(*(*in)->read(8, 16, scratch), "89");
  EXPECT_EQ(*(*in)->read(10, 4, scratch), "");
  EXPECT_EQ(*(*in)->read(1000, 4, scratch), "");
}

TEST_F(MemoryFileSystemTest, NotFoundErrorsNamePath) {
  auto in = fs_.new_random_access_file("/m/model.ckpt-1.index");
  EXPECT_EQ(in.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(in.status().message(),
            "open /m/model.ckpt-1.index for reading: No such file or directory");
  for (const Status& s :
       {fs_.remove_file("/m/x"), fs_.rename_file("/m/x", "/m/y"), fs_.file_size("/m/x").status(),
        fs_.map_file("/m/x").status(), fs_.list_directory("/m/x").status()}) {
    EXPECT_EQ(s.code(), StatusCode::kNotFound);
    EXPECT_THAT(s.message(), HasSubstr("/m/x"));
  }
}

TEST_F(MemoryFileSystemTest, RenameRemoveExistsList) {
  write("/m/b", "1");
  write("/m/a", "2");
  ASSERT_TRUE(fs_.create_directories("/m/d/e").ok());
  EXPECT_TRUE(fs_.is_directory("/m/d"));  // implied by /m/d/e
  EXPECT_TRUE(fs_.is_directory("/m"));    // implied by its files
  EXPECT_FALSE(fs_.is_directory("/m/a"));
  EXPECT_TRUE(fs_.file_exists("/m/d"));
  EXPECT_THAT(*fs_.list_directory("/m"), ElementsAre("a", "b", "d"));
  EXPECT_THAT(*fs_.list_directory("/"), ElementsAre("m"));
  ASSERT_TRUE(fs_.rename_file("/m/a", "/m/d/c").ok());
  EXPECT_FALSE(fs_.file_exists("/m/a"));
  EXPECT_EQ(*fs_.read_file("/m/d/c"), "2");
  ASSERT_TRUE(fs_.remove_file("/m/b").ok());
  EXPECT_THAT(*fs_.list_directory("/m/d"), ElementsAre("c", "e"));
}

TEST_F(MemoryFileSystemTest, RenameDirectoryMovesEverythingUnderIt) {
  write("/m/tmp/saved_model.pb", "pb");
  write("/m/tmp-other", "keep");
  ASSERT_TRUE(fs_.create_directories("/m/tmp/variables").ok());
  ASSERT_TRUE(fs_.rename_file("/m/tmp", "/m/1").ok());
  EXPECT_EQ(*fs_.read_file("/m/1/saved_model.pb"), "pb");
  EXPECT_TRUE(fs_.is_directory("/m/1/variables"));
  EXPECT_FALSE(fs_.is_directory("/m/tmp"));
  EXPECT_THAT(*fs_.list_directory("/m"), ElementsAre("1", "tmp-other"));
}

TEST_F(MemoryFileSystemTest, PathsAreNormalized) {
  write("/m//x/", "v");
  EXPECT_EQ(*fs_.read_file("/m/x"), "v");
  EXPECT_TRUE(fs_.file_exists("//m///x"));
  EXPECT_TRUE(fs_.is_directory("/m/"));
  ASSERT_NE(fs_.mutable_contents("/m//x"), nullptr);
}

TEST_F(MemoryFileSystemTest, LockTwiceFailsUntilReleased) {
  auto first = fs_.lock_file("/m/LOCK");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(fs_.file_exists("/m/LOCK"));
  auto second = fs_.lock_file("/m//LOCK");
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("/m/LOCK"));
  first->reset();
  EXPECT_TRUE(fs_.lock_file("/m/LOCK").ok());
}

TEST_F(MemoryFileSystemTest, MapFileAndMutableContents) {
  write("/m/f", "abc");
  std::string* bytes = fs_.mutable_contents("/m/f");
  ASSERT_NE(bytes, nullptr);
  (*bytes)[1] = 'X';
  auto mapped = fs_.map_file("/m/f");
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ((*mapped)->data(), "aXc");
  write("/m/empty", "");
  EXPECT_TRUE((*fs_.map_file("/m/empty"))->data().empty());
  EXPECT_EQ(fs_.mutable_contents("/m/none"), nullptr);
}

TEST_F(MemoryFileSystemTest, WriteFileAtomicallyReplacesAndLeavesNoTemporary) {
  write("/m/checkpoint", "old");
  write("/m/checkpoint", "new contents");
  EXPECT_EQ(*fs_.read_file("/m/checkpoint"), "new contents");
  EXPECT_THAT(*fs_.list_directory("/m"), ElementsAre("checkpoint"));
}

TEST_F(MemoryFileSystemTest, FullDiskIsResourceExhaustedNamingPath) {
  fs_.set_capacity(10);
  auto out = fs_.new_writable_file("/m/big");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->append("0123456789").ok());
  Status s = (*out)->append("x");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "append to /m/big: no space left on device");
  ASSERT_TRUE(fs_.remove_file("/m/big").ok());  // frees the space
  EXPECT_TRUE(fs_.write_file_atomically("/m/small", "fits").ok());
}

TEST_F(MemoryFileSystemTest, FullDiskLeavesOldFileIntact) {
  write("/m/checkpoint", "model_checkpoint_path: \"ckpt-1\"");
  fs_.set_capacity(40);
  Status s = fs_.write_file_atomically("/m/checkpoint", "model_checkpoint_path: \"ckpt-2\"");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(*fs_.read_file("/m/checkpoint"), "model_checkpoint_path: \"ckpt-1\"");
  EXPECT_THAT(*fs_.list_directory("/m"), ElementsAre("checkpoint"));
}

TEST_F(MemoryFileSystemTest, ExchangeRemoveDirectoryAndFileType) {
  write("/a/saved_model.pb", "new");
  write("/b/saved_model.pb", "old");
  write("/b/variables/v", "old vars");
  ASSERT_TRUE(fs_.exchange_paths("/a", "/b").ok());
  EXPECT_EQ(*fs_.read_file("/b/saved_model.pb"), "new");
  EXPECT_EQ(*fs_.read_file("/a/variables/v"), "old vars");
  EXPECT_FALSE(fs_.exchange_paths("/a", "/missing").ok());
  EXPECT_EQ(*fs_.file_type("/a"), FileType::kDirectory);
  EXPECT_EQ(*fs_.file_type("/a/saved_model.pb"), FileType::kRegular);
  EXPECT_EQ(*fs_.file_type("/c"), FileType::kMissing);
  EXPECT_EQ(fs_.remove_directory("/a").code(), StatusCode::kFailedPrecondition);  // not empty
  ASSERT_TRUE(fs_.create_directories("/e").ok());
  ASSERT_TRUE(fs_.remove_directory("/e").ok());
  EXPECT_FALSE(fs_.is_directory("/e"));
}

TEST_F(MemoryFileSystemTest, ResolveBeneathChecksTheSpelling) {
  EXPECT_EQ(*fs_.resolve_beneath("/m", "eval"), "/m/eval");
  EXPECT_EQ(*fs_.resolve_beneath("/m", "a/./../b"), "/m/b");
  for (const char* escape : {"../x", "/etc/passwd", "", ".", "a/../.."}) {
    Result<std::string> r = fs_.resolve_beneath("/m", escape);
    ASSERT_FALSE(r.ok()) << escape;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_THAT(r.status().message(), HasSubstr("/m")) << escape;
  }
}

}  // namespace
}  // namespace cairn
