// LevelDB-format tables over cairn's FileSystem, using Debian's libleveldb.
//
// Layout (LevelDB's doc/table_format.md):
//   [data block]* [metaindex block] [index block] [footer: 48 bytes]
//   block   := entries (shared, non_shared, value_len varints + bytes),
//              restart offsets (u32 each), restart count (u32),
//              then a 5-byte trailer: type (0 none, 1 snappy) + masked crc32c
//   footer  := metaindex handle, index handle (varint64 offset + size each),
//              zero padding to 40 bytes, magic 0xdb4775248b80fb57 (LE u64)
#include "cairn/io/table.h"

#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/table.h>
#include <leveldb/table_builder.h>

#include "cairn/io/coding.h"
#include "io/table_index.h"

namespace cairn {
namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;

// Adapts cairn's WritableFile to the interface TableBuilder writes through.
class LevelDbWritable : public leveldb::WritableFile {
 public:
  explicit LevelDbWritable(cairn::WritableFile* file) : file_(file) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    return to_leveldb(file_->append(std::string_view(data.data(), data.size())));
  }
  // The owner of the cairn file flushes, syncs and closes it.
  leveldb::Status Close() override { return leveldb::Status::OK(); }
  leveldb::Status Flush() override { return leveldb::Status::OK(); }
  leveldb::Status Sync() override { return leveldb::Status::OK(); }
  const Status& last_error() const { return last_error_; }

 private:
  leveldb::Status to_leveldb(const Status& s) {
    if (s.ok()) return leveldb::Status::OK();
    last_error_ = s;
    return leveldb::Status::IOError(s.message());
  }
  cairn::WritableFile* file_;
  Status last_error_;
};

// Adapts cairn's RandomAccessFile to the interface Table reads through.
class LevelDbRandomAccess : public leveldb::RandomAccessFile {
 public:
  explicit LevelDbRandomAccess(const cairn::RandomAccessFile& file) : file_(file) {}
  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    Result<std::string_view> got = file_.read(offset, n, scratch);
    if (!got.ok()) return leveldb::Status::IOError(got.status().message());
    *result = leveldb::Slice(got->data(), got->size());
    return leveldb::Status::OK();
  }

 private:
  const cairn::RandomAccessFile& file_;
};

Status from_leveldb(const leveldb::Status& s, const std::string& path) {
  if (s.ok()) return ok_status();
  if (s.IsNotFound()) return not_found_error(path + ": " + s.ToString());
  return data_loss_error(path + ": corrupt LevelDB table: " + s.ToString());
}

struct IndexHandle {
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Checks the footer before LevelDB allocates buffers sized by its handles;
// returns the index block's handle.
Result<IndexHandle> check_footer(const cairn::RandomAccessFile& file) {
  const std::string& path = file.path();
  if (file.size() < internal::kTableFooterSize) {
    return data_loss_error(path + ": not a LevelDB table (file of " + std::to_string(file.size()) +
                           " bytes is shorter than the footer)");
  }
  char scratch[internal::kTableFooterSize];
  CAIRN_ASSIGN_OR_RETURN(
      std::string_view footer,
      file.read(file.size() - internal::kTableFooterSize, internal::kTableFooterSize, scratch));
  if (footer.size() != internal::kTableFooterSize)
    return data_loss_error(path + ": short read of table footer");
  if (decode_fixed64(footer.data() + 40) != kTableMagic) {
    return data_loss_error(path + ": not a LevelDB table (bad magic number)");
  }
  std::string_view handles = footer.substr(0, 40);
  uint64_t offset = 0, size = 0;
  for (const char* which : {"metaindex", "index"}) {
    if (!get_varint64(&handles, &offset) || !get_varint64(&handles, &size)) {
      return data_loss_error(path + ": bad " + std::string(which) + " block handle in footer");
    }
    uint64_t limit = file.size() - internal::kTableFooterSize;
    if (offset > limit || size > limit - offset ||
        size + internal::kBlockTrailerSize > limit - offset) {
      return data_loss_error(path + ": " + which + " block handle [" + std::to_string(offset) +
                             ", +" + std::to_string(size) + ") lies past the end of the file");
    }
  }
  return IndexHandle{.offset = offset, .size = size};  // the second handle read
}

}  // namespace

struct TableWriter::Impl {
  Impl(cairn::WritableFile* file, const TableOptions& table_options)
      : adapter(file), builder(make_options(table_options), &adapter) {}

  static leveldb::Options make_options(const TableOptions& t) {
    leveldb::Options o;
    o.block_size = t.block_size;
    o.block_restart_interval = t.block_restart_interval;
    o.compression = t.snappy_compression ? leveldb::kSnappyCompression : leveldb::kNoCompression;
    return o;
  }

  LevelDbWritable adapter;
  leveldb::TableBuilder builder;
  std::string last_key;
  bool has_key = false;
  bool closed = false;
};

TableWriter::TableWriter(WritableFile* file, const TableOptions& options)
    : impl_(std::make_unique<Impl>(file, options)) {}

TableWriter::~TableWriter() {
  // TableBuilder insists on being finished or abandoned before destruction.
  if (!impl_->closed) impl_->builder.Abandon();
}

Status TableWriter::add(std::string_view key, std::string_view value) {
  if (impl_->has_key && key <= std::string_view(impl_->last_key)) {
    return invalid_argument_error("table keys must be strictly increasing: \"" + std::string(key) +
                                  "\" after \"" + impl_->last_key + "\"");
  }
  impl_->builder.Add(leveldb::Slice(key.data(), key.size()),
                     leveldb::Slice(value.data(), value.size()));
  impl_->last_key.assign(key);
  impl_->has_key = true;
  if (!impl_->builder.status().ok()) return impl_->adapter.last_error();
  return ok_status();
}

Status TableWriter::finish() {
  leveldb::Status s = impl_->builder.Finish();
  impl_->closed = true;
  if (!s.ok()) {
    Status cause = impl_->adapter.last_error();
    return cause.ok() ? internal_error("table finish: " + s.ToString()) : cause;
  }
  return ok_status();
}

uint64_t TableWriter::file_size() const { return impl_->builder.FileSize(); }

Result<std::vector<std::pair<std::string, std::string>>> read_table(const RandomAccessFile& file) {
  CAIRN_ASSIGN_OR_RETURN(IndexHandle index, check_footer(file));
  CAIRN_RETURN_IF_ERROR(internal::check_index_block(file, index.offset, index.size));
  LevelDbRandomAccess adapter(file);
  leveldb::Options options;
  options.paranoid_checks = true;  // verify the index block's checksum too
  leveldb::Table* raw_table = nullptr;
  leveldb::Status s = leveldb::Table::Open(options, &adapter, file.size(), &raw_table);
  if (!s.ok()) return from_leveldb(s, file.path());
  std::unique_ptr<leveldb::Table> table(raw_table);

  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  read_options.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(table->NewIterator(read_options));
  std::vector<std::pair<std::string, std::string>> entries;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string key = it->key().ToString();
    if (!entries.empty() && key <= entries.back().first) {
      return data_loss_error(file.path() + ": corrupt LevelDB table: key \"" + key +
                             "\" is not after \"" + entries.back().first + "\"");
    }
    entries.emplace_back(std::move(key), it->value().ToString());
  }
  if (!it->status().ok()) return from_leveldb(it->status(), file.path());
  return entries;
}

}  // namespace cairn
