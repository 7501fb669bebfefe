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
  return counted(base_.new_writable_file(path));
}
Result<std::unique_ptr<WritableFile>> ProgressFileSystem::new_streaming_file(
    const std::string& path) {
  return counted(base_.new_streaming_file(path));
}
Result<std::unique_ptr<WritableFile>> ProgressFileSystem::new_appendable_file(
    const std::string& path) {
  return counted(base_.new_appendable_file(path));
}

// The rest passes through.
Result<std::unique_ptr<RandomAccessFile>> ProgressFileSystem::new_random_access_file(
    const std::string& path) {
  return base_.new_random_access_file(path);
}
Result<std::unique_ptr<RandomAccessFile>> ProgressFileSystem::new_uncached_file(
    const std::string& path) {
  return base_.new_uncached_file(path);
}
Result<std::unique_ptr<MappedFile>> ProgressFileSystem::map_file(const std::string& path) {
  return base_.map_file(path);
}
Status ProgressFileSystem::rename_file(const std::string& from, const std::string& to) {
  return base_.rename_file(from, to);
}
Status ProgressFileSystem::remove_file(const std::string& path) { return base_.remove_file(path); }
bool ProgressFileSystem::file_exists(const std::string& path) { return base_.file_exists(path); }
bool ProgressFileSystem::is_directory(const std::string& path) { return base_.is_directory(path); }
Result<uint64_t> ProgressFileSystem::file_size(const std::string& path) {
  return base_.file_size(path);
}
Result<std::vector<std::string>> ProgressFileSystem::list_directory(const std::string& dir) {
  return base_.list_directory(dir);
}
Status ProgressFileSystem::create_directories(const std::string& dir) {
  return base_.create_directories(dir);
}
Status ProgressFileSystem::sync_directory(const std::string& dir) {
  return base_.sync_directory(dir);
}
Result<std::unique_ptr<FileLock>> ProgressFileSystem::lock_file(const std::string& path) {
  return base_.lock_file(path);
}
Result<FileType> ProgressFileSystem::file_type(const std::string& path) {
  return base_.file_type(path);
}
Result<double> ProgressFileSystem::modification_time(const std::string& path) {
  return base_.modification_time(path);
}
Status ProgressFileSystem::remove_directory(const std::string& dir) {
  return base_.remove_directory(dir);
}
Status ProgressFileSystem::exchange_paths(const std::string& a, const std::string& b) {
  return base_.exchange_paths(a, b);
}
Result<std::string> ProgressFileSystem::resolve_beneath(const std::string& dir,
                                                        const std::string& relative) {
  return base_.resolve_beneath(dir, relative);
}
Result<std::string> ProgressFileSystem::real_path(const std::string& path) {
  return base_.real_path(path);
}
Status ProgressFileSystem::link_file(const std::string& from, const std::string& to) {
  return base_.link_file(from, to);  // a copy the base makes (no hard links) is not counted
}

}  // namespace cairn
