// Reads ZIP archives from memory with libzip (PKWARE APPNOTE layout: local
// file headers and data, then the central directory, then the end of
// central directory record). The archive is opened with ZIP_CHECKCONS so the
// central directory and the local headers must agree; each entry's declared
// uncompressed size is checked against the caller's bound before anything is
// allocated for it, and its CRC-32 is checked as it is read (libzip reports
// a mismatch when the last byte is read).
#include <zip.h>

#include "cairn/formats/zip/zip_archive.h"

namespace cairn {

struct ZipReader::Archive {
  std::string bytes;  // the source buffer reads these in place
  zip_t* zip = nullptr;
  ~Archive() {
    if (zip != nullptr) zip_discard(zip);
  }
};

namespace {

constexpr size_t kEndRecordSize = 22;  // APPNOTE 4.3.16, without a comment

std::string error_text(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  zip_error_fini(error);
  return text;
}

// Reads exactly `size` bytes of the open entry `file`.
Status read_entry_exactly(zip_file_t* file, std::string& out, uint64_t size,
                          const std::string& what) {
  out.resize(size);
  uint64_t done = 0;
  while (done < size) {
    const zip_int64_t n = zip_fread(file, out.data() + done, size - done);
    if (n < 0) return data_loss_error(what + ": " + zip_file_strerror(file));
    if (n == 0) {
      return data_loss_error(what + ": truncated: " + std::to_string(done) + " of " +
                             std::to_string(size) + " bytes");
    }
    done += static_cast<uint64_t>(n);
  }
  char extra = 0;  // a stream longer than declared is as corrupt as a shorter one
  const zip_int64_t more = zip_fread(file, &extra, 1);
  if (more < 0) return data_loss_error(what + ": " + zip_file_strerror(file));
  if (more > 0) return data_loss_error(what + ": holds more than its declared size");
  return ok_status();
}

}  // namespace

ZipReader::ZipReader(std::unique_ptr<Archive> archive, std::string path)
    : archive_(std::move(archive)), path_(std::move(path)) {}
ZipReader::ZipReader(ZipReader&&) noexcept = default;
ZipReader& ZipReader::operator=(ZipReader&&) noexcept = default;
ZipReader::~ZipReader() = default;

Result<ZipReader> ZipReader::open(std::string bytes, std::string path) {
  // libzip takes an empty buffer for an empty archive; a file has at least
  // its end of central directory record.
  if (bytes.size() < kEndRecordSize) {
    return data_loss_error(path + ": not a valid ZIP archive (" + std::to_string(bytes.size()) +
                           " bytes, shorter than the end of central directory record)");
  }
  auto archive = std::make_unique<Archive>();
  archive->bytes = std::move(bytes);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source =
      zip_source_buffer_create(archive->bytes.data(), archive->bytes.size(), 0, &error);
  if (source == nullptr) return internal_error(path + ": " + error_text(&error));
  archive->zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive->zip == nullptr) {
    zip_source_free(source);
    return data_loss_error(path + ": not a valid ZIP archive (" + error_text(&error) + ")");
  }
  zip_error_fini(&error);
  ZipReader reader(std::move(archive), std::move(path));
  const zip_int64_t count = zip_get_num_entries(reader.archive_->zip, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(reader.archive_->zip, static_cast<zip_uint64_t>(i), 0);
    if (name == nullptr)
      return data_loss_error(reader.path_ + ": entry " + std::to_string(i) +
                             " has no readable name");
    reader.names_.emplace_back(name);
  }
  return reader;
}

bool ZipReader::has_entry(std::string_view name) const {
  for (const std::string& n : names_) {
    if (n == name) return true;
  }
  return false;
}

Result<std::string> ZipReader::read(std::string_view name, uint64_t max_bytes) const {
  const std::string entry(name);
  const std::string what = path_ + ": entry '" + entry + "'";
  const zip_int64_t index = zip_name_locate(archive_->zip, entry.c_str(), 0);
  if (index < 0) return not_found_error(path_ + ": no entry '" + entry + "' in the archive");
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_->zip, static_cast<zip_uint64_t>(index), 0, &stat) != 0 ||
      (stat.valid & ZIP_STAT_SIZE) == 0) {
    return data_loss_error(what + ": no size in the central directory");
  }
  if (stat.size > max_bytes) {
    return resource_exhausted_error(what + " declares " + std::to_string(stat.size) +
                                    " bytes, more than the " + std::to_string(max_bytes) +
                                    " allowed");
  }
  zip_file_t* file = zip_fopen_index(archive_->zip, static_cast<zip_uint64_t>(index), 0);
  if (file == nullptr) return data_loss_error(what + ": " + zip_strerror(archive_->zip));
  std::string out;
  Status read = read_entry_exactly(file, out, stat.size, what);
  const int closed = zip_fclose(file);
  CAIRN_RETURN_IF_ERROR(read);
  if (closed != 0)
    return data_loss_error(what + ": damaged (libzip error " + std::to_string(closed) + ")");
  return out;
}

}  // namespace cairn
