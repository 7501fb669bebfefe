// Crash isolation for HDF5 parses; see hdf5_sandbox.h. The child reports
// back through a pipe: a 4-byte status code, then the message.
#include "formats/hdf5/hdf5_sandbox.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <new>
#include <string>

#include "formats/hdf5/hdf5_handles.h"

namespace cairn::internal::h5 {
namespace {

constexpr const char* kOutOfMemory = "ran out of memory parsing the HDF5 file";

bool g_in_child = false;
std::atomic<bool> g_isolation_enabled{true};

void write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

// `work`'s Status, or RESOURCE_EXHAUSTED when an allocation in it failed.
Status work_or_out_of_memory(const std::function<Status()>& work) {
  try {
    return work();
  } catch (const std::bad_alloc&) {
    return resource_exhausted_error(kOutOfMemory);
  }
}

[[noreturn]] void run_child(int fd, const std::function<Status()>& work, unsigned timeout) {
  g_in_child = true;
  std::signal(SIGALRM, SIG_DFL);  // a hang ends the child
  alarm(timeout);
  const Status status = work_or_out_of_memory(work);
  const int32_t code = static_cast<int32_t>(status.code());
  std::string report(reinterpret_cast<const char*>(&code), sizeof(code));
  write_all(fd, report + status.message());
  ::close(fd);
  _exit(0);
}

// What the child's end (`report` from the pipe, `wait_status` from waitpid) means.
Status outcome(const std::string& report, bool waited, int wait_status, unsigned timeout) {
  if (report.size() >= sizeof(int32_t)) {
    int32_t code = 0;
    std::memcpy(&code, report.data(), sizeof(code));
    return Status(static_cast<StatusCode>(code), report.substr(sizeof(code)));
  }
  if (waited && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGALRM) {
    return data_loss_error("HDF5 did not finish parsing within " + std::to_string(timeout) +
                           " s (a corrupt file?)");
  }
  if (waited && WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) {
    return resource_exhausted_error(std::string(kOutOfMemory) +
                                    " (its process was killed by SIGKILL, as the kernel's "
                                    "out-of-memory killer does)");
  }
  if (waited && WIFSIGNALED(wait_status)) {
    return data_loss_error("HDF5 crashed (signal " + std::to_string(WTERMSIG(wait_status)) +
                           ") parsing the file, which is corrupt");
  }
  return data_loss_error("the HDF5 parse ended without a result (a corrupt file?)");
}

}  // namespace

bool in_isolated_child() { return g_in_child; }

void set_isolation_enabled(bool enabled) { g_isolation_enabled = enabled; }

Status run_isolated(const std::function<Status()>& work, unsigned timeout_seconds) {
  if (g_in_child || !g_isolation_enabled) return work();
  LibraryScope scope;  // no other thread is inside HDF5 while we fork
  int fds[2];
  if (::pipe(fds) != 0) return work();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return work();
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], work, timeout_seconds);
  }
  ::close(fds[1]);
  const std::string report = read_all(fds[0]);
  ::close(fds[0]);
  int wait_status = 0;
  pid_t waited = -1;
  do {
    waited = ::waitpid(pid, &wait_status, 0);
  } while (waited < 0 && errno == EINTR);
  return outcome(report, waited == pid, wait_status, timeout_seconds);
}

}  // namespace cairn::internal::h5
