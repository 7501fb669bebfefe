// libFuzzer target for SafetensorsReader: the input is a .safetensors file
// as is. Opens it and reads every tensor it lists.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cairn/formats/safetensors/safetensors_reader.h"
#include "cairn/io/memory_file_system.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::MemoryFileSystem fs;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!fs.write_file_atomically("/x.safetensors", bytes).ok()) return 0;
  auto reader = cairn::SafetensorsReader::open(fs, "/x.safetensors");
  if (!reader.ok()) return 0;
  for (const cairn::SafetensorsEntry& entry : (*reader)->entries()) {
    (void)(*reader)->read(entry.name);
  }
  return 0;
}
