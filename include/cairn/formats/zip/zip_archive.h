// ZIP archives held in memory, as Keras 3 packs a `.keras` file
// (metadata.json, config.json, model.weights.h5, stored uncompressed). Reads
// and writes them with libzip; knows nothing of what the entries hold.
//
//   CAIRN_ASSIGN_OR_RETURN(std::string bytes,
//                          cairn::write_zip({{"config.json", config}, {"model.weights.h5", h5}}));
//   CAIRN_ASSIGN_OR_RETURN(cairn::ZipReader zip, cairn::ZipReader::open(bytes, "m.keras"));
//   CAIRN_ASSIGN_OR_RETURN(std::string config, zip.read("config.json", 1 << 20));
//
// A ZIP file is untrusted input: the reader checks the archive's consistency
// (libzip's ZIP_CHECKCONS: the central directory against the local headers),
// refuses an entry whose declared size exceeds the caller's bound before
// allocating for it, reads no more than that size and checks each entry's
// CRC-32. Every error names the archive and the entry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/status.h"

namespace cairn {

struct ZipEntry {
  std::string name;   // '/'-separated path inside the archive
  std::string bytes;  // the entry's contents
};

// An archive of `entries`, in that order, stored uncompressed (as Keras's
// zipfile writes them). INVALID_ARGUMENT for an empty or repeated name.
Result<std::string> write_zip(const std::vector<ZipEntry>& entries);

class ZipReader {
 public:
  // Opens `bytes` (a whole archive; the reader keeps its own copy). DATA_LOSS
  // naming `path` when the bytes are not a consistent ZIP archive.
  static Result<ZipReader> open(std::string bytes, std::string path);
  ZipReader(ZipReader&&) noexcept;
  ZipReader& operator=(ZipReader&&) noexcept;
  ~ZipReader();

  const std::string& path() const { return path_; }
  // Names of the entries, in the central directory's order.
  const std::vector<std::string>& entry_names() const { return names_; }
  bool has_entry(std::string_view name) const;
  // The contents of entry `name`. NOT_FOUND when absent; RESOURCE_EXHAUSTED
  // when its declared size exceeds `max_bytes`; DATA_LOSS when its bytes do
  // not read back as declared (truncated, bad CRC, bad compressed data).
  Result<std::string> read(std::string_view name, uint64_t max_bytes) const;

 private:
  struct Archive;
  ZipReader(std::unique_ptr<Archive> archive, std::string path);
  std::unique_ptr<Archive> archive_;
  std::string path_;
  std::vector<std::string> names_;
};

}  // namespace cairn
