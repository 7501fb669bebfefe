// Object graphs: the _CHECKPOINTABLE_OBJECT_GRAPH that TensorFlow wrote in
// ../shared/fixtures (tf.train.Checkpoint in TF 2.x, a Keras SavedModel from
// TF 2.1, tf.Module SavedModels), rebuilt from their keys with
// object_graph_from_variables; round trips; bad bytes; and Python protobuf
// decoding our bytes through our .proto.
#include "cairn/formats/bundle/object_graph.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "cairn/formats/bundle/bundle_reader.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

constexpr const char* kJames = "tf-guide-checkpoints-james/tf_ckpts/ckpt-38";
constexpr const char* kEasy = "tf-guide-checkpoints-james/tmp/easy_checkpoint";
constexpr const char* kTitanic = "titanic-keras-tf21/saved_model/variables/variables";
constexpr const char* kTfjs[] = {"tfjs-node-saved-models/int64_multiply/variables/variables",
                                 "tfjs-node-saved-models/times_three_float/variables/variables"};
constexpr std::string_view kVariableSuffix = "/.ATTRIBUTES/VARIABLE_VALUE";

bool is_variable_key(std::string_view key) { return key.ends_with(kVariableSuffix); }

class ObjectGraphFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures_ = testing::fixtures_dir();
    if (!fixtures_) GTEST_SKIP() << testing::kNoSharedMessage;
  }

  std::unique_ptr<BundleReader> open(const std::string& prefix) {
    auto reader = BundleReader::open(default_file_system(), *fixtures_ + "/" + prefix);
    EXPECT_TRUE(reader.ok()) << reader.status().to_string();
    return reader.ok() ? std::move(reader).value() : nullptr;
  }
  std::string graph_bytes(const std::string& prefix) {
    auto reader = open(prefix);
    if (!reader) return "";
    auto tensor = reader->read(kObjectGraphKey);
    EXPECT_TRUE(tensor.ok()) << tensor.status().to_string();
    return tensor.ok() && tensor->strings().size() == 1 ? tensor->strings()[0] : "";
  }
  ObjectGraph graph(const std::string& prefix) {
    auto parsed = parse_object_graph(graph_bytes(prefix));
    EXPECT_TRUE(parsed.ok()) << prefix << ": " << parsed.status().to_string();
    return parsed.ok() ? std::move(parsed).value() : ObjectGraph{};
  }
  // Tensor names in the bundle that are variables, sorted.
  std::vector<std::string> variable_keys(const std::string& prefix) {
    std::vector<std::string> keys;
    auto reader = open(prefix);
    if (!reader) return keys;
    for (const BundleEntry& e : reader->entries()) {
      if (is_variable_key(e.name)) keys.push_back(e.name);
    }
    return keys;
  }

  std::optional<std::string> fixtures_;
};

std::vector<std::string> sorted_variable_keys(const ObjectGraph& graph) {
  std::vector<std::string> keys = checkpoint_keys(graph);
  std::erase_if(keys, [](const std::string& k) { return !is_variable_key(k); });
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The node each child edge first reaches in a breadth-first walk from the
// root (-1 for the root and for nodes no child edge reaches), and the order
// in which the walk reaches them.
struct Walk {
  std::vector<int> parent;
  std::vector<int> order;
};
Walk breadth_first_walk(const ObjectGraph& graph) {
  Walk walk{std::vector<int>(graph.nodes.size(), -1), {0}};
  std::vector<bool> seen(graph.nodes.size(), false);
  seen[0] = true;
  for (size_t head = 0; head < walk.order.size(); ++head) {
    int node = walk.order[head];
    for (const auto& c : graph.nodes[node].children) {
      if (seen[c.node_id]) continue;
      seen[c.node_id] = true;
      walk.parent[c.node_id] = node;
      walk.order.push_back(c.node_id);
    }
  }
  return walk;
}

// What checkpoint keys alone determine: nodes that save tensors, the objects
// on their first breadth-first path from the root (through first-reaching
// edges only, so aliases like Keras' variables/0 drop out), and slot variables.
ObjectGraph saved_part(const ObjectGraph& graph) {
  Walk walk = breadth_first_walk(graph);
  std::vector<bool> keep(graph.nodes.size(), false);
  for (int node : walk.order) {
    if (graph.nodes[node].attributes.empty()) continue;
    for (int n = node; n >= 0 && !keep[n]; n = walk.parent[n]) keep[n] = true;
  }
  keep[0] = true;
  for (int node : walk.order) {
    for (const auto& s : graph.nodes[node].slot_variables) keep[s.slot_variable_node_id] = true;
  }
  std::vector<int> new_id(graph.nodes.size(), -1);
  ObjectGraph out;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    new_id[i] = static_cast<int>(out.nodes.size());
    out.nodes.emplace_back();
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    ObjectGraph::Node& node = out.nodes[new_id[i]];
    node.attributes = graph.nodes[i].attributes;
    for (const auto& c : graph.nodes[i].children) {
      if (keep[c.node_id] && walk.parent[c.node_id] == static_cast<int>(i)) {
        node.children.push_back({new_id[c.node_id], c.local_name});
      }
    }
    for (auto s : graph.nodes[i].slot_variables) {
      s.original_variable_node_id = new_id[s.original_variable_node_id];
      s.slot_variable_node_id = new_id[s.slot_variable_node_id];
      node.slot_variables.push_back(s);
    }
  }
  return out;
}

