// Committing a bundle without ever losing the last good one.
//
// A bundle is two or more files (.index and .data-*), and no file system
// renames several files atomically. When no bundle exists under the prefix,
// renaming the data files first and the index last is enough: until the
// index appears, the new bundle simply does not exist, and older checkpoints
// are untouched. Overwriting an existing prefix (Keras's "cp.ckpt" saved
// every epoch) is different: between the renames the prefix holds new data
// and an old index, and a crash there would leave no intact copy. So first:
//
//   1. hard-link the old files to "<prefix>.previous" (data first, index
//      last, so that name is a bundle only once it is complete),
//   2. rename the new data files, then the new index, into place,
//   3. remove "<prefix>.previous" (index first).
//
// At every instant either the prefix or "<prefix>.previous" is a complete
// bundle, and restores fall back to "<prefix>.previous" when the prefix
// fails its checksums (checkpoint/verify.h lists every bundle of a directory).
#include "formats/bundle/bundle_commit.h"

#include <algorithm>

#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn::internal {

namespace {

// The data files of the bundle at `prefix`, by listing its directory.
Result<std::vector<std::string>> data_files(FileSystem& fs, const std::string& prefix) {
  const std::string dir = dirname(prefix);
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_directory(dir));
  std::vector<std::string> out;
  const std::string base = basename(prefix);
  for (const std::string& name : names) {
    std::optional<BundleFileName> file = parse_bundle_file_name(name);
    if (file && file->prefix == base && file->kind == BundleFileKind::kData) {
      out.push_back(join_path(dir, name));
    }
  }
  return out;
}

Status remove_bundle(FileSystem& fs, const std::string& prefix) {
  if (fs.file_exists(bundle_index_path(prefix))) {
    CAIRN_RETURN_IF_ERROR(fs.remove_file(bundle_index_path(prefix)));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> data, data_files(fs, prefix));
  for (const std::string& f : data) CAIRN_RETURN_IF_ERROR(fs.remove_file(f));
  return ok_status();
}

// Step 1: "<prefix>.previous" becomes a second name of the existing bundle.
// A "<prefix>.previous" with its index (linked last, removed first) is
// complete: an earlier commit was cut short after step 1, perhaps inside
// step 2, so the prefix may hold new data under an old index. That copy is
// kept; linking the prefix over it would lose the last intact bundle.
Status keep_previous(FileSystem& fs, const std::string& prefix, bool sync) {
  const std::string previous = previous_bundle_prefix(prefix);
  if (fs.file_exists(bundle_index_path(previous))) return ok_status();
  CAIRN_RETURN_IF_ERROR(remove_bundle(fs, previous));  // a step 1 or 3 cut short
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> data, data_files(fs, prefix));
  const std::string base = basename(prefix);
  for (const std::string& f : data) {
    const std::string suffix = basename(f).substr(base.size());
    CAIRN_RETURN_IF_ERROR(fs.link_file(f, previous + suffix));
  }
  CAIRN_RETURN_IF_ERROR(fs.link_file(bundle_index_path(prefix), bundle_index_path(previous)));
  if (!sync) return ok_status();
  return fs.sync_directory(dirname(prefix)).with_context("keeping " + previous);
}

// After an overwrite: removes the data files of the old bundle that the new
// one did not replace (it was saved by another number of ranks, so its
// shards have other names: "-of-00002" beside "-of-00003"). Best effort:
// the new bundle is committed, and its index names only its own shards.
void remove_replaced_shards(FileSystem& fs, const std::string& prefix, const BundleFiles& files) {
  Result<std::vector<std::string>> data = data_files(fs, prefix);
  if (!data.ok()) return;
  for (const std::string& f : *data) {
    const bool ours = std::any_of(files.data.begin(), files.data.end(), [&](const auto& file) {
      return basename(file.second) == basename(f);
    });
    if (!ours) (void)fs.remove_file(f);
  }
}

}  // namespace

Status commit_bundle(FileSystem& fs, const std::string& prefix, const BundleFiles& files,
                     bool sync) {
  const bool overwrite = fs.file_exists(files.index.second);
  if (overwrite) CAIRN_RETURN_IF_ERROR(keep_previous(fs, prefix, sync));
  for (const auto& [temp, final_path] : files.data)
    CAIRN_RETURN_IF_ERROR(fs.rename_file(temp, final_path));
  CAIRN_RETURN_IF_ERROR(fs.rename_file(files.index.first, files.index.second));
  if (sync) {
    CAIRN_RETURN_IF_ERROR(
        fs.sync_directory(dirname(prefix)).with_context("committing " + files.index.second));
  }
  if (!overwrite) return ok_status();
  CAIRN_RETURN_IF_ERROR(remove_bundle(fs, previous_bundle_prefix(prefix)));
  remove_replaced_shards(fs, prefix, files);
  return ok_status();
}

}  // namespace cairn::internal
