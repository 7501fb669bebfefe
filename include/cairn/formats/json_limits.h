// Parsing JSON that came from a file or a flag (a Keras model_config, the
// model spec in a .meta file, a CLI argument): nesting is bounded, so no
// later copy, walk or print of the document can overflow the stack.
// Every untrusted JSON text goes through parse_untrusted_json.
//
//   Result<nlohmann::ordered_json> config =
//       cairn::parse_untrusted_json(text, path + ": model_config");
//   if (!config.ok()) return config.status();  // INVALID_ARGUMENT naming the source
//
// nlohmann::json parses iteratively, but copying, comparing, dumping and our
// own walks recurse once per level; 256 levels is far beyond any real model
// config (Keras nests about 6) and far below what a thread's stack holds.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/core/status.h"

namespace cairn {

// The deepest nesting of arrays and objects parse_untrusted_json accepts.
inline constexpr int kMaxJsonDepth = 256;

// The document in `text`, or INVALID_ARGUMENT naming `source` when the text
// is not JSON or nests arrays/objects deeper than `max_depth`. Never throws.
template <typename Json = nlohmann::ordered_json>
Result<Json> parse_untrusted_json(std::string_view text, const std::string& source,
                                  int max_depth = kMaxJsonDepth) {
  bool too_deep = false;
  // The parser reports each container's start with its depth; a container
  // past the limit is dropped (and so is its content), and the parse fails.
  auto bound_depth = [&](int depth, typename Json::parse_event_t event, Json&) {
    const bool opens =
        event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if (opens && depth >= max_depth) too_deep = true;
    return !too_deep;
  };
  try {
    Json doc = Json::parse(text, bound_depth);
    if (!too_deep) return doc;
  } catch (const typename Json::exception& e) {
    if (!too_deep) return invalid_argument_error(source + " is not valid JSON: " + e.what());
  } catch (const std::bad_alloc&) {
    return resource_exhausted_error(source + ": out of memory while parsing JSON");
  }
  return invalid_argument_error(source + " nests arrays/objects deeper than " +
                                std::to_string(max_depth) + " levels");
}

}  // namespace cairn
