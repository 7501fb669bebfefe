// Writes ZIP archives to memory with libzip: each entry stored
// uncompressed, as Keras's zipfile.ZipFile writes a .keras file; libzip
// writes the local headers, the central directory and the end record.
#include <zip.h>

#include <set>

#include "cairn/formats/zip/zip_archive.h"

namespace cairn {
namespace {

Status check_entries(const std::vector<ZipEntry>& entries) {
  std::set<std::string_view> seen;
  for (const ZipEntry& e : entries) {
    if (e.name.empty()) return invalid_argument_error("a ZIP entry has an empty name");
    if (!seen.insert(e.name).second) {
      return invalid_argument_error("ZIP entry '" + e.name + "' appears twice");
    }
  }
  return ok_status();
}

Status add_entries(zip_t* zip, const std::vector<ZipEntry>& entries) {
  for (const ZipEntry& e : entries) {
    zip_source_t* data = zip_source_buffer(zip, e.bytes.data(), e.bytes.size(), 0);
    const zip_int64_t index =
        data == nullptr ? -1 : zip_file_add(zip, e.name.c_str(), data, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      if (data != nullptr) zip_source_free(data);
      return internal_error("cannot add ZIP entry '" + e.name + "': " + zip_strerror(zip));
    }
    if (zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0) {
      return internal_error("ZIP entry '" + e.name + "': " + zip_strerror(zip));
    }
  }
  return ok_status();
}

// The bytes libzip wrote into the (kept) buffer source `source`.
Result<std::string> source_bytes(zip_source_t* source) {
  if (zip_source_open(source) != 0) return internal_error("cannot reopen the written ZIP");
  std::string out;
  char chunk[1 << 16];
  zip_int64_t n = 0;
  while ((n = zip_source_read(source, chunk, sizeof(chunk))) > 0) {
    out.append(chunk, static_cast<size_t>(n));
  }
  zip_source_close(source);
  if (n < 0) return internal_error("cannot read back the written ZIP");
  return out;
}

}  // namespace

Result<std::string> write_zip(const std::vector<ZipEntry>& entries) {
  CAIRN_RETURN_IF_ERROR(check_entries(entries));
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* zip = source == nullptr ? nullptr : zip_open_from_source(source, ZIP_TRUNCATE, &error);
  if (zip == nullptr) {
    if (source != nullptr) zip_source_free(source);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return internal_error("cannot start a ZIP archive: " + why);
  }
  zip_error_fini(&error);
  zip_source_keep(source);  // survives zip_close, which writes into it
  Status added = add_entries(zip, entries);
  if (!added.ok()) {
    zip_discard(zip);
    zip_source_free(source);
    return added;
  }
  if (zip_close(zip) != 0) {
    const std::string why = zip_strerror(zip);
    zip_discard(zip);
    zip_source_free(source);
    return internal_error("cannot finish the ZIP archive: " + why);
  }
  Result<std::string> bytes = source_bytes(source);
  zip_source_free(source);
  return bytes;
}

}  // namespace cairn
