// What the direct-I/O (O_DIRECT) files of the POSIX FileSystem share:
// aligned blocks, the CAIRN_DIRECT_IO switch, and turning O_DIRECT off on a
// descriptor whose file system refuses it. Internal to src/io. (The uncached
// reader of posix_direct_read.cc sizes its own blocks: one huge page each.)
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace cairn::internal {

// O_DIRECT wants buffer addresses, file offsets and lengths aligned to the
// device's logical block size; 4096 is a multiple of every one in use.
constexpr size_t kDirectAlignment = 4096;
// Bytes per direct write of a streaming file: large enough to run at the
// disk's speed with one request in flight, small enough to stay out of the way.
constexpr size_t kDirectBlockBytes = 8 * 1024 * 1024;

struct FreeAligned {
  void operator()(char* p) const { std::free(p); }
};
using AlignedBlock = std::unique_ptr<char, FreeAligned>;

// One kDirectBlockBytes write block aligned for O_DIRECT; null if out of memory.
inline AlignedBlock allocate_direct_block() {
  return AlignedBlock(static_cast<char*>(std::aligned_alloc(kDirectAlignment, kDirectBlockBytes)));
}

// False when the environment says CAIRN_DIRECT_IO=0.
inline bool direct_io_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("CAIRN_DIRECT_IO");
    return env == nullptr || std::strcmp(env, "0") != 0;
  }();
  return enabled;
}

// Clears O_DIRECT on `fd` (later I/O goes through the page cache); 0 or errno.
inline int stop_direct_io(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return errno;
  return ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) == 0 ? 0 : errno;
}

}  // namespace cairn::internal
