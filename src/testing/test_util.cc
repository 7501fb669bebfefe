#include "testing/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cairn::testing {
namespace {

std::optional<std::string> existing_dir(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return path;
  return std::nullopt;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/cairn_test_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::optional<std::string> fixtures_dir() {
  return existing_dir(std::string(CAIRN_SHARED_DIR) + "/fixtures");
}

std::optional<std::string> tools_dir() {
  return existing_dir(std::string(CAIRN_SHARED_DIR) + "/tools");
}

std::string cli_path() { return CAIRN_CLI_PATH; }

std::string project_data_dir() { return std::string(CAIRN_SOURCE_DIR) + "/data"; }

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

CommandResult run_command(const std::string& command) {
  TempDir scratch;
  std::string out_path = scratch.path() + "/out";
  std::string err_path = scratch.path() + "/err";
  std::string full = "(" + command + ") >" + shell_quote(out_path) + " 2>" + shell_quote(err_path);
  int raw = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

bool python_has_modules(const std::string& modules) {
  std::string code = "import " + modules;
  for (char& c : code) {
    if (c == ' ') c = ',';
  }
  code.replace(0, 7, "import ");
  return run_command("/usr/bin/python3 -c " + shell_quote(code)).exit_code == 0;
}

std::string python_protos_unavailable() {
  if (!python_has_modules("google.protobuf")) return "/usr/bin/python3 lacks google.protobuf";
  if (run_command("command -v protoc").exit_code != 0) return "no protoc on PATH";
  return "";
}

CommandResult compile_python_protos(const std::string& out_dir) {
  const std::string protos = std::string(CAIRN_SOURCE_DIR) + "/proto";
  return run_command("mkdir -p " + shell_quote(out_dir) + " && protoc -I " + shell_quote(protos) +
                     " --python_out=" + shell_quote(out_dir) + " " + shell_quote(protos) +
                     "/cairn/proto/*.proto");
}

std::string cairn_command(const std::string& args) { return shell_quote(cli_path()) + " " + args; }

std::string bench_command(const std::string& args) {
  return shell_quote(CAIRN_BENCH_PATH) + " " + args;
}

uint64_t checkpoint_bytes_on_disk(const std::string& prefix) {
  namespace fs = std::filesystem;
  uint64_t total = 0;
  const std::string base = fs::path(prefix).filename().string() + ".";
  for (const auto& f : fs::directory_iterator(fs::path(prefix).parent_path())) {
    if (f.path().filename().string().starts_with(base)) total += f.file_size();
  }
  return total;
}

}  // namespace cairn::testing
