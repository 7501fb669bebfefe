// Open files of the POSIX FileSystem: buffered writes through write(2),
// positional reads through pread(2) (preadv2 RWF_NOWAIT for what the page
// cache holds), read-only mmap(2), and flock(2) locks.
#include "posix_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::internal {
namespace {

constexpr size_t kWriteBufferSize = 64 * 1024;

// Large files start their writeback every this many bytes (sync_file_range
// SYNC_FILE_RANGE_WRITE, which does not wait): the disk writes while the
// process is still producing bytes, instead of all at once in the final
// fsync. CAIRN_WRITEBACK_MB overrides it; 0 turns it off.
uint64_t writeback_chunk_bytes() {
  static const uint64_t bytes = [] {
    const char* env = std::getenv("CAIRN_WRITEBACK_MB");
    const long mb = env != nullptr ? std::strtol(env, nullptr, 10) : 8;
    return mb > 0 ? static_cast<uint64_t>(mb) << 20 : uint64_t{0};
  }();
  return bytes;
}

StatusCode code_for_errno(int err) {
  switch (err) {
    case ENOENT:
      return StatusCode::kNotFound;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:  // RLIMIT_FSIZE or the file system's largest file
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return StatusCode::kResourceExhausted;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusCode::kPermissionDenied;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    case ENOTDIR:
    case EISDIR:
    case ENOTEMPTY:
      return StatusCode::kFailedPrecondition;
    case EIO:  // what was written may not be on the disk
      return StatusCode::kDataLoss;
    case EINVAL:
    case ENAMETOOLONG:
      return StatusCode::kInvalidArgument;
    default:
      return StatusCode::kUnknown;
  }
}

// Writes all of `data` to `fd`, retrying partial writes and EINTR.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size), writeback_from_(size) {
    buffer_.reserve(kWriteBufferSize);
  }
  ~PosixWritableFile() override { (void)close(); }

  Status append(std::string_view data) override {
    if (fd_ < 0) return closed_error("append to");
    if (buffer_.size() + data.size() > kWriteBufferSize) CAIRN_RETURN_IF_ERROR(flush());
    if (data.size() >= kWriteBufferSize) {
      CAIRN_RETURN_IF_ERROR(checked("write", write_all(fd_, data)));
    } else {
      buffer_.append(data);
    }
    size_ += data.size();
    start_writeback();
    return ok_status();
  }

  Status flush() override {
    if (fd_ < 0) return closed_error("flush");
    int err = write_all(fd_, buffer_);
    buffer_.clear();
    return checked("write", err);
  }

  // Starts the disk writing what has been handed to the kernel, a chunk at a
  // time; errors are left to the fsync that follows (this is only a hint).
  void start_writeback() {
    const uint64_t chunk = writeback_chunk_bytes();
    const uint64_t written = size_ - buffer_.size();
    if (chunk == 0 || written < writeback_from_ + chunk) return;
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                            static_cast<off_t>(written - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written;
  }

  Status sync() override {
    CAIRN_RETURN_IF_ERROR(flush());
    return checked("fsync", ::fsync(fd_) == 0 ? 0 : errno);
  }

  Status close() override {
    if (fd_ < 0) return closed_error("close");
    Status status = flush();
    int err = ::close(fd_) == 0 ? 0 : errno;
    fd_ = -1;
    if (!status.ok()) return status;
    return checked("close", err);
  }

  uint64_t size() const override { return size_; }

 private:
  Status checked(const char* op, int err) const {
    return err == 0 ? ok_status() : posix_error(std::string(op) + " " + path_, err);
  }
  Status closed_error(const char* op) const {
    return failed_precondition_error(std::string(op) + " " + path_ + ": file is closed");
  }

  std::string path_;
  int fd_;
  uint64_t size_;
  uint64_t writeback_from_ = 0;  // bytes before this offset have had writeback started
  std::string buffer_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t got = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        return posix_error("read " + path_ + " at offset " + std::to_string(offset + done), errno);
      }
      if (got == 0) break;  // end of file
      done += static_cast<size_t>(got);
    }
    return std::string_view(scratch, done);
  }
  // preadv2(RWF_NOWAIT) fails with EAGAIN, or returns short, where the page
  // cache lacks a page; a file system that cannot tell (EOPNOTSUPP) gives an
  // empty view, so the caller reads it as not in memory.
  Result<std::string_view> read_cached(uint64_t offset, size_t n, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      iovec into{scratch + done, n - done};
      ssize_t got = ::preadv2(fd_, &into, 1, static_cast<off_t>(offset + done), RWF_NOWAIT);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EOPNOTSUPP)) break;
      if (got < 0) {
        return posix_error("read " + path_ + " at offset " + std::to_string(offset + done), errno);
      }
      if (got == 0) break;  // end of file
      done += static_cast<size_t>(got);
    }
    return std::string_view(scratch, done);
  }
  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

