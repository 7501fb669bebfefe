// Saving a graph of trackables (object_graph_walk.h): objects numbered
// breadth-first from the root, each reached once however many paths lead to
// it, then the slot variables: per optimizer, grouped by slot name (in the
// optimizer's order), then by their variable's node id, as TF 2.x numbers them.
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "checkpoint/object_graph_walk.h"

namespace cairn::internal {
namespace {

class GraphBuilder {
 public:
  explicit GraphBuilder(Trackable& root) { add(borrow_trackable(root), ""); }

  ObjectGraphSave build() {
    for (size_t head = 0; head < nodes_.size(); ++head) expand(head);
    const size_t objects = nodes_.size();
    for (size_t i = 0; i < objects; ++i) add_slots(i);
    ObjectGraphSave out;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      for (const TrackableValue& v : nodes_[i].values) {
        if (v.tensor == nullptr) continue;
        const std::string key = attribute_key(nodes_[i].path, escape_object_name(v.name));
        graph_.nodes[i].attributes.push_back({v.name, v.full_name, key});
        out.tensors.emplace_back(key, v.tensor);
      }
      out.objects.push_back(nodes_[i].object);
    }
    const Tensor& bytes =
        out.owned.emplace_back(Tensor::from_strings({serialize_object_graph(graph_)}, {}));
    out.tensors.emplace_back(std::string(kObjectGraphKey), &bytes);
    return out;
  }

 private:
  struct Node {
    TrackablePtr object;
    std::string path;
    std::vector<TrackableValue> values;
    std::vector<TrackableSlot> slots;
  };

  int add(TrackablePtr object, std::string path) {
    const int id = static_cast<int>(nodes_.size());
    id_of_.emplace(object->identity(), id);
    nodes_.push_back({std::move(object), std::move(path), {}, {}});
    graph_.nodes.emplace_back();
    return id;
  }

  void expand(size_t i) {
    TrackablePtr object = nodes_[i].object;  // nodes_ grows below
    object->before_save();
    for (TrackableChild& c : object->children()) {
      if (!c.object) continue;
      auto found = id_of_.find(c.object->identity());
      const int id = found != id_of_.end()
                         ? found->second
                         : add(std::move(c.object), child_path(nodes_[i].path, c.name));
      graph_.nodes[i].children.push_back({id, c.name});
    }
    nodes_[i].values = object->values();
    nodes_[i].slots = object->slots();
  }

  // The slots of optimizer node `i` whose variable is in the graph, in TF's order.
  void add_slots(size_t i) {
    std::vector<std::string> names;
    std::vector<std::tuple<size_t, int, TrackableSlot*>> order;  // slot name, variable id
    for (TrackableSlot& s : nodes_[i].slots) {
      auto original = id_of_.find(s.original);
      if (!s.slot || original == id_of_.end()) continue;
      auto name = std::find(names.begin(), names.end(), s.slot_name);
      if (name == names.end()) name = names.insert(names.end(), s.slot_name);
      order.emplace_back(name - names.begin(), original->second, &s);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    });
    for (const auto& [name_index, original, slot] : order) {
      const std::string path =
          slot_path(nodes_[static_cast<size_t>(original)].path, nodes_[i].path, slot->slot_name);
      const int id = add(slot->slot, path);
      slot->slot->before_save();
      nodes_[static_cast<size_t>(id)].values = slot->slot->values();
      graph_.nodes[i].slot_variables.push_back({original, slot->slot_name, id});
    }
  }

  std::vector<Node> nodes_;
  std::unordered_map<const void*, int> id_of_;
  ObjectGraph graph_;
};

}  // namespace

std::string attribute_key(const std::string& path, const std::string& attribute) {
  return (path.empty() ? "" : path + "/") + ".ATTRIBUTES/" + attribute;
}

std::string child_path(const std::string& path, const std::string& name) {
  return (path.empty() ? "" : path + "/") + escape_object_name(name);
}

std::string slot_path(const std::string& variable_path, const std::string& optimizer_path,
                      const std::string& slot) {
  return variable_path + "/.OPTIMIZER_SLOT/" + optimizer_path + "/" + escape_object_name(slot);
}

ObjectGraphSave save_object_graph(Trackable& root) { return GraphBuilder(root).build(); }

}  // namespace cairn::internal
