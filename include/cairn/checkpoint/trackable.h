// Trackable: an object an object-based checkpoint (checkpoint.h, as
// tf.train.Checkpoint) saves and restores by its place in an object graph:
// it names its children, the tensors it saves itself, and (an optimizer) its
// slot variables. Variables are trackables too, each saving one tensor.
//
//   class Counter : public cairn::Trackable {
//    public:
//     std::vector<cairn::TrackableValue> values() override {
//       return {{.full_name = "counter", .tensor = &count_}};
//     }
//    private:
//     cairn::Tensor count_ = cairn::Tensor::scalar<int64_t>(0);
//   };
//
// Any C++ object becomes a trackable through a free function
// `make_trackable(T&)` returning a TrackablePtr, found by argument-dependent
// lookup; keras/trackable.h gives one for Keras models and layers, so
// `cairn::Checkpoint ckpt({{"net", model}, {"step", step}})` takes them as
// they are. A trackable borrows what it describes: the objects and tensors
// must outlive every save and restore through it.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "cairn/core/tensor.h"
#include "cairn/formats/bundle/object_graph.h"

namespace cairn {

class Trackable;
using TrackablePtr = std::shared_ptr<Trackable>;

// A tracked dependency, under the name its parent gives it ("kernel", "layer-0").
struct TrackableChild {
  std::string name;
  TrackablePtr object;
};

// A tensor an object saves itself: attribute `name` of the object (TF's
// "VARIABLE_VALUE" for a variable), `full_name` its graph name ("dense/kernel").
struct TrackableValue {
  std::string name = "VARIABLE_VALUE";
  std::string full_name;
  Tensor* tensor = nullptr;  // read by a save, written in place by a restore
};

// Slot `slot_name` of the variable whose identity() is `original` is `slot`
// (an optimizer's "m" of a kernel).
struct TrackableSlot {
  const void* original = nullptr;
  std::string slot_name;
  TrackablePtr slot;
};

// What a checkpoint holds under the object being restored: its node in the
// saved graph (to tell a layout apart by its children's names and aliases).
struct SavedObject {
  const ObjectGraph& graph;
  int node_id = 0;
  // The saved child `name`'s node id, or -1.
  int child(const std::string& name) const;
};

class Trackable {
 public:
  virtual ~Trackable() = default;
  // What makes two trackables one node of the graph (an object reached by two
  // paths is saved once). Default: this object.
  virtual const void* identity() const { return this; }
  // Dependencies, in the order they were tracked.
  virtual std::vector<TrackableChild> children() { return {}; }
  // The children matched against the checkpoint's node `saved` when
  // restoring (a layout written by another version); default children().
  virtual std::vector<TrackableChild> children_to_restore(const SavedObject& /*saved*/) {
    return children();
  }
  virtual std::vector<TrackableValue> values() { return {}; }
  virtual std::vector<TrackableSlot> slots() { return {}; }
  // Before values() are read for a save (an optimizer copies its step count
  // into the tensor it saves), and after a restore wrote into them.
  virtual void before_save() {}
  virtual void after_restore() {}
};

// A variable: the tensor `tensor`, saved as VARIABLE_VALUE and identified by
// its address (so an optimizer's slot can name it).
TrackablePtr track_variable(Tensor& tensor, std::string full_name = "");

// A trackable borrowed, not owned (it must outlive the pointer's use).
TrackablePtr borrow_trackable(Trackable& object);

// Anything a Checkpoint accepts as a child: a trackable, a tensor (a
// variable), or an object with a make_trackable(T&) overload.
class TrackableRef {
 public:
  TrackableRef(TrackablePtr object) : object_(std::move(object)) {}       // NOLINT
  TrackableRef(Trackable& object) : object_(borrow_trackable(object)) {}  // NOLINT
  TrackableRef(Tensor& tensor) : object_(track_variable(tensor)) {}       // NOLINT
  // A temporary trackable (a nested Checkpoint built in place) is moved in and owned.
  template <std::derived_from<Trackable> T>
  requires(!std::is_lvalue_reference_v<T>) TrackableRef(T&& object)
      : object_(std::make_shared<T>(std::move(object))) {}  // NOLINT
  template <class T>
  requires requires(T& t) {
    { make_trackable(t) } -> std::convertible_to<TrackablePtr>;
  }
  TrackableRef(T& object) : object_(make_trackable(object)) {}  // NOLINT

  const TrackablePtr& get() const { return object_; }

 private:
  TrackablePtr object_;
};

}  // namespace cairn
