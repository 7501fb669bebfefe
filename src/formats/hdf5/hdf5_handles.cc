#include "formats/hdf5/hdf5_handles.h"

#include <atomic>
#include <vector>

#include "formats/hdf5/hdf5_sandbox.h"

namespace cairn::internal::h5 {
namespace {

std::recursive_mutex& library_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* out) {
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
  return 0;
}

// A core-driver access list; `backing_store` 0 keeps the file off the disk.
Handle memory_access_list() {
  Handle fapl = own_plist(H5Pcreate(H5P_FILE_ACCESS));
  if (fapl && H5Pset_fapl_core(fapl.get(), 64 * 1024, /*backing_store=*/0) < 0) return {};
  return fapl;
}

// Refuses to follow external links: they would open other files on disk,
// bypassing the FileSystem.
herr_t refuse_external_link(const char*, const char*, const char*, const char*, unsigned*, hid_t,
                            void*) {
  return -1;
}

// An access list of class `kind` (link, group or dataset access) that refuses external links.
Handle local_access(hid_t kind) {
  Handle list = own_plist(H5Pcreate(kind));
  if (list && H5Pset_elink_cb(list.get(), refuse_external_link, nullptr) < 0) return {};
  return list;
}

// File names only identify in-memory files to HDF5; nothing is created on disk.
std::string unique_memory_name() {
  static std::atomic<uint64_t> counter{0};
  return "cairn-memory-h5-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_ != nullptr) close_(id_);
  id_ = -1;
}

// In a run_isolated child the lock's owner is the parent's thread; the child is
// single-threaded and must not wait for it.
LibraryScope::LibraryScope() : lock_(library_mutex(), std::defer_lock) {
  if (!in_isolated_child()) lock_.lock();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // per thread in thread-safe builds
  H5Eclear2(H5E_DEFAULT);
}

std::string last_error() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

std::string with_reason(std::string_view what) {
  std::string reason = last_error();
  std::string out(what);
  if (!reason.empty()) out += " (HDF5: " + reason + ")";
  return out;
}

std::string object_path(hid_t id) {
  ssize_t n = H5Iget_name(id, nullptr, 0);
  if (n <= 0) return "?";
  std::vector<char> name(static_cast<size_t>(n) + 1);
  if (H5Iget_name(id, name.data(), name.size()) != n) return "?";
  return std::string(name.data(), static_cast<size_t>(n));
}

std::string child_path(std::string_view parent, std::string_view name) {
  std::string out(parent);
  if (out.empty() || out.back() != '/') out += '/';
  return out + std::string(name);
}

Handle open_group(hid_t loc, const std::string& name) {
  Handle access = local_access(H5P_GROUP_ACCESS);
  if (!access) return {};
  return Handle(H5Gopen2(loc, name.c_str(), access.get()), H5Gclose);
}
Handle open_dataset(hid_t loc, const std::string& name) {
  Handle access = local_access(H5P_DATASET_ACCESS);
  if (!access) return {};
  return Handle(H5Dopen2(loc, name.c_str(), access.get()), H5Dclose);
}
Handle open_object(hid_t loc, const std::string& name) {
  Handle access = local_access(H5P_LINK_ACCESS);
  if (!access) return {};
  return Handle(H5Oopen(loc, name.c_str(), access.get()), H5Oclose);
}
Handle open_attribute(hid_t loc, const std::string& name) {
  return Handle(H5Aopen(loc, name.c_str(), H5P_DEFAULT), H5Aclose);
}
Handle dataspace_of_attribute(hid_t attribute) { return own_dataspace(H5Aget_space(attribute)); }
Handle datatype_of_attribute(hid_t attribute) { return own_datatype(H5Aget_type(attribute)); }
Handle dataspace_of_dataset(hid_t dataset) { return own_dataspace(H5Dget_space(dataset)); }
Handle datatype_of_dataset(hid_t dataset) { return own_datatype(H5Dget_type(dataset)); }
Handle own_datatype(hid_t id) { return Handle(id, H5Tclose); }
Handle own_dataspace(hid_t id) { return Handle(id, H5Sclose); }
Handle own_plist(hid_t id) { return Handle(id, H5Pclose); }

bool has_link(hid_t loc, const std::string& name) {
  Handle access = local_access(H5P_LINK_ACCESS);
  return access && H5Lexists(loc, name.c_str(), access.get()) > 0;
}

bool has_attribute(hid_t loc, const std::string& name) { return H5Aexists(loc, name.c_str()) > 0; }

Status check_relative_path(std::string_view kind, const std::string& name) {
  size_t begin = 0;
  while (true) {
    const size_t end = std::min(name.find('/', begin), name.size());
    const std::string_view part = std::string_view(name).substr(begin, end - begin);
    if (part.empty() || part == ".") {
      return invalid_argument_error(std::string(kind) + " name '" + name +
                                    "' has an empty or '.' path component");
    }
    if (end == name.size()) return ok_status();
    begin = end + 1;
  }
}

Result<Handle> create_group(hid_t loc, const std::string& name) {
  Handle links = own_plist(H5Pcreate(H5P_LINK_CREATE));
  Handle group;
  if (links && H5Pset_create_intermediate_group(links.get(), 1) >= 0) {
    group = Handle(H5Gcreate2(loc, name.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  }
  if (!group) {
    return internal_error(with_reason("cannot create group " + child_path(object_path(loc), name)));
  }
  return group;
}

Result<Handle> create_memory_file() {
  Handle fapl = memory_access_list();
  Handle file;
  if (fapl) {
    file = Handle(H5Fcreate(unique_memory_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                  H5Fclose);
  }
  if (!file) return internal_error(with_reason("cannot create an in-memory HDF5 file"));
  return file;
}

Result<std::string> file_image(hid_t file) {
  if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) {
    return internal_error(with_reason("cannot flush the in-memory HDF5 file"));
  }
  ssize_t size = H5Fget_file_image(file, nullptr, 0);
  std::string bytes(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size <= 0 || H5Fget_file_image(file, bytes.data(), bytes.size()) != size) {
    return internal_error(with_reason("cannot take the image of the in-memory HDF5 file"));
  }
  return bytes;
}

Result<Handle> open_file_image(std::string_view bytes) {
  if (bytes.empty()) return data_loss_error("not an HDF5 file (it is empty)");
  Handle fapl = memory_access_list();
  // HDF5 copies the buffer; it only takes a non-const pointer.
  void* buffer = const_cast<char*>(bytes.data());
  if (!fapl || H5Pset_file_image(fapl.get(), buffer, bytes.size()) < 0) {
    return internal_error(with_reason("cannot hand the file image to HDF5"));
  }
  Handle file(H5Fopen(unique_memory_name().c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file) return data_loss_error(with_reason("not a readable HDF5 file"));
  return file;
}

}  // namespace cairn::internal::h5
