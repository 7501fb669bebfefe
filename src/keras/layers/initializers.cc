#include "keras/layers/initializers.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <Eigen/QR>

#include "cairn/core/errors.h"

namespace cairn::keras::internal {

namespace {

struct InitializerName {
  const char* snake;
  const char* class_name;
};

constexpr std::array<InitializerName, 11> kInitializers{{
    {"glorot_uniform", "GlorotUniform"},
    {"glorot_normal", "GlorotNormal"},
    {"he_uniform", "HeUniform"},
    {"he_normal", "HeNormal"},
    {"lecun_uniform", "LecunUniform"},
    {"lecun_normal", "LecunNormal"},
    {"zeros", "Zeros"},
    {"ones", "Ones"},
    {"random_normal", "RandomNormal"},
    {"random_uniform", "RandomUniform"},
    {"orthogonal", "Orthogonal"},
}};

const InitializerName* find(const std::string& name) {
  for (const InitializerName& n : kInitializers) {
    if (name == n.snake || name == n.class_name) return &n;
  }
  return nullptr;
}

void fill_uniform(Tensor& t, double limit, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> uniform(static_cast<float>(-limit),
                                                static_cast<float>(limit));
  for (float& w : t.flat<float>()) w = uniform(rng);
}

// Keras's variance-scaling normals are truncated at two standard deviations,
// with the stddev corrected by 0.8796 so the truncated variance is `scale`.
void fill_truncated_normal(Tensor& t, double stddev, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, stddev);
  for (float& w : t.flat<float>()) {
    double x;
    do x = normal(rng);
    while (std::abs(x) > 2.0 * stddev);
    w = static_cast<float>(x);
  }
}

// Keras 2.0-2.2 wrote the Glorot/He/LeCun initializers as VarianceScaling
// with their parameters.
std::string variance_scaling_name(const Json& c) {
  const double scale = c.value("scale", 1.0);
  const std::string mode = c.value("mode", "fan_in");
  const bool uniform = c.value("distribution", "normal") == "uniform";
  const std::string family = mode == "fan_avg" ? "glorot" : scale == 2.0 ? "he" : "lecun";
  return family + (uniform ? "_uniform" : "_normal");
}

// Keras's Orthogonal (gain 1): the Q of a normal matrix's QR decomposition,
// signs fixed by R's diagonal, for the tensor read as [prod(dims[:-1]), dims[-1]].
void fill_orthogonal(Tensor& t, std::mt19937_64& rng) {
  const int64_t cols = t.shape().rank() == 0 ? 1 : t.shape().dim(t.shape().rank() - 1);
  const int64_t rows = cols == 0 ? 0 : t.num_elements() / cols;
  const int64_t tall = std::max(rows, cols), wide = std::min(rows, cols);
  if (wide == 0) return;
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd a(tall, wide);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(tall, wide);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(wide).triangularView<Eigen::Upper>();
  for (int64_t j = 0; j < wide; ++j) {
    if (r(j, j) < 0) q.col(j) *= -1.0;
  }
  auto out = t.flat<float>();
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      out[i * cols + j] = static_cast<float>(rows < cols ? q(j, i) : q(i, j));
    }
  }
}

}  // namespace

bool is_known_initializer(const std::string& name) { return find(name) != nullptr; }

void fill_initializer(const std::string& name, Tensor& t, int64_t fan_in, int64_t fan_out,
                      std::mt19937_64& rng) {
  const InitializerName* n = find(name);
  if (n == nullptr) throw InvalidArgumentError("unknown initializer '" + name + "'");
  const std::string key = n->snake;
  const double in = static_cast<double>(fan_in), avg = (fan_in + fan_out) / 2.0;
  constexpr double kTruncationCorrection = 0.87962566103423978;
  if (key == "zeros" || key == "ones") {
    for (float& w : t.flat<float>()) w = key == "ones" ? 1.0f : 0.0f;
  } else if (key == "random_normal") {
    std::normal_distribution<float> normal(0.0f, 0.05f);
    for (float& w : t.flat<float>()) w = normal(rng);
  } else if (key == "orthogonal") {
    fill_orthogonal(t, rng);
  } else if (key == "random_uniform") {
    fill_uniform(t, 0.05, rng);
  } else if (key == "glorot_uniform") {
    fill_uniform(t, std::sqrt(3.0 / avg), rng);
  } else if (key == "he_uniform") {
    fill_uniform(t, std::sqrt(6.0 / in), rng);
  } else if (key == "lecun_uniform") {
    fill_uniform(t, std::sqrt(3.0 / in), rng);
  } else {
    const double scale = key == "glorot_normal" ? 1.0 / avg
                         : key == "he_normal"   ? 2.0 / in
                                                : 1.0 / in;
    fill_truncated_normal(t, std::sqrt(scale) / kTruncationCorrection, rng);
  }
}

Json initializer_config(const std::string& name) {
  const InitializerName* n = find(name);
  if (n == nullptr) throw InvalidArgumentError("unknown initializer '" + name + "'");
  const std::string key = n->snake;
  Json config = Json::object();
  if (key == "random_normal") config = {{"mean", 0.0}, {"stddev", 0.05}, {"seed", nullptr}};
  if (key == "random_uniform") config = {{"minval", -0.05}, {"maxval", 0.05}, {"seed", nullptr}};
  if (key == "orthogonal") config = {{"gain", 1.0}, {"seed", nullptr}};
  if (key != "zeros" && key != "ones" && config.empty()) config = {{"seed", nullptr}};
  return Json{{"class_name", n->class_name}, {"config", config}};
}

std::string initializer_from_config(const Json& config) {
  std::string name;
  if (config.is_string()) name = config.get<std::string>();
  if (config.is_object() && config.contains("class_name")) {
    name = config["class_name"].get<std::string>();
  }
  if (name == "VarianceScaling" && config.contains("config"))
    name = variance_scaling_name(config["config"]);
  const InitializerName* n = find(name);
  if (n == nullptr) {
    throw InvalidArgumentError("unsupported initializer '" + name + "' in the model config");
  }
  return n->snake;
}

void read_initializer(const Json& config, const std::string& key, std::string& name) {
  if (!config.contains(key)) return;
  try {
    name = initializer_from_config(config[key]);
  } catch (const InvalidArgumentError&) {
  }
}

void check_initializer(const std::string& name, const std::string& layer) {
  if (!is_known_initializer(name)) {
    throw InvalidArgumentError("layer '" + layer + "': unknown initializer '" + name + "'");
  }
}

}  // namespace cairn::keras::internal