// The graph's tensors as a writer would list them: depth-first, children in
// order (the order objects were created and tracked), then slot variables.
void collect(const ObjectGraph& graph, int node, std::vector<ObjectGraphVariable>& out) {
  for (const auto& a : graph.nodes[node].attributes) out.push_back({a.checkpoint_key, a.full_name});
  for (const auto& c : graph.nodes[node].children) collect(graph, c.node_id, out);
}
std::vector<ObjectGraphVariable> variables_in_creation_order(const ObjectGraph& tree) {
  std::vector<ObjectGraphVariable> out;
  collect(tree, 0, out);
  std::set<int> slot_nodes;
  for (const auto& node : tree.nodes) {
    for (const auto& s : node.slot_variables) slot_nodes.insert(s.slot_variable_node_id);
  }
  for (int n : slot_nodes) collect(tree, n, out);
  return out;
}

std::vector<std::string> child_names(const ObjectGraph& graph, int node) {
  std::vector<std::string> names;
  for (const auto& c : graph.nodes[node].children) names.push_back(c.local_name);
  return names;
}
int child(const ObjectGraph& graph, int node, const std::string& name) {
  for (const auto& c : graph.nodes[node].children) {
    if (c.local_name == name) return c.node_id;
  }
  ADD_FAILURE() << "node " << node << " has no child " << name;
  return 0;
}

TEST_F(ObjectGraphFixtureTest, CheckpointWithAdamSlotsAndIterator) {
  ObjectGraph g = graph(kJames);
  ASSERT_EQ(g.nodes.size(), 18u);
  EXPECT_EQ(child_names(g, 0),
            (std::vector<std::string>{"iterator", "net", "optimizer", "step", "save_counter"}));
  int optimizer = child(g, 0, "optimizer");
  EXPECT_EQ(child_names(g, optimizer),
            (std::vector<std::string>{"iter", "beta_1", "beta_2", "decay", "learning_rate"}));
  int l1 = child(g, child(g, 0, "net"), "l1");
  int kernel = child(g, l1, "kernel"), bias = child(g, l1, "bias");
  // Grouped by slot name, then by the original variable's node id; slot
  // nodes come after every node reachable through children.
  EXPECT_EQ(g.nodes[optimizer].slot_variables,
            (std::vector<ObjectGraph::SlotVariable>{
                {kernel, "m", 14}, {bias, "m", 15}, {kernel, "v", 16}, {bias, "v", 17}}));
  EXPECT_EQ(g.nodes[16].attributes[0].checkpoint_key,
            "net/l1/kernel/.OPTIMIZER_SLOT/optimizer/v/.ATTRIBUTES/VARIABLE_VALUE");
  EXPECT_EQ(g.nodes[child(g, 0, "step")].attributes,
            (std::vector<ObjectGraph::Attribute>{
                {"VARIABLE_VALUE", "Variable", "step/.ATTRIBUTES/VARIABLE_VALUE"}}));
  // The iterator's attribute names "ITERATOR"; its bundle key adds "_STATE".
  EXPECT_EQ(g.nodes[child(g, 0, "iterator")].attributes[0].checkpoint_key,
            "iterator/.ATTRIBUTES/ITERATOR");
  EXPECT_EQ(sorted_variable_keys(g), variable_keys(kJames));
  EXPECT_EQ(variable_keys(kJames).size(), 13u);
}

