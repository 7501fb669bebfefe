// MemoryFileSystem: files are strings in a map guarded by one mutex. Open
// writers hold the shared State and append to whatever file their path names
// now; readers and mappings copy the file when opened, like an open inode
// that later writes and removals do not disturb.
#include "cairn/io/memory_file_system.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace cairn {

struct MemoryFileSystem::State {
  std::mutex mu;
  std::map<std::string, std::string> files;
  std::set<std::string> directories;  // created explicitly
  std::set<std::string> locks;
  uint64_t capacity = std::numeric_limits<uint64_t>::max();
};

namespace {

using State = MemoryFileSystem::State;

// Collapses repeated '/' and drops a trailing one ("a//b/" -> "a/b").
std::string normalize(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// "a/b" -> "a/b/", "/" -> "/", "." -> "" (relative paths lie under ".").
std::string child_prefix(const std::string& dir) {
  if (dir == ".") return "";
  return dir == "/" ? dir : dir + "/";
}

const std::string& key_of(const std::string& key) { return key; }
const std::string& key_of(const std::pair<const std::string, std::string>& entry) {
  return entry.first;
}

template <typename Container>
bool has_key_with_prefix(const Container& entries, const std::string& prefix) {
  auto it = entries.lower_bound(prefix);
  return it != entries.end() && std::string_view(key_of(*it)).starts_with(prefix);
}

// Adds to `names` the first component after `prefix` of every key of
// `entries` that starts with it.
template <typename Container>
void add_children(const Container& entries, const std::string& prefix,
                  std::set<std::string>* names) {
  for (auto it = entries.lower_bound(prefix); it != entries.end(); ++it) {
    std::string_view rest = key_of(*it);
    if (!rest.starts_with(prefix)) break;
    rest.remove_prefix(prefix.size());
    if (rest.empty() || (prefix.empty() && rest.front() == '/')) continue;
    names->emplace(rest.substr(0, rest.find('/')));
  }
}

// Bytes all files hold, summed on demand so that edits made through
// mutable_contents() count. Requires state.mu.
uint64_t used_bytes(const State& state) {
  uint64_t total = 0;
  for (const auto& [path, bytes] : state.files) total += bytes.size();
  return total;
}

// A directory was created, or a file or directory lies under it. Requires state.mu.
bool is_dir(const State& state, const std::string& path) {
  if (path == "/" || path == "." || state.directories.count(path) > 0) return true;
  std::string prefix = path + "/";
  return has_key_with_prefix(state.files, prefix) || has_key_with_prefix(state.directories, prefix);
}

std::string& node_key(std::map<std::string, std::string>::node_type& node) { return node.key(); }
std::string& node_key(std::set<std::string>::node_type& node) { return node.value(); }

// Renames `from` and every key under `from/` to lie under `to` instead (the
// caller checked that nothing is at `to`).
template <typename Container>
void move_keys(Container& entries, const std::string& from, const std::string& to) {
  std::vector<typename Container::node_type> moved;
  if (entries.count(from) > 0) moved.push_back(entries.extract(from));
  std::string prefix = from + "/";
  auto it = entries.lower_bound(prefix);
  while (it != entries.end() && key_of(*it).starts_with(prefix)) {
    moved.push_back(entries.extract(it++));
  }
  for (auto& node : moved) {
    node_key(node) = to + node_key(node).substr(from.size());
    entries.insert(std::move(node));
  }
}

Status no_such_file(const std::string& context) {
  return not_found_error(context + ": No such file or directory");
}

class MemoryWritableFile final : public WritableFile {
 public:
  MemoryWritableFile(std::shared_ptr<State> state, std::string path, uint64_t size)
      : state_(std::move(state)), path_(std::move(path)), size_(size) {}

  Status append(std::string_view data) override {
    CAIRN_RETURN_IF_ERROR(check_open("append to"));
    std::lock_guard<std::mutex> hold(state_->mu);
    if (data.size() > state_->capacity - std::min(state_->capacity, used_bytes(*state_))) {
      return resource_exhausted_error("append to " + path_ + ": no space left on device");
    }
    state_->files[path_].append(data);
    size_ += data.size();
    return ok_status();
  }
  Status flush() override { return check_open("flush"); }
  Status sync() override { return check_open("sync"); }
  Status close() override {
    CAIRN_RETURN_IF_ERROR(check_open("close"));
    closed_ = true;
    return ok_status();
  }
  uint64_t size() const override { return size_; }

 private:
  Status check_open(const char* op) const {
    if (!closed_) return ok_status();
    return failed_precondition_error(std::string(op) + " " + path_ + ": file is closed");
  }

  std::shared_ptr<State> state_;
  std::string path_;
  uint64_t size_;
  bool closed_ = false;
};

class MemoryRandomAccessFile final : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string path, std::string bytes)
      : path_(std::move(path)), bytes_(std::move(bytes)) {}

