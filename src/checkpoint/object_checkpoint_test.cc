// cairn::Checkpoint (checkpoint.h) over plain tensors and nested
// Checkpoints: round trips, the TF 2.x object graph it writes, restores
// matched by graph with their reports, and what an independent reader
// (tfckpt.py, Python protobuf through our .proto) makes of the files.
#include "cairn/checkpoint/checkpoint.h"

#include <gtest/gtest.h>

#include "cairn/checkpoint/checkpoint_path.h"
#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

std::string key(const std::string& path) { return path + "/.ATTRIBUTES/VARIABLE_VALUE"; }

ObjectGraph graph_of(const std::string& prefix, FileSystem& fs) {
  CheckpointReader reader(prefix, fs);
  Tensor bytes = reader.get_tensor(std::string(kObjectGraphKey));
  return parse_object_graph(bytes.strings()[0]).value();
}

std::vector<std::string> child_names(const ObjectGraph& g, int node) {
  std::vector<std::string> names;
  for (const auto& c : g.nodes[static_cast<size_t>(node)].children) names.push_back(c.local_name);
  return names;
}

struct Objects {
  Tensor kernel = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor step = Tensor::scalar<int32_t>(7);
  Tensor bias = Tensor::from_vector<double>({0.5, -0.5}, {2});
};

TEST(ObjectCheckpointTest, RoundTripRestoresEveryValue) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint inner({{"bias", a.bias}});
  Checkpoint ckpt({{"step", a.step}, {"net", Checkpoint({{"kernel", a.kernel}})}, {"head", inner}});
  const std::string path = ckpt.save("/run/ckpt", fs);
  EXPECT_EQ(path, "/run/ckpt-1");
  const Objects saved = a;
  a.kernel.flat<float>()[0] = 99, a.step.flat<int32_t>()[0] = 0, a.bias.flat<double>()[1] = 3;
  Checkpoint fresh_inner({{"bias", a.bias}});
  Checkpoint other(
      {{"head", fresh_inner}, {"net", Checkpoint({{"kernel", a.kernel}})}, {"step", a.step}});
  CheckpointLoadStatus status = other.restore(path, fs);
  status.assert_consumed();
  EXPECT_EQ(a.kernel, saved.kernel);
  EXPECT_EQ(a.step, saved.step);
  EXPECT_EQ(a.bias, saved.bias);
  EXPECT_EQ(other.save_counter(), 1);
  EXPECT_EQ(status.path(), path);
}

TEST(ObjectCheckpointTest, WritesTheObjectGraphAsTensorFlowDoes) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint ckpt(
      {{"step", a.step}, {"net", Checkpoint({{"kernel", a.kernel}})}, {"alias", a.step}});
  ckpt.save("/run/ckpt", fs);
  const std::string path = ckpt.save("/run/ckpt", fs);
  EXPECT_EQ(path, "/run/ckpt-2");
  ObjectGraph g = graph_of(path, fs);
  // Keyword arguments sorted by name, save_counter last; an object reached
  // twice is one node, keyed by its first path.
  EXPECT_EQ(child_names(g, 0), (std::vector<std::string>{"alias", "net", "step", "save_counter"}));
  EXPECT_EQ(g.nodes[0].children[0].node_id, g.nodes[0].children[2].node_id);
  EXPECT_EQ(g.nodes.size(), 5u);
  CheckpointReader reader(path, fs);
  EXPECT_EQ(reader.get_tensor(key("save_counter")), Tensor::scalar<int64_t>(2));
  EXPECT_EQ(reader.get_tensor(key("net/kernel")), a.kernel);
  EXPECT_EQ(reader.get_tensor(key("alias")), a.step);
  EXPECT_FALSE(reader.has_tensor(key("step")));
  EXPECT_EQ(latest_checkpoint("/run", fs), "/run/ckpt-2");
}

TEST(ObjectCheckpointTest, WriteLeavesTheCounterAndStateFileAlone) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint ckpt({{"step", a.step}});
  EXPECT_EQ(ckpt.write("/run/exact", fs), "/run/exact");
  EXPECT_EQ(ckpt.save_counter(), 0);
  EXPECT_FALSE(fs.file_exists("/run/checkpoint"));
  EXPECT_EQ(CheckpointReader("/run/exact", fs).get_tensor(key("step")), a.step);
}

TEST(ObjectCheckpointTest, DifferentlyBuiltObjectsFailAssertConsumedNamingEachValue) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint ckpt({{"step", a.step}, {"net", Checkpoint({{"kernel", a.kernel}})}});
  const std::string path = ckpt.save("/run/ckpt", fs);
  Objects b;
  b.step.flat<int32_t>()[0] = 1;
  Checkpoint other({{"step", b.step}, {"net", Checkpoint({{"weights", b.kernel}})}});
  CheckpointLoadStatus status = other.restore(path, fs);
  EXPECT_EQ(b.step, a.step);  // what matched is restored
  try {
    status.assert_consumed();
    FAIL() << "assert_consumed() passed";
  } catch (const FailedPreconditionError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("net/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [2, 3]"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("net/weights/.ATTRIBUTES/VARIABLE_VALUE"), std::string::npos) << message;
  }
  EXPECT_THROW(status.assert_existing_objects_matched(), FailedPreconditionError);
  status.expect_partial();
  ASSERT_EQ(status.report().unused.size(), 1u);
  ASSERT_EQ(status.report().missing.size(), 1u);
}