TEST_F(ObjectGraphFixtureTest, KerasSavedModelFromTf21) {
  ObjectGraph g = graph(kTitanic);
  ASSERT_EQ(g.nodes.size(), 91u);
  EXPECT_EQ(child_names(g, 0),
            (std::vector<std::string>{"layer-0", "layer-1", "layer-2", "layer-3", "layer-4",
                                      "optimizer", "regularization_losses", "variables",
                                      "trainable_variables", "keras_api", "signatures"}));
  EXPECT_EQ(child_names(g, child(g, 0, "layer-0")),
            (std::vector<std::string>{"kernel", "bias", "regularization_losses", "variables",
                                      "trainable_variables", "keras_api"}));
  // Aliases: "variables/0" reaches layer-0's kernel, which keeps the key of
  // its first breadth-first path.
  int kernel = child(g, child(g, 0, "layer-0"), "kernel");
  EXPECT_EQ(child(g, child(g, 0, "variables"), "0"), kernel);
  EXPECT_EQ(g.nodes[kernel].attributes[0].full_name, "sequential/dense/kernel");
  EXPECT_EQ(g.nodes[child(g, 0, "optimizer")].slot_variables.size(), 12u);
  EXPECT_EQ(sorted_variable_keys(g), variable_keys(kTitanic));
  EXPECT_EQ(variable_keys(kTitanic).size(), 25u);
}

TEST_F(ObjectGraphFixtureTest, SmallGraphs) {
  ObjectGraph easy = graph(kEasy);
  EXPECT_EQ(easy.nodes, (std::vector<ObjectGraph::Node>{{.children = {{1, "l1"}}}, {}}));
  for (const char* prefix : kTfjs) {
    ObjectGraph g = graph(prefix);
    EXPECT_EQ(child_names(g, 0).back(), "signatures") << prefix;
    EXPECT_EQ(sorted_variable_keys(g), variable_keys(prefix)) << prefix;
  }
}

TEST_F(ObjectGraphFixtureTest, TensorFlowNumbersBreadthFirstThenSlots) {
  for (const char* prefix : {kJames, kEasy, kTitanic, kTfjs[0], kTfjs[1]}) {
    ObjectGraph g = graph(prefix);
    std::vector<int> order = breadth_first_walk(g).order;
    for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int>(i)) << prefix;
    int next = static_cast<int>(order.size());
    for (const auto& node : g.nodes) {
      for (const auto& s : node.slot_variables) EXPECT_EQ(s.slot_variable_node_id, next++);
    }
    EXPECT_EQ(next, static_cast<int>(g.nodes.size())) << prefix;
  }
}

TEST_F(ObjectGraphFixtureTest, RebuildsTensorFlowsGraphFromItsKeys) {
  for (const char* prefix : {kJames, kTitanic, kTfjs[0], kTfjs[1]}) {
    ObjectGraph expected = saved_part(graph(prefix));
    auto rebuilt = object_graph_from_variables(variables_in_creation_order(expected));
    ASSERT_TRUE(rebuilt.ok()) << prefix << ": " << rebuilt.status().to_string();
    EXPECT_EQ(*rebuilt, expected) << prefix;
  }
  // Every node of the tf.train.Checkpoint graph saves something or leads to
  // it, so the rebuilt graph is TensorFlow's to the byte.
  ObjectGraph james = graph(kJames);
  ASSERT_EQ(saved_part(james), james);
  auto rebuilt = object_graph_from_variables(variables_in_creation_order(james));
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_EQ(serialize_object_graph(*rebuilt), graph_bytes(kJames));
}

TEST_F(ObjectGraphFixtureTest, ReserializesTensorFlowsBytes) {
  for (const char* prefix : {kJames, kEasy, kTitanic, kTfjs[0], kTfjs[1]}) {
    std::string bytes = graph_bytes(prefix);
    EXPECT_EQ(serialize_object_graph(graph(prefix)), bytes) << prefix;
  }
}

TEST_F(ObjectGraphFixtureTest, TruncatedTensorFlowBytesNeverCrash) {
  std::string bytes = graph_bytes(kTitanic);
  google::protobuf::LogSilencer quiet;  // protobuf logs each cut UTF-8 string
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto parsed = parse_object_graph(std::string_view(bytes).substr(0, n));
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
    }
  }
}

ObjectGraph small_graph() {
  ObjectGraph g;
  g.nodes = {
      {.children = {{1, "dense"}, {2, "optimizer"}}},
      {.children = {{3, "kernel"}}},
      {.children = {{4, "iter"}}, .slot_variables = {{3, "m", 5}}},
      {.attributes = {{"VARIABLE_VALUE", "dense/kernel",
                       "dense/kernel/.ATTRIBUTES/VARIABLE_VALUE"}}},
      {.attributes = {{"VARIABLE_VALUE", "SGD/iter", "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"}}},
      {.attributes = {{"VARIABLE_VALUE", "",
                       "dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/"
                       "VARIABLE_VALUE"}}}};
  return g;
}