class PosixMappedFile final : public MappedFile {
 public:
  PosixMappedFile(void* base, size_t size) : base_(base), size_(size) {}
  ~PosixMappedFile() override {
    if (size_ > 0) ::munmap(base_, size_);
  }
  std::string_view data() const override {
    return std::string_view(static_cast<const char*>(base_), size_);
  }
  void will_need(uint64_t offset, uint64_t n) const override {
    if (offset >= size_ || n == 0) return;
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = offset / page * page;
    const uint64_t end = std::min<uint64_t>(offset + n, size_);
    (void)::madvise(static_cast<char*>(base_) + begin, end - begin, MADV_WILLNEED);
  }
  bool resident(uint64_t offset, uint64_t n) const override {
    if (offset >= size_ || n == 0) return true;
    static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    const uint64_t begin = offset / page * page;
    const uint64_t end = std::min<uint64_t>(offset + n, size_);
    std::vector<unsigned char> pages((end - begin + page - 1) / page);
    if (::mincore(static_cast<char*>(base_) + begin, end - begin, pages.data()) != 0) return true;
    return std::all_of(pages.begin(), pages.end(), [](unsigned char p) { return (p & 1) != 0; });
  }

 private:
  void* base_;
  size_t size_;
};

// Paths this process holds locks on. flock(2) already refuses a second
// open file description; this also covers platforms where it does not.
struct LockedPaths {
  std::mutex mu;
  std::set<std::string> paths;
};

LockedPaths& locked_paths() {
  static LockedPaths locked;
  return locked;
}

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    LockedPaths& locked = locked_paths();
    std::lock_guard<std::mutex> hold(locked.mu);
    locked.paths.erase(path_);
  }

 private:
  std::string path_;
  int fd_;
};

// lstat(2) of `path` as a FileType; kMissing when it cannot be examined.
FileType type_without_following(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return FileType::kMissing;
  return file_type_of(st.st_mode);
}

// The refusal of a path that is not a regular file.
Status not_regular_error(const std::string& context, const std::string& path, FileType type) {
  const std::string why = type == FileType::kSymlink ? "; cairn never writes through a link" : "";
  return failed_precondition_error(context + ": " + path + " is a " +
                                   std::string(file_type_name(type)) + ", not a regular file" +
                                   why);
}

}  // namespace

Status posix_error(const std::string& context, int err) {
  return Status(code_for_errno(err), context + ": " + std::strerror(err));
}

FileType file_type_of(unsigned mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  return FileType::kOther;
}

Result<OpenFile> open_regular_file(const std::string& path, int flags) {
  const bool writes = (flags & (O_WRONLY | O_RDWR)) != 0;
  const std::string context = "open " + path + (writes ? " for writing" : " for reading");
  if (writes) flags |= O_NOFOLLOW;
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NONBLOCK, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int err = errno;
    const FileType type = type_without_following(path);
    // ELOOP: a link refused by O_NOFOLLOW; ENXIO: a FIFO without a reader.
    if (((err == ELOOP && writes) || err == ENXIO) && type != FileType::kMissing) {
      return not_regular_error(context, path, type);
    }
    return posix_error(context, err);
  }
  struct stat st;
  int err = ::fstat(fd, &st) == 0 ? 0 : errno;
  if (err == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    return not_regular_error(context, path, file_type_of(st.st_mode));
  }
  // Blocking again: O_NONBLOCK only kept a FIFO from hanging the open.
  if (err == 0 && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) err = errno;
  if (err != 0) {
    ::close(fd);
    return posix_error(context, err);
  }
  return OpenFile{fd, static_cast<uint64_t>(st.st_size)};
}

Result<std::unique_ptr<WritableFile>> open_posix_writable(const std::string& path, int flags) {
  CAIRN_ASSIGN_OR_RETURN(OpenFile file, open_regular_file(path, O_WRONLY | O_CREAT | flags));
  return std::unique_ptr<WritableFile>(
      std::make_unique<PosixWritableFile>(path, file.fd, file.size));
}

Result<std::unique_ptr<RandomAccessFile>> open_posix_random_access(const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(OpenFile file, open_regular_file(path, O_RDONLY));
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<PosixRandomAccessFile>(path, file.fd, file.size));
}

Result<std::unique_ptr<MappedFile>> map_posix_file(const std::string& path) {
  CAIRN_ASSIGN_OR_RETURN(OpenFile file, open_regular_file(path, O_RDONLY));
  auto [fd, size] = file;
  void* base = nullptr;
  if (size > 0) base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  int err = base == MAP_FAILED ? errno : 0;
  ::close(fd);  // the mapping outlives the descriptor
  if (err != 0) return posix_error("mmap " + path, err);
  return std::unique_ptr<MappedFile>(std::make_unique<PosixMappedFile>(base, size));
}

Result<std::unique_ptr<FileLock>> lock_posix_file(const std::string& path) {
  LockedPaths& locked = locked_paths();
  std::lock_guard<std::mutex> hold(locked.mu);
  if (locked.paths.count(path) > 0) {
    return failed_precondition_error("lock " + path + ": already held by this process");
  }
  Result<OpenFile> file = open_regular_file(path, O_RDWR | O_CREAT);
  if (!file.ok()) return file.status().with_context("lock " + path);
  const int fd = file->fd;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return failed_precondition_error("lock " + path + ": held by another process");
    }
    return posix_error("lock " + path, err);
  }
  locked.paths.insert(path);
  return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(path, fd));
}

}  // namespace cairn::internal
