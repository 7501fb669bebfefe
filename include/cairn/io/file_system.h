// FileSystem: the one interface through which cairn touches files.
//
// Format code (bundles, events, HDF5, the state file) never calls fopen or
// open(2) itself; it is handed a FileSystem. The POSIX implementation is the
// default; MemoryFileSystem keeps files in RAM for fast, hermetic tests (and
// can be told to fail, to test error paths). Every method returns a Status
// whose message names the path and the operation that failed.
//
// What every implementation refuses (the model directory is untrusted input):
//  - opening anything that is not a regular file (a FIFO, a device, a
//    socket, a directory): FAILED_PRECONDITION naming the path and its type,
//    without blocking on a FIFO;
//  - writing, appending to or locking through a symbolic link (the link's
//    target is never overwritten): FAILED_PRECONDITION;
//  - removing follows no link (a link is removed, never its target).
// Names that come from files (a state file's entries, a subdirectory of the
// model directory) go through resolve_beneath() before they are opened or
// removed, so no symlinked component can lead out of the directory.
//
//   cairn::FileSystem& fs = cairn::default_file_system();
//   CAIRN_ASSIGN_OR_RETURN(auto out, fs.new_writable_file("/tmp/x.tmp"));
//   CAIRN_RETURN_IF_ERROR(out->append("hello"));
//   CAIRN_RETURN_IF_ERROR(out->sync());
//   CAIRN_RETURN_IF_ERROR(out->close());
//   CAIRN_RETURN_IF_ERROR(fs.rename_file("/tmp/x.tmp", "/tmp/x"));
//   CAIRN_ASSIGN_OR_RETURN(std::string text, fs.read_file("/tmp/x"));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

// A file open for writing at its end. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(std::string_view data) = 0;
  // Hands buffered bytes to the operating system.
  virtual Status flush() = 0;
  // Makes the bytes durable (fsync).
  virtual Status sync() = 0;
  // Flushes and closes; further calls fail. The destructor closes silently.
  virtual Status close() = 0;
  // Bytes appended so far (including what the file held when opened).
  virtual uint64_t size() const = 0;
};

// A file read at arbitrary offsets. Thread-safe: reads may run concurrently.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to `n` bytes at `offset` into `scratch` (which must hold `n`
  // bytes) and returns a view of what was read, which may point into
  // `scratch` or into a mapping owned by the file. A short view means the
  // file ended; reading past the end is not an error.
  virtual Result<std::string_view> read(uint64_t offset, size_t n, char* scratch) const = 0;
  // The same, but only as far as the bytes are in memory now: the view stops
  // short at the first byte that would have to come from the disk, without
  // waiting for it (so a short view does not mean the file ended). The POSIX
  // file reads with preadv2(RWF_NOWAIT) (from the page cache); by default
  // read(), for files kept in memory.
  virtual Result<std::string_view> read_cached(uint64_t offset, size_t n, char* scratch) const {
    return read(offset, n, scratch);
  }
  // Size of the file when it was opened.
  virtual uint64_t size() const = 0;
  virtual const std::string& path() const = 0;
};

// A whole file mapped read-only into memory; bytes valid while it lives.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view data() const = 0;
  // A hint that bytes [offset, offset + n) will be read soon, so the system
  // can start reading them ahead (madvise MADV_WILLNEED). No effect if absent.
  virtual void will_need(uint64_t /*offset*/, uint64_t /*n*/) const {}
  // True when bytes [offset, offset + n) are all in memory now (mincore), so
  // copying them needs no disk. True when it cannot tell.
  virtual bool resident(uint64_t /*offset*/, uint64_t /*n*/) const { return true; }
};

// An exclusive advisory lock on a path, released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

