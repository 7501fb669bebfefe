// What a BundleReader holds: its index and its shards. Internal to
// src/formats/bundle (bundle_reader.cc opens it, bundle_read_many.cc reads
// through it).
#pragma once

#include <string>
#include <vector>

#include "cairn/formats/bundle/bundle_reader.h"
#include "formats/bundle/bundle_shards.h"

namespace cairn {

struct BundleReader::Impl {
  Impl(FileSystem& file_system, std::string bundle_prefix)
      : fs(file_system), prefix(std::move(bundle_prefix)), shards(fs, prefix) {}

  Status load_index();

  FileSystem& fs;
  std::string prefix;
  int num_shards = 0;
  std::vector<BundleEntry> entries;
  internal::BundleShards shards;  // refers to prefix
};

}  // namespace cairn
