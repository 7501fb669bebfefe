#include "cairn/core/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace cairn {

void advise_huge_pages(void* p, size_t bytes) {
  const auto start = reinterpret_cast<uintptr_t>(p);
  const uintptr_t page = kHugePageBytes;
  const uintptr_t begin = (start + page - 1) & ~(page - 1);
  const uintptr_t end = (start + bytes) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace cairn
