// Transparent huge pages for large buffers: one place that says which
// buffers count as large and asks the kernel (madvise MADV_HUGEPAGE) to back
// them with 2 MiB pages, which spares a GEMM streaming a 64 MiB kernel most
// of its TLB misses. Tensor buffers and nn's layer caches both use it. Only a
// hint: nothing changes where transparent huge pages are off.
//
//   void* p = std::aligned_alloc(cairn::kHugePageBytes, padded);
//   cairn::advise_huge_pages(p, padded);   // before the memory is first touched
#pragma once

#include <cstddef>

namespace cairn {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;
// Buffers at least this large are worth aligning and advising.
inline constexpr size_t kHugePageMinBytes = size_t{4} << 20;

// Advises the whole 2 MiB pages inside [p, p + bytes) (a buffer from malloc
// may start and end mid-page; its edges keep small pages). Errors are ignored.
void advise_huge_pages(void* p, size_t bytes);

}  // namespace cairn
