#include "testing/mpirun.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The parent pid of `pid` from /proc/PID/stat (-1 when it is gone).
pid_t parent_of(pid_t pid) {
  std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');  // the name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  char state;
  pid_t ppid = -1;
  rest >> state >> ppid;
  return ppid;
}

bool descends_from(pid_t pid, pid_t ancestor) {
  for (int depth = 0; pid > 1 && depth < 16; ++depth) {
    pid = parent_of(pid);
    if (pid == ancestor) return true;
  }
  return false;
}

// The MPI rank in /proc/PID/environ, or -1.
int mpi_rank_of(pid_t pid) {
  const std::string env = read_all("/proc/" + std::to_string(pid) + "/environ");
  const std::string key = "OMPI_COMM_WORLD_RANK=";
  for (size_t at = 0; at < env.size();) {
    const size_t end = env.find('\0', at);
    const std::string entry = env.substr(at, end - at);
    if (entry.rfind(key, 0) == 0) return std::atoi(entry.c_str() + key.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return -1;
}

}  // namespace

std::string mpirun_command(int np, const std::string& command) {
  return "mpirun -np " + std::to_string(np) + " --oversubscribe " + command;
}

BackgroundCommand::BackgroundCommand(const std::string& command) {
  const std::string out = output_.path() + "/out", err = output_.path() + "/err";
  const std::string line = "exec " + command + " > " + shell_quote(out) + " 2> " + shell_quote(err);
  pid_ = fork();
  if (pid_ == 0) {
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
}

BackgroundCommand::~BackgroundCommand() {
  if (!finished_ && pid_ > 0) finish(0);
}

bool BackgroundCommand::signal_rank(int rank, int signal) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (descends_from(pid, pid_) && mpi_rank_of(pid) == rank) return ::kill(pid, signal) == 0;
  }
  return false;
}

bool BackgroundCommand::kill_rank(int rank) { return signal_rank(rank, SIGKILL); }

CommandResult BackgroundCommand::finish(double timeout_seconds) {
  CommandResult result;
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_seconds);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (done == 0) {  // still running: end the whole group
    ::kill(-pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  finished_ = true;
  ::kill(-pid_, SIGKILL);  // ranks mpirun left behind, if any
  result.out = read_all(output_.path() + "/out");
  result.err = read_all(output_.path() + "/err");
  if (done == 0) {
    result.err += "\n(timed out after " + std::to_string(timeout_seconds) + " s)";
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return result;
}

int64_t newest_step(const std::string& dir) {
  static const std::regex newest("model_checkpoint_path: \"[^\"]*-([0-9]+)\"");
  std::smatch match;
  const std::string state = read_all(dir + "/checkpoint");
  return std::regex_search(state, match, newest) ? std::stoll(match[1]) : 0;
}

bool wait_for_step_past(const std::string& dir, int64_t step, double timeout_seconds) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (newest_step(dir) <= step) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace cairn::testing
