// Counting a checkpoint's files on disk, for verify.cc's health reports and
// its progress totals.
#include "checkpoint/files_on_disk.h"

#include <optional>
#include <vector>

#include "cairn/formats/bundle/tensor_bundle.h"

namespace cairn::internal {

namespace {

uint64_t size_or_zero(FileSystem& fs, const std::string& path) {
  Result<uint64_t> size = fs.file_size(path);
  return size.ok() ? *size : 0;
}

}  // namespace

FilesOnDisk files_on_disk(const std::string& prefix, FileSystem& fs) {
  FilesOnDisk out;
  const std::string dir = dirname(prefix);
  Result<std::vector<std::string>> names = fs.list_directory(dir);
  if (!names.ok()) return out;
  for (const std::string& name : *names) {
    std::optional<BundleFileName> file = parse_bundle_file_name(name);
    if (!file || file->prefix != basename(prefix)) continue;
    const uint64_t size = size_or_zero(fs, join_path(dir, name));
    out.bytes += size;
    if (file->kind != BundleFileKind::kMeta) out.checked_bytes += size;
    if (file->kind == BundleFileKind::kData) ++out.shards;
  }
  return out;
}

void add_files_on_disk(FileSystem& fs, CheckpointHealth& health) {
  const FilesOnDisk files = files_on_disk(health.prefix, fs);
  health.bytes = files.bytes;
  health.shards = files.shards;
}

}  // namespace cairn::internal
