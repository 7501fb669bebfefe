#include "cairn/io/progress_file_system.h"

namespace cairn {
namespace {

// A file being written whose appends are counted by its file system.
class CountedWritableFile final : public WritableFile {
 public:
  CountedWritableFile(std::unique_ptr<WritableFile> base, ProgressFileSystem& owner)
      : base_(std::move(base)), owner_(owner) {}
  Status append(std::string_view data) override {
    CAIRN_RETURN_IF_ERROR(base_->append(data));
    owner_.count(data.size());
    return ok_status();
  }
  Status flush() override { return base_->flush(); }
  Status sync() override { return base_->sync(); }
  Status close() override { return base_->close(); }
  uint64_t size() const override { return base_->size(); }

 private:
  std::unique_ptr<WritableFile> base_;
  ProgressFileSystem& owner_;
};

}  // namespace

void ProgressFileSystem::count(uint64_t n) {
  written_ += n;
  report_progress(progress_, static_cast<int64_t>(written_), 0, ProgressUnit::kBytes);
}

Result<std::unique_ptr<WritableFile>> ProgressFileSystem::counted(
    Result<std::unique_ptr<WritableFile>> file) {
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(new CountedWritableFile(std::move(*file), *this));
}

Result<std::unique_ptr<WritableFile>> ProgressFileSystem::new_writable_file(
    const std::string& path) {
  return counted(base().new_writable_file(path));
}
Result<std::unique_ptr<WritableFile>> ProgressFileSystem::new_streaming_file(
    const std::string& path) {
  return counted(base().new_streaming_file(path));
}
Result<std::unique_ptr<WritableFile>> ProgressFileSystem::new_appendable_file(
    const std::string& path) {
  return counted(base().new_appendable_file(path));
}

}  // namespace cairn
