// Loading OpenBLAS on first use, with threads bounded by the address space;
// see blas_library.h for why.
#include "nn/blas_library.h"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cairn/core/errors.h"

#ifndef CAIRN_OPENBLAS_SONAME
#define CAIRN_OPENBLAS_SONAME "libopenblas.so.0"
#endif

namespace cairn::nn::internal {
namespace {

// OpenBLAS's BUFFER_SIZE on x86-64 (32 << 22): what each of its threads maps
// for packed panels, and what blas_memory_alloc retries without end.
constexpr size_t kBufferBytes = size_t{128} << 20;

// Its own pool functions (exported; not in cblas.h): mapping the calling
// thread's buffer at load time means no product maps one later.
using MemoryAlloc = void* (*)(int);
using MemoryFree = void (*)(void*);

size_t thread_stack_bytes() {
  pthread_attr_t attr;
  size_t bytes = size_t{8} << 20;
  if (pthread_getattr_default_np(&attr) == 0) {
    pthread_attr_getstacksize(&attr, &bytes);
    pthread_attr_destroy(&attr);
  }
  return bytes;
}

// True when `bytes` more of writable private memory can be mapped now, as
// OpenBLAS maps its buffers (the pages are never touched).
bool address_space_holds(size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  ::munmap(p, bytes);
  return true;
}

// How many of `wanted` more threads fit: their buffers and stacks, taken
// twice, so that half of what is left stays for the program.
int affordable_threads(int wanted) {
  const size_t each = kBufferBytes + thread_stack_bytes();
  for (int n = wanted; n > 0; --n) {
    if (address_space_holds(2 * each * static_cast<size_t>(n))) return n;
  }
  return 0;
}

int positive_env(const char* name) {
  const char* value = std::getenv(name);
  const long n = value == nullptr ? 0 : std::strtol(value, nullptr, 10);
  return n > 0 && n < 4096 ? static_cast<int>(n) : 0;
}

// OpenBLAS's own choice: the first variable set, capped by the cores we may run on.
int wanted_threads() {
  cpu_set_t cpus;
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) cores = CPU_COUNT(&cpus);
  cores = std::max(cores, 1);
  for (const char* name : {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"}) {
    if (int n = positive_env(name); n > 0) return std::min(n, cores);
  }
  return cores;
}

std::string address_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return "";
  return " (the virtual-memory limit, ulimit -v, is " + std::to_string(limit.rlim_cur >> 20) +
         " MiB)";
}

[[noreturn]] void throw_no_buffer() {
  throw ResourceExhaustedError(
      "out of memory: matrix products need " + std::to_string(kBufferBytes >> 20) +
      " MiB of address space for OpenBLAS's work buffer, and this process cannot map it" +
      address_limit());
}

// Sets an environment variable for the lifetime of the object and then puts
// back what the caller had.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) saved_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (saved_) {
      ::setenv(name_, saved_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

// OpenBLAS's idle threads spin (sched_yield) for 2^28 cycles, about 0.1 s,
// after each threaded product before they sleep: a spinning thread takes
// half a core from cairn's own range threads (parallel_ranges.h), which run
// between products. 2^16 cycles (tens of microseconds) lets them sleep
// instead; a caller's own OPENBLAS_THREAD_TIMEOUT wins.
constexpr const char* kThreadTimeoutLog2 = "16";

// dlopen with OPENBLAS_NUM_THREADS=1, so that its constructor starts no
// thread, and the thread timeout above, then the caller's environment back.
void* open_single_threaded() {
  std::optional<ScopedEnv> timeout;
  if (std::getenv("OPENBLAS_THREAD_TIMEOUT") == nullptr) {
    timeout.emplace("OPENBLAS_THREAD_TIMEOUT", kThreadTimeoutLog2);
  }
  void* handle = nullptr;
  {
    ScopedEnv one_thread("OPENBLAS_NUM_THREADS", "1");
    handle = ::dlopen(CAIRN_OPENBLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
  }
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw FailedPreconditionError(std::string("matrix products need OpenBLAS, but ") +
                                  CAIRN_OPENBLAS_SONAME +
                                  " cannot be loaded: " + (why ? why : "unknown error"));
  }
  return handle;
}

template <typename F>
void resolve(void* handle, const char* name, F& out) {
  out = reinterpret_cast<F>(::dlsym(handle, name));
  if (out == nullptr) {
    throw FailedPreconditionError(std::string(CAIRN_OPENBLAS_SONAME) + " has no " + name);
  }
}

Blas resolve_all(void* handle) {
  Blas blas{};
  resolve(handle, "cblas_sgemm", blas.sgemm);
  resolve(handle, "cblas_sgemv", blas.sgemv);
  resolve(handle, "openblas_get_num_threads", blas.get_num_threads);
  resolve(handle, "openblas_set_num_threads", blas.set_num_threads);
  resolve(handle, "openblas_get_corename", blas.get_corename);
  return blas;
}

void map_calling_thread_buffer(void* handle) {
  auto alloc = reinterpret_cast<MemoryAlloc>(::dlsym(handle, "blas_memory_alloc"));
  auto release = reinterpret_cast<MemoryFree>(::dlsym(handle, "blas_memory_free"));
  if (alloc != nullptr && release != nullptr) release(alloc(0));  // stays mapped, in its pool
}

struct Loaded {
  Blas blas;
  void* handle;
  int threads_started;
  // Calls between enter_calling_thread_products() and its leave: while
  // positive, OpenBLAS runs on one thread and `threads` is what it gets back.
  int calling_thread_regions = 0;
  int threads = 1;
};

std::mutex g_mutex;
std::optional<Loaded> g_loaded;  // written once, under g_mutex

// Starts threads up to `n` in all while they fit; sets `n` or as many as run.
void use_threads(Loaded& loaded, int n) {
  n = std::max(n, 1);
  if (n > loaded.threads_started) {
    loaded.threads_started += affordable_threads(n - loaded.threads_started);
  }
  loaded.threads = std::min(n, loaded.threads_started);
  loaded.blas.set_num_threads(loaded.calling_thread_regions > 0 ? 1 : loaded.threads);
}

// The library first (its mappings take address space too), then the calling
// thread's buffer, then the threads that still fit.
Loaded load() {
  void* handle = open_single_threaded();
  Loaded loaded{.blas = resolve_all(handle), .handle = handle, .threads_started = 1};
  if (!address_space_holds(kBufferBytes)) throw_no_buffer();
  map_calling_thread_buffer(handle);
  use_threads(loaded, wanted_threads());
  return loaded;
}

Loaded& loaded_locked() {
  if (!g_loaded) g_loaded = load();
  return *g_loaded;
}

}  // namespace

const Blas& blas() {
  static std::atomic<const Blas*> ready{nullptr};
  if (const Blas* b = ready.load(std::memory_order_acquire)) return *b;
  std::lock_guard lock(g_mutex);
  const Blas* b = &loaded_locked().blas;
  ready.store(b, std::memory_order_release);
  return *b;
}

int set_blas_threads(int n) {
  std::lock_guard lock(g_mutex);
  Loaded& loaded = loaded_locked();
  use_threads(loaded, n);
  return loaded.threads;
}

int blas_threads() {
  blas();  // loads it first, outside the lock
  std::lock_guard lock(g_mutex);
  return loaded_locked().threads;
}

void enter_calling_thread_products() {
  blas();
  std::lock_guard lock(g_mutex);
  Loaded& loaded = loaded_locked();
  if (loaded.calling_thread_regions++ == 0) loaded.blas.set_num_threads(1);
}

void leave_calling_thread_products() {
  std::lock_guard lock(g_mutex);
  Loaded& loaded = loaded_locked();
  if (--loaded.calling_thread_regions == 0) loaded.blas.set_num_threads(loaded.threads);
}

bool map_thread_buffer() {
  blas();
  std::lock_guard lock(g_mutex);
  if (!address_space_holds(kBufferBytes + thread_stack_bytes())) return false;
  map_calling_thread_buffer(loaded_locked().handle);
  return true;
}

}  // namespace cairn::nn::internal