  Result<std::string_view> read(uint64_t offset, size_t n, char* /*scratch*/) const override {
    if (offset >= bytes_.size()) return std::string_view();
    return std::string_view(bytes_).substr(offset, n);
  }
  uint64_t size() const override { return bytes_.size(); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::string bytes_;
};

class MemoryMappedFile final : public MappedFile {
 public:
  explicit MemoryMappedFile(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view data() const override { return bytes_; }

 private:
  std::string bytes_;
};

class MemoryFileLock final : public FileLock {
 public:
  MemoryFileLock(std::shared_ptr<State> state, std::string path)
      : state_(std::move(state)), path_(std::move(path)) {}
  ~MemoryFileLock() override {
    std::lock_guard<std::mutex> hold(state_->mu);
    state_->locks.erase(path_);
  }

 private:
  std::shared_ptr<State> state_;
  std::string path_;
};

}  // namespace

MemoryFileSystem::MemoryFileSystem() : state_(std::make_shared<State>()) {}
MemoryFileSystem::~MemoryFileSystem() = default;

void MemoryFileSystem::set_capacity(uint64_t bytes) {
  std::lock_guard<std::mutex> hold(state_->mu);
  state_->capacity = bytes;
}

std::string* MemoryFileSystem::mutable_contents(const std::string& path) {
  std::lock_guard<std::mutex> hold(state_->mu);
  auto it = state_->files.find(normalize(path));
  return it == state_->files.end() ? nullptr : &it->second;
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::new_writable_file(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (is_dir(*state_, p)) return failed_precondition_error("open " + p + ": Is a directory");
  state_->files[p].clear();
  return std::unique_ptr<WritableFile>(std::make_unique<MemoryWritableFile>(state_, p, 0));
}

Result<std::unique_ptr<WritableFile>> MemoryFileSystem::new_appendable_file(
    const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (is_dir(*state_, p)) return failed_precondition_error("open " + p + ": Is a directory");
  uint64_t size = state_->files[p].size();
  return std::unique_ptr<WritableFile>(std::make_unique<MemoryWritableFile>(state_, p, size));
}

Result<std::unique_ptr<RandomAccessFile>> MemoryFileSystem::new_random_access_file(
    const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  auto it = state_->files.find(p);
  if (it == state_->files.end()) return no_such_file("open " + p + " for reading");
  return std::unique_ptr<RandomAccessFile>(std::make_unique<MemoryRandomAccessFile>(p, it->second));
}

Result<std::unique_ptr<MappedFile>> MemoryFileSystem::map_file(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  auto it = state_->files.find(p);
  if (it == state_->files.end()) return no_such_file("map " + p);
  return std::unique_ptr<MappedFile>(std::make_unique<MemoryMappedFile>(it->second));
}

Status MemoryFileSystem::rename_file(const std::string& from, const std::string& to) {
  std::string f = normalize(from), t = normalize(to);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (f == t) return ok_status();
  if (auto it = state_->files.find(f); it != state_->files.end()) {
    std::string bytes = std::move(it->second);
    state_->files.erase(it);
    state_->files[t] = std::move(bytes);
    return ok_status();
  }
  if (!is_dir(*state_, f)) return no_such_file("rename " + f + " to " + t);
  if (state_->files.count(t) > 0 || is_dir(*state_, t)) {
    return failed_precondition_error("rename " + f + " to " + t + ": destination exists");
  }
  move_keys(state_->files, f, t);
  move_keys(state_->directories, f, t);
  return ok_status();
}

Status MemoryFileSystem::remove_file(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (state_->files.erase(p) > 0) return ok_status();
  if (is_dir(*state_, p)) return failed_precondition_error("remove " + p + ": Is a directory");
  return no_such_file("remove " + p);
}

bool MemoryFileSystem::file_exists(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  return state_->files.count(p) > 0 || is_dir(*state_, p);
}

bool MemoryFileSystem::is_directory(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  return is_dir(*state_, p);
}

Result<uint64_t> MemoryFileSystem::file_size(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  auto it = state_->files.find(p);
  if (it == state_->files.end()) return no_such_file("stat " + p);
  return static_cast<uint64_t>(it->second.size());
}

Result<std::vector<std::string>> MemoryFileSystem::list_directory(const std::string& dir) {
  std::string d = normalize(dir);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (!is_dir(*state_, d)) return no_such_file("list directory " + d);
  std::set<std::string> names;
  add_children(state_->files, child_prefix(d), &names);
  add_children(state_->directories, child_prefix(d), &names);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<FileType> MemoryFileSystem::file_type(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (state_->files.count(p) > 0) return FileType::kRegular;
  return is_dir(*state_, p) ? FileType::kDirectory : FileType::kMissing;
}

Status MemoryFileSystem::remove_directory(const std::string& dir) {
  std::string d = normalize(dir);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (!is_dir(*state_, d)) return no_such_file("remove directory " + d);
  std::set<std::string> children;
  add_children(state_->files, child_prefix(d), &children);
  add_children(state_->directories, child_prefix(d), &children);
  if (!children.empty()) {
    return failed_precondition_error("remove directory " + d + ": Directory not empty");
  }
  state_->directories.erase(d);
  return ok_status();
}

Status MemoryFileSystem::exchange_paths(const std::string& a, const std::string& b) {
  std::string x = normalize(a), y = normalize(b);
  std::lock_guard<std::mutex> hold(state_->mu);
  for (const std::string& p : {x, y}) {
    if (state_->files.count(p) == 0 && !is_dir(*state_, p)) {
      return no_such_file("exchange " + x + " and " + y);
    }
  }
  const std::string aside = "\x01exchanging";  // no real path starts with this
  for (auto [from, to] : {std::pair{x, aside}, std::pair{y, x}, std::pair{aside, y}}) {
    move_keys(state_->files, from, to);
    move_keys(state_->directories, from, to);
  }
  return ok_status();
}

Status MemoryFileSystem::create_directories(const std::string& dir) {
  std::string d = normalize(dir);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (state_->files.count(d) > 0) {
    return already_exists_error("create directory " + d + ": File exists");
  }
  state_->directories.insert(d);
  return ok_status();
}

Status MemoryFileSystem::sync_directory(const std::string& dir) {
  std::string d = normalize(dir);
  std::lock_guard<std::mutex> hold(state_->mu);
  return is_dir(*state_, d) ? ok_status() : no_such_file("open directory " + d);
}

Result<std::unique_ptr<FileLock>> MemoryFileSystem::lock_file(const std::string& path) {
  std::string p = normalize(path);
  std::lock_guard<std::mutex> hold(state_->mu);
  if (!state_->locks.insert(p).second) {
    return failed_precondition_error("lock " + p + ": already held");
  }
  state_->files.try_emplace(p);
  return std::unique_ptr<FileLock>(std::make_unique<MemoryFileLock>(state_, p));
}

}  // namespace cairn