TEST(ObjectGraphTest, BuildsFromKeysAndRoundTrips) {
  ObjectGraph expected = small_graph();
  // The slot's key is the first to name the optimizer.
  auto built = object_graph_from_variables({
      {"dense/kernel/.ATTRIBUTES/VARIABLE_VALUE", "dense/kernel"},
      {"dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE", ""},
      {"optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", "SGD/iter"},
  });
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  EXPECT_EQ(*built, expected);
  auto parsed = parse_object_graph(serialize_object_graph(expected));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, expected);
  EXPECT_EQ(
      checkpoint_keys(expected),
      (std::vector<std::string>{
          "dense/kernel/.ATTRIBUTES/VARIABLE_VALUE", "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE",
          "dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"}));
}

TEST(ObjectGraphTest, UnescapesLocalNames) {
  auto built = object_graph_from_variables({{"a..b/c.Sd/.ATTRIBUTES/VARIABLE_VALUE", ""}});
  ASSERT_TRUE(built.ok()) << built.status().to_string();
  EXPECT_EQ(built->nodes[0].children[0].local_name, "a.b");
  EXPECT_EQ(built->nodes[1].children[0].local_name, "c/d");
}

TEST(ObjectGraphTest, RejectsBadKeys) {
  const std::vector<std::vector<ObjectGraphVariable>> bad = {
      {{"dense/kernel", ""}},
      {{"/.ATTRIBUTES/VARIABLE_VALUE", ""}},
      {{"a//b/.ATTRIBUTES/VARIABLE_VALUE", ""}},
      {{"a.x/.ATTRIBUTES/VARIABLE_VALUE", ""}},
      {{"a/.ATTRIBUTES/VARIABLE_VALUE", ""}, {"a/.ATTRIBUTES/VARIABLE_VALUE", ""}},
      {{"a/.OPTIMIZER_SLOT/opt/m/.ATTRIBUTES/VARIABLE_VALUE", ""}},
      {{"a/.ATTRIBUTES/VARIABLE_VALUE", ""},
       {"a/.OPTIMIZER_SLOT/m/.ATTRIBUTES/VARIABLE_VALUE", ""}},
  };
  for (const auto& variables : bad) {
    auto built = object_graph_from_variables(variables);
    ASSERT_FALSE(built.ok()) << variables.back().checkpoint_key;
    EXPECT_EQ(built.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(ObjectGraphTest, BadBytesAreDataLoss) {
  for (std::string bytes : {std::string(), std::string("\xff\xff\xff"), std::string("\x0a\x05")}) {
    auto parsed = parse_object_graph(bytes);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss) << parsed.status().to_string();
  }
  ObjectGraph dangling = small_graph();
  dangling.nodes[2].slot_variables[0].slot_variable_node_id = 6;
  auto parsed = parse_object_graph(serialize_object_graph(dangling));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "object graph: node 2 slot variable references node 6 of 6");
}

TEST(ObjectGraphTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  google::protobuf::LogSilencer quiet;  // protobuf logs each broken UTF-8 string
  std::string valid = serialize_object_graph(small_graph());
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = valid;
    for (int flips = 1 + i % 4; flips > 0; --flips) bytes[rng() % bytes.size()] ^= 1 << rng() % 8;
    auto parsed = parse_object_graph(bytes);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kDataLoss);
    }
  }
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
          [(a.name, a.full_name, a.checkpoint_key) for a in n.attributes],
          [(s.original_variable_node_id, s.slot_name, s.slot_variable_node_id)
           for s in n.slot_variables])
)";

TEST(ObjectGraphInteropTest, PythonProtobufDecodesOurGraph) {
  if (auto why = testing::python_protos_unavailable(); !why.empty()) GTEST_SKIP() << why;
  testing::TempDir dir;
  FileSystem& fs = default_file_system();
  ASSERT_TRUE(
      fs.write_file_atomically(dir.path() + "/graph.pb", serialize_object_graph(small_graph()))
          .ok());
  ASSERT_TRUE(fs.write_file_atomically(dir.path() + "/dump.py", kPythonDump).ok());
  auto gen = testing::compile_python_protos(dir.path() + "/py");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto q = testing::shell_quote;
  auto run =
      testing::run_command("/usr/bin/python3 " + q(dir.path() + "/dump.py") + " " + q(dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "0 [(1, 'dense'), (2, 'optimizer')] [] []\n"
      "1 [(3, 'kernel')] [] []\n"
      "2 [(4, 'iter')] [] [(3, 'm', 5)]\n"
      "3 [] [('VARIABLE_VALUE', 'dense/kernel', "
      "'dense/kernel/.ATTRIBUTES/VARIABLE_VALUE')] []\n"
      "4 [] [('VARIABLE_VALUE', 'SGD/iter', 'optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE')] []\n"
      "5 [] [('VARIABLE_VALUE', '', "
      "'dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE')] []\n");
}

}  // namespace
}  // namespace cairn
