// Matching a saved object graph against the objects to restore
// (object_graph_walk.h), as TF 2.x's restore does: from the two roots, a
// saved child is matched to the object's child of the same name; a saved
// value to the object's value of the same attribute name; a saved slot
// variable to the optimizer's slot of the same name for the variable its
// original node was matched to. What either side has alone is reported.
#include <deque>
#include <queue>
#include <set>
#include <unordered_map>

#include "checkpoint/object_graph_walk.h"

namespace cairn::internal {
namespace {

class Matcher {
 public:
  Matcher(const ObjectGraph& saved, Trackable& root)
      : saved_(saved), ours_of_node_(saved.nodes.size(), -1) {
    queue_.push({0, add(borrow_trackable(root), "")});
  }

  ObjectGraphMatch run() {
    do {
      drain();
    } while (match_slots());
    walk_ours();
    for (size_t n = 0; n < saved_.nodes.size(); ++n) {
      for (const ObjectGraph::Attribute& a : saved_.nodes[n].attributes) {
        if (!taken_.contains(a.checkpoint_key)) out_.unmatched.push_back(a.checkpoint_key);
      }
    }
    return std::move(out_);
  }

 private:
  struct Ours {
    TrackablePtr object;
    std::string path;
    bool expanded = false;
    bool matched = false;
    std::vector<TrackableChild> children;
    std::vector<TrackableValue> values;
    std::vector<TrackableSlot> slots;
    std::set<std::string> restored;  // attribute names
  };

  // Our object `object` (once per identity): its index.
  int add(TrackablePtr object, std::string path) {
    auto [it, added] = index_of_.emplace(object->identity(), static_cast<int>(ours_.size()));
    if (added) ours_.push_back({std::move(object), std::move(path)});
    return it->second;
  }

  void expand(Ours& o, const SavedObject* saved) {
    if (o.expanded) return;
    o.expanded = true;
    o.children = saved ? o.object->children_to_restore(*saved) : o.object->children();
    o.values = o.object->values();
    o.slots = o.object->slots();
  }

  void drain() {
    for (; !queue_.empty(); queue_.pop()) {
      const auto [node, index] = queue_.front();
      if (ours_of_node_[static_cast<size_t>(node)] >= 0 || ours_[index].matched) continue;
      ours_of_node_[static_cast<size_t>(node)] = index;
      match_node(node, index);
    }
  }

  void match_node(int node, int index) {
    const ObjectGraph::Node& saved = saved_.nodes[static_cast<size_t>(node)];
    const SavedObject view{saved_, node};
    expand(ours_[index], &view);
    ours_[index].matched = true;
    out_.matched.push_back(ours_[index].object);
    for (const ObjectGraph::Attribute& a : saved.attributes) take(index, a);
    for (const ObjectGraph::Child& c : saved.children) {
      for (const TrackableChild& mine : ours_[index].children) {
        if (mine.name != c.local_name || !mine.object) continue;
        queue_.push({c.node_id, add(mine.object, child_path(ours_[index].path, mine.name))});
        break;
      }
    }
  }

  void take(int index, const ObjectGraph::Attribute& a) {
    Ours& o = ours_[index];
    for (const TrackableValue& v : o.values) {
      if (v.name != a.name || v.tensor == nullptr || a.checkpoint_key.empty()) continue;
      const std::string name = attribute_key(o.path, escape_object_name(v.name));
      out_.targets.push_back({name, {a.checkpoint_key}, v.tensor});
      o.restored.insert(v.name);
      taken_.insert(a.checkpoint_key);
      return;
    }
  }

  // Queues the slot nodes of matched optimizers whose variable is matched;
  // true when any was queued.
  bool match_slots() {
    bool queued = false;
    for (size_t n = 0; n < saved_.nodes.size(); ++n) {
      const int optimizer = ours_of_node_[n];
      if (optimizer < 0) continue;
      for (const ObjectGraph::SlotVariable& s : saved_.nodes[n].slot_variables) {
        const int original = ours_of_node_[static_cast<size_t>(s.original_variable_node_id)];
        if (original < 0 || ours_of_node_[static_cast<size_t>(s.slot_variable_node_id)] >= 0) {
          continue;
        }
        const int slot = our_slot(optimizer, original, s.slot_name);
        if (slot < 0 || ours_[slot].matched) continue;
        queue_.push({s.slot_variable_node_id, slot});
        queued = true;
      }
    }
    return queued;
  }

  int our_slot(int optimizer, int original, const std::string& slot_name) {
    const void* variable = ours_[original].object->identity();
    for (const TrackableSlot& mine : ours_[optimizer].slots) {
      if (mine.original != variable || mine.slot_name != slot_name || !mine.slot) continue;
      return add(mine.slot, slot_path(ours_[original].path, ours_[optimizer].path, mine.slot_name));
    }
    return -1;
  }

  // Every object under the root, matched or not: the values nothing restored.
  void walk_ours() {
    for (size_t i = 0; i < ours_.size(); ++i) {
      expand(ours_[i], nullptr);
      for (const TrackableChild& c : ours_[i].children) {
        if (c.object) add(c.object, child_path(ours_[i].path, c.name));
      }
    }
    const size_t objects = ours_.size();
    for (size_t i = 0; i < objects; ++i) {
      for (const TrackableSlot& s : ours_[i].slots) {
        auto original = index_of_.find(s.original);
        if (!s.slot || original == index_of_.end()) continue;
        add(s.slot, slot_path(ours_[original->second].path, ours_[i].path, s.slot_name));
      }
    }
    for (Ours& o : ours_) {
      expand(o, nullptr);
      for (const TrackableValue& v : o.values) {
        if (v.tensor == nullptr || o.restored.contains(v.name)) continue;
        out_.missing.push_back({attribute_key(o.path, escape_object_name(v.name)),
                                v.tensor->dtype(), v.tensor->shape()});
      }
    }
  }

  const ObjectGraph& saved_;
  std::deque<Ours> ours_;  // a deque: references stay valid as it grows
  std::unordered_map<const void*, int> index_of_;
  std::vector<int> ours_of_node_;          // saved node -> our index, -1 before it is matched
  std::queue<std::pair<int, int>> queue_;  // (saved node, our index) to match
  std::set<std::string> taken_;            // checkpoint keys some object took
  ObjectGraphMatch out_;
};

}  // namespace

ObjectGraphMatch match_object_graph(const ObjectGraph& saved, Trackable& root) {
  return Matcher(saved, root).run();
}

}  // namespace cairn::internal
