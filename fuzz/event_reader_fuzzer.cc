// libFuzzer target for the event-file reader: the input is the file
// (TFRecord framing of serialized Event protos). Reads every Event, then
// lists the scalars, which decodes each Summary value's TensorProto.
#include <cstddef>
#include <cstdint>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "cairn/formats/events/event_reader.h"
#include "cairn/io/memory_file_system.h"

// Protobuf logs every string field holding invalid UTF-8; silence it.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::MemoryFileSystem fs;
  const std::string path = "/events.out.tfevents.1.fuzz";
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!fs.write_file_atomically(path, bytes).ok()) return 0;
  auto events = cairn::read_events(fs, path);
  if (events.ok()) (void)cairn::list_scalars(*events);
  // The framing is checksummed; hand the raw bytes to the tensor decoder too.
  (void)cairn::decode_scalar_tensor(bytes);
  return 0;
}
