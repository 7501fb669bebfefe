// The last step of writing a bundle: its finished, synced temporaries take
// their final names. See bundle_commit.cc for why an existing bundle under
// the same prefix is first kept as "<prefix>.previous"
// (previous_bundle_prefix in cairn/formats/bundle/tensor_bundle.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/core/status.h"
#include "cairn/io/file_system.h"

namespace cairn::internal {

struct BundleFiles {
  std::vector<std::pair<std::string, std::string>> data;  // (temporary, final) per shard
  std::pair<std::string, std::string> index;              // (temporary, final)
};

// Renames `files` into place under `prefix`, data first, index last.
Status commit_bundle(FileSystem& fs, const std::string& prefix, const BundleFiles& files,
                     bool sync);

}  // namespace cairn::internal
