// Helpers shared by cairn's tests: scratch directories, the location of the
// TensorFlow-written fixtures, and running commands. Test-only code.
//
//   cairn::testing::TempDir dir;                 // removed at scope exit
//   std::string prefix = dir.path() + "/model.ckpt-1";
//   auto fixtures = cairn::testing::fixtures_dir();
//   if (!fixtures) GTEST_SKIP() << cairn::testing::kNoSharedMessage;
//   auto run = cairn::testing::run_command("ls " + dir.path());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::testing {

// A fresh directory under $TMPDIR (or /tmp), deleted with its contents on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Whether `text` holds `part` (error messages naming a file, a field...).
inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The message tests print when they skip for lack of ../shared.
inline constexpr const char* kNoSharedMessage =
    "../shared is absent (a user's clone): TensorFlow-written fixtures and "
    "independent readers are not available, skipping";

// ../shared/fixtures and ../shared/tools when they exist beside the checkout.
std::optional<std::string> fixtures_dir();
std::optional<std::string> tools_dir();

// The project's data/ folder (Iris CSVs).
std::string project_data_dir();

// Path of the built `cairn` command.
std::string cli_path();

// A shell command line running `cairn` with `args` (already quoted as needed).
std::string cairn_command(const std::string& args);

// The same for `cairn-bench` (bench/), e.g. bench_command("gemm --n 32").
std::string bench_command(const std::string& args);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs `command` through /bin/sh and captures both output streams.
CommandResult run_command(const std::string& command);

// True when /usr/bin/python3 can import every module in the space-separated list.
bool python_has_modules(const std::string& modules);

// Why /usr/bin/python3 cannot parse our files through our .proto
// declarations here (no python3-protobuf, no protoc), or "" when it can.
std::string python_protos_unavailable();
// Compiles proto/cairn/proto/*.proto with `protoc --python_out=out_dir`, so a
// script that puts out_dir on sys.path can `from cairn.proto import ..._pb2`.
CommandResult compile_python_protos(const std::string& out_dir);

// The bytes of every file beside `prefix` whose name starts with
// "<prefix's name>.": a checkpoint's .index, .data-* and .meta, measured with
// std::filesystem (not through cairn's FileSystem).
uint64_t checkpoint_bytes_on_disk(const std::string& prefix);

// Single-quotes `s` for /bin/sh.
std::string shell_quote(const std::string& s);

}  // namespace cairn::testing