TEST(ObjectCheckpointTest, ShapeMismatchThrowsBeforeChangingAnything) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint ckpt({{"step", a.step}, {"kernel", a.kernel}});
  const std::string path = ckpt.save("/run/ckpt", fs);
  Tensor step = Tensor::scalar<int32_t>(-1);
  Tensor wide(DType::kFloat32, {3, 3});
  Checkpoint other({{"step", step}, {"kernel", wide}});
  EXPECT_THROW(other.restore(path, fs), InvalidArgumentError);
  EXPECT_EQ(step, Tensor::scalar<int32_t>(-1));
}

TEST(ObjectCheckpointTest, NameBasedCheckpointIsRefusedWithAReason) {
  MemoryFileSystem fs;
  save_variables("/old/model.ckpt-1", {{"global_step", Tensor::scalar<int64_t>(1)}}, {}, fs);
  Objects a;
  Checkpoint ckpt({{"step", a.step}});
  try {
    ckpt.restore("/old/model.ckpt-1", fs);
    FAIL() << "restored a checkpoint without an object graph";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("_CHECKPOINTABLE_OBJECT_GRAPH"), std::string::npos);
  }
}

TEST(ObjectCheckpointTest, NamesAreEscapedInKeysAsTensorFlowEscapes) {
  MemoryFileSystem fs;
  Objects a;
  Checkpoint ckpt({{"v1.0/head", a.step}});
  const std::string path = ckpt.save("/run/ckpt", fs);
  EXPECT_TRUE(CheckpointReader(path, fs).has_tensor(key("v1..0.Shead")));
  Tensor step = Tensor::scalar<int32_t>(0);
  Checkpoint other({{"v1.0/head", step}});
  other.restore(path, fs).assert_consumed();
  EXPECT_EQ(step, a.step);
}

TEST(ObjectCheckpointTest, RepeatedOrReservedNamesAreRefused) {
  Objects a;
  EXPECT_THROW(Checkpoint({{"x", a.step}, {"x", a.kernel}}), InvalidArgumentError);
  EXPECT_THROW(Checkpoint({{"save_counter", a.step}}), InvalidArgumentError);
}

constexpr const char* kPythonDump = R"(
import sys
sys.path.insert(0, sys.argv[1] + "/py")
from cairn.proto import trackable_object_graph_pb2 as pb
g = pb.TrackableObjectGraph()
with open(sys.argv[1] + "/graph.pb", "rb") as f:
    g.ParseFromString(f.read())
for i, n in enumerate(g.nodes):
    print(i, [(c.node_id, c.local_name) for c in n.children],
          [a.checkpoint_key for a in n.attributes])
)";

TEST(ObjectCheckpointInteropTest, IndependentReadersReadWhatCheckpointWrites) {
  auto tools = testing::tools_dir();
  if (!tools) GTEST_SKIP() << testing::kNoSharedMessage;
  if (auto why = testing::python_protos_unavailable(); !why.empty()) GTEST_SKIP() << why;
  if (!testing::python_has_modules("crc32c snappy")) GTEST_SKIP() << "no crc32c/snappy module";
  testing::TempDir dir;
  Objects a;
  Checkpoint ckpt({{"step", a.step}, {"net", Checkpoint({{"kernel", a.kernel}})}});
  const std::string path = ckpt.save(dir.path() + "/ckpt");
  auto q = testing::shell_quote;
  auto listing =
      testing::run_command("/usr/bin/python3 " + q(*tools + "/tfckpt.py") + " " + q(path));
  ASSERT_EQ(listing.exit_code, 0) << listing.out << listing.err;
  for (const char* name : {"net/kernel/.ATTRIBUTES/VARIABLE_VALUE", "_CHECKPOINTABLE_OBJECT_GRAPH",
                           "save_counter/.ATTRIBUTES/VARIABLE_VALUE"}) {
    EXPECT_NE(listing.out.find(name), std::string::npos) << name << " in\n" << listing.out;
  }
  auto state = testing::run_command("/usr/bin/python3 " + q(*tools + "/tfckpt.py") + " --state " +
                                    q(dir.path()));
  ASSERT_EQ(state.exit_code, 0) << state.err;
  EXPECT_NE(state.out.find("ckpt-1"), std::string::npos) << state.out;

  const Tensor bytes = CheckpointReader(path).get_tensor(std::string(kObjectGraphKey));
  ASSERT_TRUE(default_file_system()
                  .write_file_atomically(dir.path() + "/graph.pb", bytes.strings()[0])
                  .ok());
  ASSERT_TRUE(
      default_file_system().write_file_atomically(dir.path() + "/dump.py", kPythonDump).ok());
  ASSERT_EQ(testing::compile_python_protos(dir.path() + "/py").exit_code, 0);
  auto run =
      testing::run_command("/usr/bin/python3 " + q(dir.path() + "/dump.py") + " " + q(dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "0 [(1, 'net'), (2, 'step'), (3, 'save_counter')] []\n"
            "1 [(4, 'kernel')] []\n"
            "2 [] ['step/.ATTRIBUTES/VARIABLE_VALUE']\n"
            "3 [] ['save_counter/.ATTRIBUTES/VARIABLE_VALUE']\n"
            "4 [] ['net/kernel/.ATTRIBUTES/VARIABLE_VALUE']\n");
}

}  // namespace
}  // namespace cairn
