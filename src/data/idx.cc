#include "cairn/data/idx.h"

#include <zlib.h>

#include <cstring>

#include "cairn/core/errors.h"

namespace cairn::data {

namespace {

struct IdxType {
  uint8_t code;
  DType dtype;
  size_t size;
};

constexpr IdxType kTypes[] = {{0x08, DType::kUint8, 1},   {0x09, DType::kInt8, 1},
                              {0x0B, DType::kInt16, 2},   {0x0C, DType::kInt32, 4},
                              {0x0D, DType::kFloat32, 4}, {0x0E, DType::kFloat64, 8}};

uint32_t big_endian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// gzip via zlib's inflate (windowBits 15 + 16 selects the gzip wrapper).
Result<std::string> gunzip(std::string_view compressed, const std::string& name) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK)
    return Status(StatusCode::kInternal, "zlib init failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return data_loss_error(name + ": not a complete gzip stream");
  return out;
}

}  // namespace

Result<Tensor> parse_idx(std::string_view bytes, const std::string& name, IdxOptions options) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4 || p[0] != 0 || p[1] != 0) {
    return data_loss_error(name + ": not an IDX file (bad magic)");
  }
  const IdxType* type = nullptr;
  for (const IdxType& t : kTypes) {
    if (t.code == p[2]) type = &t;
  }
  const size_t rank = p[3];
  if (type == nullptr)
    return data_loss_error(name + ": unknown IDX element type " + std::to_string(p[2]));
  if (rank == 0 || bytes.size() < 4 + 4 * rank)
    return data_loss_error(name + ": truncated IDX header");
  std::vector<int64_t> dims;
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    dims.push_back(big_endian32(p + 4 + 4 * i));
    // Checked against the file size, without wrapping, before anything is allocated.
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(dims.back()), &count) ||
        count > bytes.size()) {
      return data_loss_error(name + ": dimensions exceed the file size");
    }
  }
  const size_t header = 4 + 4 * rank;
  if (bytes.size() != header + count * type->size) {
    return data_loss_error(name + ": expected " + std::to_string(header + count * type->size) +
                           " bytes, file has " + std::to_string(bytes.size()));
  }
  if (options.limit > 0 && options.limit < dims[0]) dims[0] = options.limit;
  Tensor t(type->dtype, TensorShape(dims));
  const unsigned char* body = p + header;
  auto* out = reinterpret_cast<unsigned char*>(t.data());
  for (int64_t i = 0; i < t.num_elements(); ++i) {  // big-endian elements to host order
    for (size_t b = 0; b < type->size; ++b) {
      out[static_cast<size_t>(i) * type->size + b] =
          body[static_cast<size_t>(i) * type->size + type->size - 1 - b];
    }
  }
  return t;
}

Result<Tensor> read_idx(FileSystem& fs, const std::string& path, IdxOptions options) {
  CAIRN_ASSIGN_OR_RETURN(std::string bytes, fs.read_file(path));
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    CAIRN_ASSIGN_OR_RETURN(bytes, gunzip(bytes, path));
  }
  return parse_idx(bytes, path, options);
}

Tensor read_idx(const std::string& path, IdxOptions options) {
  return value_or_throw(read_idx(default_file_system(), path, options));
}

}  // namespace cairn::data
