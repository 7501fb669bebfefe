// The names of temporary files. Every save writes beside its target under a
// temporary name and renames it onto the target once complete and synced:
// the target's name, a marker, then 16 random lower-case hex digits, so that
// concurrent writers (threads or processes) never share one.
//
//   cairn::temporary_path_for("models/iris/checkpoint")
//       // "models/iris/checkpoint.tmp3f9c0a1b2d4e5f60"
//   cairn::is_temporary_name("checkpoint.tmp3f9c0a1b2d4e5f60", cairn::kTemporaryMarker)  // true
//
// FileSystem::write_file_atomically uses kTemporaryMarker; BundleWriter its
// own (kBundleTemporaryMarker, formats/bundle/tensor_bundle.h).
#pragma once

#include <string>
#include <string_view>

namespace cairn {

inline constexpr std::string_view kTemporaryMarker = ".tmp";

// A fresh temporary name beside `path`.
std::string temporary_path_for(std::string_view path, std::string_view marker = kTemporaryMarker);

// True when `name` is a temporary's name with `marker`. A target's name must
// precede the marker: ".tmp0123456789abcdef" alone is not one.
bool is_temporary_name(std::string_view name, std::string_view marker);

}  // namespace cairn
