// libFuzzer target for the `checkpoint` state file: the input is the text.
// Parses it, prints it back and parses the print again (which must succeed),
// then resolves every recorded path against a model directory, which must
// never lead outside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/formats/bundle/checkpoint_state.h"
#include "cairn/io/memory_file_system.h"

namespace {

void check_inside(cairn::FileSystem& fs, const std::string& recorded) {
  auto resolved = cairn::internal::resolve_recorded_path(fs, "/m", recorded);
  if (resolved.ok() && resolved->rfind("/m/", 0) != 0) std::abort();  // escaped /m
}

}  // namespace

// Protobuf logs every string field holding invalid UTF-8; silence it.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = cairn::parse_checkpoint_state(text, "/m/checkpoint");
  if (!state.ok()) return 0;
  auto again = cairn::parse_checkpoint_state(cairn::serialize_checkpoint_state(*state), "again");
  if (!again.ok() || again->all_model_checkpoint_paths != state->all_model_checkpoint_paths) {
    std::abort();  // the printer and the parser disagree
  }
  cairn::MemoryFileSystem fs;
  if (!fs.create_directories("/m").ok()) return 0;
  check_inside(fs, state->model_checkpoint_path);
  for (const std::string& path : state->all_model_checkpoint_paths) check_inside(fs, path);
  return 0;
}