// What a path names, without following a symbolic link (lstat(2)).
enum class FileType { kMissing, kRegular, kDirectory, kSymlink, kOther };
// "regular file", "directory", "symbolic link", ...: for messages.
std::string_view file_type_name(FileType type);

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates or truncates `path` for writing.
  virtual Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) = 0;
  // Creates or truncates `path` for one long stream of appends that nobody
  // reads back soon (checkpoint data shards). The POSIX file system writes it
  // with direct I/O, bypassing the page cache (CAIRN_DIRECT_IO=0: buffered);
  // by default it is new_writable_file.
  virtual Result<std::unique_ptr<WritableFile>> new_streaming_file(const std::string& path) {
    return new_writable_file(path);
  }
  // Opens `path` for appending, creating it if absent.
  virtual Result<std::unique_ptr<WritableFile>> new_appendable_file(const std::string& path) = 0;
  // NOT_FOUND if `path` does not exist.
  virtual Result<std::unique_ptr<RandomAccessFile>> new_random_access_file(
      const std::string& path) = 0;
  // Opens `path` for reading large ranges in order without filling the page
  // cache (a cold checkpoint restore): the POSIX file system reads aligned
  // 2 MiB huge-page blocks with direct I/O, three ahead in the background
  // (CAIRN_DIRECT_IO=0: buffered); by default new_random_access_file.
  virtual Result<std::unique_ptr<RandomAccessFile>> new_uncached_file(const std::string& path) {
    return new_random_access_file(path);
  }
  virtual Result<std::unique_ptr<MappedFile>> map_file(const std::string& path) = 0;

  virtual Status rename_file(const std::string& from, const std::string& to) = 0;
  virtual Status remove_file(const std::string& path) = 0;
  virtual bool file_exists(const std::string& path) = 0;
  virtual bool is_directory(const std::string& path) = 0;
  virtual Result<uint64_t> file_size(const std::string& path) = 0;
  // Names (not paths) of the entries in `dir`, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> list_directory(const std::string& dir) = 0;
  // Creates `dir` and any missing parents; ok if it already exists.
  virtual Status create_directories(const std::string& dir) = 0;
  // Makes renames and creations inside `dir` durable (fsync of the directory).
  virtual Status sync_directory(const std::string& dir) = 0;
  // Takes an exclusive lock on `path` (created if absent); FAILED_PRECONDITION
  // if another process or FileLock holds it.
  virtual Result<std::unique_ptr<FileLock>> lock_file(const std::string& path) = 0;

  // What `path` is, not following a final symbolic link; kMissing if absent.
  virtual Result<FileType> file_type(const std::string& path) = 0;
  // When `path` was last written, in seconds since the epoch. UNIMPLEMENTED
  // on file systems that keep no times (the in-memory one).
  virtual Result<double> modification_time(const std::string& path) {
    return unimplemented_error("modification time of " + path + ": not kept by this file system");
  }
  // Removes the empty directory `dir`.
  virtual Status remove_directory(const std::string& dir) = 0;
  // Swaps the two existing paths `a` and `b` (files or directories) in one
  // atomic step (renameat2 RENAME_EXCHANGE). UNIMPLEMENTED where the system
  // cannot; callers then rename.
  virtual Status exchange_paths(const std::string& a, const std::string& b) = 0;

  // The one gate for names read from untrusted files: `dir` joined with the
  // relative path `relative`, with "." and "a/.." steps removed, provided it
  // lies inside `dir` both as written and on disk (every existing component,
  // symbolic links resolved, stays inside the real location of `dir`;
  // components that do not exist yet are fine). FAILED_PRECONDITION naming
  // both otherwise, and for an absolute or empty `relative`, or one that
  // names `dir` itself. This base version checks the spelling only (for
  // file systems without symbolic links); the POSIX one also resolves links.
  virtual Result<std::string> resolve_beneath(const std::string& dir, const std::string& relative);
  // Where `path` really is: absolute, without "." and ".." steps, symbolic
  // links resolved; for a path that does not exist yet, the real location of
  // its deepest existing ancestor joined with the rest. This base version
  // only normalizes the spelling (relative paths stay relative).
  virtual Result<std::string> real_path(const std::string& path);

  // Reads a whole file.
  Result<std::string> read_file(const std::string& path);
  // Writes `data` to `path`, replacing it atomically: a temporary file
  // beside it is written, synced, renamed over `path`, and the directory synced.
  Status write_file_atomically(const std::string& path, std::string_view data);

  // Gives the file `from` a second name `to` (replacing `to`). The POSIX file
  // system makes a hard link (no bytes copied); this default copies.
  virtual Status link_file(const std::string& from, const std::string& to);
};

// The process-wide POSIX file system.
FileSystem& default_file_system();

// Path helpers (pure string operations, '/' separated).
std::string join_path(std::string_view dir, std::string_view name);
std::string dirname(std::string_view path);   // "a/b/c" -> "a/b"; "c" -> "."
std::string basename(std::string_view path);  // "a/b/c" -> "c"
inline bool is_absolute_path(std::string_view path) { return !path.empty() && path[0] == '/'; }
// True when `path` is `dir` or lies under it ("a/b" within "a"; "ab" is not).
bool path_within(std::string_view path, std::string_view dir);

}  // namespace cairn
