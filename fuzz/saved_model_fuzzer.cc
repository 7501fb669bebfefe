// libFuzzer target for SavedModel graphs: the input is one selector byte
// (which seed model's variables to provide; see saved_model_inputs.h) and
// then the saved_model.pb bytes. Loads it with SavedModel::load from an
// in-memory directory holding that model's variables bundle, then runs every
// signature once, feeding each float or integer input a small tensor of its
// declared shape (unknown dimensions are 2). Only cairn's typed errors may
// come out.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "cairn/serving/saved_model_runner.h"
#include "saved_model_inputs.h"

namespace {

using cairn::DType;
using cairn::Tensor;
using cairn::serving::Signature;
using cairn::serving::TensorSpec;

constexpr int64_t kMaxFedElements = 1 << 12;

bool is_numeric(DType dtype) {
  return dtype == DType::kFloat32 || dtype == DType::kFloat64 || dtype == DType::kInt32 ||
         dtype == DType::kInt64;
}

template <typename T>
void fill(Tensor& t) {
  int64_t i = 0;
  for (T& v : t.flat<T>()) v = static_cast<T>((i++ % 5) - 2);
}

// A small tensor `spec` accepts into `out`; false when there is none.
bool make_input(const TensorSpec& spec, Tensor& out) {
  if (!is_numeric(spec.dtype)) return false;
  std::vector<int64_t> dims = spec.unknown_rank ? std::vector<int64_t>{2} : spec.shape;
  int64_t elements = 1;
  for (int64_t& d : dims) {
    if (d < 0) d = 2;
    if (d > kMaxFedElements || (elements *= d) > kMaxFedElements) return false;
  }
  out = Tensor(spec.dtype, cairn::TensorShape(dims));
  if (spec.dtype == DType::kFloat32) fill<float>(out);
  if (spec.dtype == DType::kFloat64) fill<double>(out);
  if (spec.dtype == DType::kInt32) fill<int32_t>(out);
  if (spec.dtype == DType::kInt64) fill<int64_t>(out);
  return true;
}

void run_signature(const cairn::serving::SavedModel& model, const Signature& sig) {
  std::map<std::string, Tensor> inputs;
  for (const auto& [name, spec] : sig.inputs) {
    Tensor value;
    if (!make_input(spec, value)) return;
    inputs.emplace(name, std::move(value));
  }
  try {
    (void)model.run(sig.key, inputs);
  } catch (const cairn::Error&) {
  }
}

cairn::MemoryFileSystem& seeded_file_system() {
  static cairn::MemoryFileSystem* fs = [] {
    auto* made = new cairn::MemoryFileSystem();
    cairn::fuzz::write_seed_saved_models(*made, "/m");
    return made;
  }();
  return *fs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  cairn::MemoryFileSystem& fs = seeded_file_system();
  const std::string dir =
      cairn::fuzz::seed_saved_model_dir("/m", data[0] % cairn::fuzz::kSeedSavedModels);
  std::string pb(reinterpret_cast<const char*>(data + 1), size - 1);
  if (!fs.write_file_atomically(dir + "/saved_model.pb", pb).ok()) return 0;
  try {
    auto model = cairn::serving::SavedModel::load(fs, dir);
    for (const Signature& sig : model.signatures()) run_signature(model, sig);
  } catch (const cairn::Error&) {
  }
  return 0;
}
