#include "cairn/io/fault_injecting_file_system.h"

namespace cairn {

namespace {

size_t index_of(Fault f) { return static_cast<size_t>(f); }

// Appends and syncs share one counter per kind: kNoSpace and kShortWrite
// both count appends.
Fault counter_of(Fault f) { return f == Fault::kShortWrite ? Fault::kNoSpace : f; }

Status no_space(const std::string& path) {
  return resource_exhausted_error("append to " + path + ": No space left on device");
}

class FaultyWritableFile final : public WritableFile {
 public:
  FaultyWritableFile(FaultInjectingFileSystem& fs, std::string path,
                     std::unique_ptr<WritableFile> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}

  Status append(std::string_view data) override {
    std::optional<Fault> fault = fs_.next(Fault::kNoSpace);
    if (fault == Fault::kNoSpace) return no_space(path_);
    if (fault == Fault::kShortWrite) {
      CAIRN_RETURN_IF_ERROR(base_->append(data.substr(0, data.size() / 2)));
      return no_space(path_);
    }
    return base_->append(data);
  }
  Status flush() override { return base_->flush(); }
  Status sync() override {
    if (fs_.next(Fault::kSyncError))
      return data_loss_error("fsync " + path_ + ": Input/output error");
    return base_->sync();
  }
  Status close() override { return base_->close(); }
  uint64_t size() const override { return base_->size(); }

 private:
  FaultInjectingFileSystem& fs_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

FaultInjectingFileSystem::FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

void FaultInjectingFileSystem::inject(Fault fault, int64_t at) {
  std::lock_guard lock(mu_);
  armed_ = fault, at_ = at, fired_ = false;
  counts_.fill(0);
}

void FaultInjectingFileSystem::clear() {
  std::lock_guard lock(mu_);
  armed_.reset(), fired_ = false;
  counts_.fill(0);
}

int64_t FaultInjectingFileSystem::count(Fault fault) const {
  std::lock_guard lock(mu_);
  return counts_[index_of(counter_of(fault))];
}

bool FaultInjectingFileSystem::fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

std::optional<Fault> FaultInjectingFileSystem::next(Fault kind) {
  std::lock_guard lock(mu_);
  const int64_t n = counts_[index_of(kind)]++;
  if (!armed_ || fired_ || counter_of(*armed_) != kind || n != at_) return std::nullopt;
  fired_ = true;
  return armed_;
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::new_writable_file(
    const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(auto file, base_.new_writable_file(path));
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(*this, path, std::move(file)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectingFileSystem::new_appendable_file(
    const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(auto file, base_.new_appendable_file(path));
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(*this, path, std::move(file)));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectingFileSystem::new_random_access_file(
    const std::string& path) {
  return base_.new_random_access_file(path);
}

Result<std::unique_ptr<MappedFile>> FaultInjectingFileSystem::map_file(const std::string& path) {
  return base_.map_file(path);
}

Status FaultInjectingFileSystem::rename_file(const std::string& from, const std::string& to) {
  if (next(Fault::kRenameError)) {
    return Status(StatusCode::kUnknown, "rename " + from + " to " + to + ": rename failed");
  }
  return base_.rename_file(from, to);
}

Status FaultInjectingFileSystem::link_file(const std::string& from, const std::string& to) {
  return base_.link_file(from, to);
}

Status FaultInjectingFileSystem::remove_file(const std::string& path) {
  return base_.remove_file(path);
}
bool FaultInjectingFileSystem::file_exists(const std::string& path) {
  return base_.file_exists(path);
}
bool FaultInjectingFileSystem::is_directory(const std::string& path) {
  return base_.is_directory(path);
}
Result<uint64_t> FaultInjectingFileSystem::file_size(const std::string& path) {
  return base_.file_size(path);
}
Result<std::vector<std::string>> FaultInjectingFileSystem::list_directory(const std::string& dir) {
  return base_.list_directory(dir);
}
Status FaultInjectingFileSystem::create_directories(const std::string& dir) {
  return base_.create_directories(dir);
}

Status FaultInjectingFileSystem::sync_directory(const std::string& dir) {
  if (next(Fault::kSyncError))
    return data_loss_error("fsync directory " + dir + ": Input/output error");
  return base_.sync_directory(dir);
}

Result<std::unique_ptr<FileLock>> FaultInjectingFileSystem::lock_file(const std::string& path) {
  return base_.lock_file(path);
}
Result<FileType> FaultInjectingFileSystem::file_type(const std::string& path) {
  return base_.file_type(path);
}
Result<double> FaultInjectingFileSystem::modification_time(const std::string& path) {
  return base_.modification_time(path);
}
Status FaultInjectingFileSystem::remove_directory(const std::string& dir) {
  return base_.remove_directory(dir);
}
Status FaultInjectingFileSystem::exchange_paths(const std::string& a, const std::string& b) {
  if (next(Fault::kRenameError)) {
    return Status(StatusCode::kUnknown, "exchange " + a + " and " + b + ": rename failed");
  }
  return base_.exchange_paths(a, b);
}
Result<std::string> FaultInjectingFileSystem::resolve_beneath(const std::string& dir,
                                                              const std::string& relative) {
  return base_.resolve_beneath(dir, relative);
}
Result<std::string> FaultInjectingFileSystem::real_path(const std::string& path) {
  return base_.real_path(path);
}

}  // namespace cairn
