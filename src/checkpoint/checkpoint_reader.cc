#include "cairn/checkpoint/checkpoint_reader.h"

#include "cairn/checkpoint/checkpoint_path.h"

namespace cairn {

CheckpointReader::CheckpointReader(const std::string& path, FileSystem& fs)
    : bundle_(value_or_throw(BundleReader::open(fs, resolve_checkpoint(path, fs)))) {}

std::vector<VariableInfo> CheckpointReader::list_variables() const {
  std::vector<VariableInfo> out;
  out.reserve(bundle_->entries().size());
  for (const BundleEntry& e : bundle_->entries()) out.push_back({e.name, e.dtype, e.shape});
  return out;
}

Tensor CheckpointReader::get_tensor(const std::string& name) const {
  return value_or_throw(bundle_->read(name));
}

void CheckpointReader::read_into(const std::string& name, Tensor& dest) const {
  throw_if_error(bundle_->read_into(name, &dest));
}

CheckpointReader load_checkpoint(const std::string& path) { return CheckpointReader(path); }

std::vector<VariableInfo> list_variables(const std::string& path) {
  return CheckpointReader(path).list_variables();
}

Tensor load_variable(const std::string& path, const std::string& name) {
  return CheckpointReader(path).get_tensor(name);
}

}  // namespace cairn
