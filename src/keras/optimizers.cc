#include "cairn/keras/optimizers.h"

#include "cairn/core/errors.h"
#include "cairn/core/strings.h"

namespace cairn::keras {

namespace {

using OrderedJson = nlohmann::ordered_json;

std::variant<Adam, SGD, RMSprop, Adagrad> by_name(const std::string& name) {
  const std::string key = lower(name);
  if (key == "adam") return Adam{};
  if (key == "sgd") return SGD{};
  if (key == "rmsprop") return RMSprop{};
  if (key == "adagrad") return Adagrad{};
  throw InvalidArgumentError("unsupported optimizer '" + name +
                             "' (cairn has adam, sgd, rmsprop, adagrad)");
}

// Keras 2.1 called the learning rate "lr"; Keras 3 may store it as a schedule.
double number(const OrderedJson& c, const char* key, double fallback) {
  if (c.contains(key) && c[key].is_number()) return c[key].get<double>();
  if (std::string(key) == "learning_rate" && c.contains("lr") && c["lr"].is_number()) {
    return c["lr"].get<double>();
  }
  return fallback;
}

}  // namespace

OptimizerSpec::OptimizerSpec(const char* name) : config_(by_name(name)) {}
OptimizerSpec::OptimizerSpec(const std::string& name) : config_(by_name(name)) {}

std::string OptimizerSpec::class_name() const {
  static constexpr const char* kNames[] = {"Adam", "SGD", "RMSprop", "Adagrad"};
  return kNames[config_.index()];
}

double OptimizerSpec::learning_rate() const {
  return std::visit([](const auto& c) { return c.learning_rate; }, config_);
}

std::unique_ptr<optim::Optimizer> OptimizerSpec::make() const {
  optim::OptimizerOptions o{.learning_rate = learning_rate()};
  if (const auto* a = std::get_if<Adam>(&config_)) {
    o.beta_1 = a->beta_1, o.beta_2 = a->beta_2, o.epsilon = a->epsilon;
  } else if (const auto* s = std::get_if<SGD>(&config_)) {
    o.momentum = s->momentum, o.nesterov = s->nesterov;
  } else if (const auto* r = std::get_if<RMSprop>(&config_)) {
    o.rho = r->rho, o.momentum = r->momentum, o.epsilon = r->epsilon, o.centered = r->centered;
  } else if (const auto* g = std::get_if<Adagrad>(&config_)) {
    o.initial_accumulator_value = g->initial_accumulator_value, o.epsilon = g->epsilon;
  }
  return optim::make_keras_optimizer(class_name(), o);
}

OrderedJson OptimizerSpec::to_json() const {
  OrderedJson c{{"name", class_name()}, {"learning_rate", learning_rate()}, {"decay", 0.0}};
  if (const auto* a = std::get_if<Adam>(&config_)) {
    c.update(OrderedJson{
        {"beta_1", a->beta_1}, {"beta_2", a->beta_2}, {"epsilon", a->epsilon}, {"amsgrad", false}});
  } else if (const auto* s = std::get_if<SGD>(&config_)) {
    c.update(OrderedJson{{"momentum", s->momentum}, {"nesterov", s->nesterov}});
  } else if (const auto* r = std::get_if<RMSprop>(&config_)) {
    c.update(OrderedJson{{"rho", r->rho},
                         {"momentum", r->momentum},
                         {"epsilon", r->epsilon},
                         {"centered", r->centered}});
  } else if (const auto* g = std::get_if<Adagrad>(&config_)) {
    c.update(OrderedJson{{"initial_accumulator_value", g->initial_accumulator_value},
                         {"epsilon", g->epsilon}});
  }
  return OrderedJson{{"class_name", class_name()}, {"config", c}};
}

OptimizerSpec OptimizerSpec::from_json(const OrderedJson& json) {
  if (!json.is_object() || !json.contains("class_name") || !json["class_name"].is_string()) {
    throw InvalidArgumentError("optimizer config has no class_name: " + json.dump());
  }
  OptimizerSpec spec(json["class_name"].get<std::string>());
  const OrderedJson c = json.value("config", OrderedJson::object());
  if (auto* a = std::get_if<Adam>(&spec.config_)) {
    *a = Adam{number(c, "learning_rate", a->learning_rate), number(c, "beta_1", a->beta_1),
              number(c, "beta_2", a->beta_2), number(c, "epsilon", a->epsilon)};
  } else if (auto* s = std::get_if<SGD>(&spec.config_)) {
    *s = SGD{number(c, "learning_rate", s->learning_rate), number(c, "momentum", s->momentum),
             c.value("nesterov", false)};
  } else if (auto* r = std::get_if<RMSprop>(&spec.config_)) {
    *r = RMSprop{number(c, "learning_rate", r->learning_rate), number(c, "rho", r->rho),
                 number(c, "momentum", r->momentum), number(c, "epsilon", r->epsilon),
                 c.value("centered", false)};
  } else if (auto* g = std::get_if<Adagrad>(&spec.config_)) {
    *g = Adagrad{number(c, "learning_rate", g->learning_rate),
                 number(c, "initial_accumulator_value", g->initial_accumulator_value),
                 number(c, "epsilon", g->epsilon)};
  }
  return spec;
}

}  // namespace cairn::keras
