// A thin RAII layer over HDF5's C API, for the Keras .h5 reader and writer.
// Internal to the formats layer.
//
//   h5::LibraryScope scope;   // serializes HDF5 use, silences its error printing
//   CAIRN_ASSIGN_OR_RETURN(h5::Handle file, h5::open_file_image(bytes));
//   h5::Handle group = h5::open_group(file.get(), "model_weights");
//   if (!group) return data_loss_error("no group " + h5::object_path(file.get()) + ...);
//
// HDF5 files live only in memory here (the "core" driver without a backing
// store): bytes come from and go to a FileSystem, never straight to disk.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <hdf5.h>

#include "cairn/core/status.h"

namespace cairn::internal::h5 {

// Owns one HDF5 identifier and closes it with the matching H5?close.
// An invalid handle (id < 0) is what failed HDF5 calls return.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset();

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// Held for the duration of any HDF5 work: one thread at a time uses the
// library (not every build is thread-safe), and HDF5's automatic printing of
// its error stack to stderr is off. Reentrant.
class LibraryScope {
 public:
  LibraryScope();

 private:
  std::unique_lock<std::recursive_mutex> lock_;
};

// The innermost message on HDF5's error stack ("truncated file: eof = ..."),
// or "" when it is empty. Clears the stack.
std::string last_error();

// `what` plus HDF5's own reason in parentheses, when it gave one.
std::string with_reason(std::string_view what);

// The absolute path of an open object, e.g. "/model_weights/dense"; "?" if unknown.
std::string object_path(hid_t id);

// Joins a group path and a relative name: ("/", "a") -> "/a", ("/g", "a") -> "/g/a".
std::string child_path(std::string_view parent, std::string_view name);

// Openers that return an invalid Handle on failure (check with operator bool).
// Paths through external links fail: they would reach files outside the image.
Handle open_group(hid_t loc, const std::string& name);
Handle open_dataset(hid_t loc, const std::string& name);
Handle open_object(hid_t loc, const std::string& name);  // a group or a dataset
Handle open_attribute(hid_t loc, const std::string& name);
Handle dataspace_of_attribute(hid_t attribute);
Handle datatype_of_attribute(hid_t attribute);
Handle dataspace_of_dataset(hid_t dataset);
Handle datatype_of_dataset(hid_t dataset);
// Wraps an id the caller got from HDF5 and now owns (a type, space or list).
Handle own_datatype(hid_t id);
Handle own_dataspace(hid_t id);
Handle own_plist(hid_t id);

// True when `loc` has a link called `name`.
bool has_link(hid_t loc, const std::string& name);
// True when `loc` has an attribute called `name`.
bool has_attribute(hid_t loc, const std::string& name);

// OK when `name` can be an HDF5 path below a group: '/'-separated components
// that are neither empty nor "." (a leading '/' would make it absolute);
// INVALID_ARGUMENT naming the `kind` of name ("layer", "weight") otherwise.
Status check_relative_path(std::string_view kind, const std::string& name);

// Creates the group `name` under `loc`, and any missing groups on its
// '/'-separated path; INTERNAL naming the path if HDF5 fails (e.g. it exists).
Result<Handle> create_group(hid_t loc, const std::string& name);

// A new, empty HDF5 file held in memory only.
Result<Handle> create_memory_file();
// Flushes `file` and returns its complete image: the bytes of a .h5 file.
Result<std::string> file_image(hid_t file);
// Opens `bytes` (a whole .h5 file) read-only; HDF5 keeps its own copy.
Result<Handle> open_file_image(std::string_view bytes);

}  // namespace cairn::internal::h5
