// The open-file objects of the POSIX FileSystem (posix_file_system.cc), and
// the errno-to-Status mapping both files use. Internal to src/io.
#pragma once

#include <memory>
#include <string>

#include "cairn/io/file_system.h"

namespace cairn::internal {

// A Status for a failed system call: code from `err` (ENOENT -> NOT_FOUND,
// ENOSPC -> RESOURCE_EXHAUSTED, ...), message "`context`: strerror(err)",
// e.g. "open model.ckpt-1.index for reading: No such file or directory".
Status posix_error(const std::string& context, int err);

// What a path names, from a stat(2) st_mode.
FileType file_type_of(unsigned mode);

struct OpenFile {
  int fd;
  uint64_t size;  // when opened
};

// The one open(2) of the POSIX file system, for every read, write and lock:
// `flags` plus O_CLOEXEC, and O_NOFOLLOW when it writes (a symbolic link at
// `path` is refused, its target never touched). Anything but a regular file
// is refused with FAILED_PRECONDITION naming `path` and its type; the open
// is non-blocking, so a FIFO is refused instead of waiting for a writer. The
// descriptor returned blocks as usual.
Result<OpenFile> open_regular_file(const std::string& path, int flags);

// Opens `path` for writing with open(2) `flags` (O_TRUNC or O_APPEND added
// by the caller); appends are buffered in 64 KiB.
Result<std::unique_ptr<WritableFile>> open_posix_writable(const std::string& path, int flags);

// Creates or truncates `path` for one long stream of appends, written with
// direct I/O where the file system allows it (posix_direct_file.cc).
Result<std::unique_ptr<WritableFile>> open_posix_streaming(const std::string& path);

// Opens `path` for reads in order through direct I/O with read-ahead, where
// the file system allows it (posix_direct_read.cc).
Result<std::unique_ptr<RandomAccessFile>> open_posix_uncached(const std::string& path);

// Opens `path` for pread(2).
Result<std::unique_ptr<RandomAccessFile>> open_posix_random_access(const std::string& path);

// mmap(2)s all of `path` read-only; an empty file gives an empty view.
Result<std::unique_ptr<MappedFile>> map_posix_file(const std::string& path);

// flock(2)s `path` (created if absent). A path this process already holds is
// refused too, whichever file descriptor asks.
Result<std::unique_ptr<FileLock>> lock_posix_file(const std::string& path);

}  // namespace cairn::internal
