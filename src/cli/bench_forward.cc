#include "cli/bench_forward.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cairn/core/errors.h"

extern char** environ;

namespace cairn::cli {

std::string bench_program_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    throw InternalError("cannot find the running program (/proc/self/exe): " + ec.message());
  }
  return (self.parent_path() / "cairn-bench").string();
}

int run_bench_forward(const std::vector<std::string>& args) {
  const std::string program = bench_program_path();
  if (access(program.c_str(), X_OK) != 0) {
    throw NotFoundError("no benchmark program at " + program +
                        " (build it beside cairn: cmake --build BUILD --target "
                        "cairn_bench_command)");
  }
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = 0;
  if (const int rc = posix_spawn(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ);
      rc != 0) {
    throw InternalError("cannot run " + program + ": " + std::strerror(rc));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw InternalError("waiting for " + program + ": " + std::strerror(errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace cairn::cli
