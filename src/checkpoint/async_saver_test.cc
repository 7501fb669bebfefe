// AsyncSaver: what a background save writes is the state at the moment
// save() was called, one save runs at a time, failures surface at the next
// call, and nothing is left running when the saver goes away.
#include "cairn/checkpoint/async_saver.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "cairn/checkpoint/checkpoint_reader.h"
#include "cairn/core/errors.h"
#include "testing/test_util.h"

namespace cairn {
namespace {

using namespace std::chrono_literals;

Tensor filled(float value, int64_t n = 1000) {
  Tensor t(DType::kFloat32, {n});
  for (float& v : t.flat<float>()) v = value;
  return t;
}

TEST(AsyncSaverTest, WritesTheStateAsItWasWhenSaveWasCalled) {
  testing::TempDir dir;
  Tensor weights = filled(1.0f);
  std::promise<void> modified;
  std::shared_future<void> go = modified.get_future().share();
  const std::string prefix = dir.path() + "/model.ckpt-1";
  AsyncSaver saver;
  saver.save({{"w", &weights}}, [&](const NamedTensors& copy) {
    go.wait();  // training has changed the weights by now
    save_variables(prefix, copy);
  });
  for (float& v : weights.flat<float>()) v = 2.0f;  // the next training step
  modified.set_value();
  saver.wait();
  EXPECT_EQ(load_variable(prefix, "w"), filled(1.0f));
}

TEST(AsyncSaverTest, EverySaveWritesItsOwnValuesWhileTheCopyIsReused) {
  Tensor w = filled(1.0f);
  Tensor b = filled(5.0f, 3);
  std::vector<NamedTensors> written;
  std::vector<const std::byte*> where;
  AsyncSaver saver;
  const auto keep = [&](const NamedTensors& copy) {
    written.push_back(copy);
    where.push_back(copy[0].second.data());
  };
  saver.save({{"b", &b}, {"w", &w}}, keep);
  for (float& v : w.flat<float>()) v = 2.0f;
  saver.save({{"b", &b}, {"w", &w}}, keep);  // same layout: the copy is rewritten in place
  Tensor wider = filled(3.0f, 2000);
  saver.save({{"b", &b}, {"w", &wider}}, keep);  // a shape changed: a fresh copy
  saver.wait();
  ASSERT_EQ(written.size(), 3u);
  EXPECT_EQ(written[0][1].second, filled(1.0f));
  EXPECT_EQ(written[1][1].second, filled(2.0f));
  EXPECT_EQ(written[2][1].second, filled(3.0f, 2000));
  for (const NamedTensors& copy : written) EXPECT_EQ(copy[0].second, filled(5.0f, 3));
  EXPECT_EQ(where[0], where[1]);
}

// prepare() builds the copy ahead (the first save then only copies into
// memory the saver holds); the values saved are still those of save() time.
TEST(AsyncSaverTest, PrepareMakesTheCopyBeforeTheFirstSave) {
  Tensor w = filled(1.0f);
  Tensor step = Tensor::scalar<int64_t>(7);
  const NamedTensorRefs model = {{"global_step", &step}, {"w", &w}};
  AsyncSaver saver;
  EXPECT_FALSE(saver.ready_for(model));
  saver.prepare(model);
  EXPECT_TRUE(saver.ready_for(model));
  Tensor wider = filled(1.0f, 2000);
  EXPECT_FALSE(saver.ready_for({{"global_step", &step}, {"w", &wider}}));
  EXPECT_FALSE(saver.ready_for({{"global_step", &step}, {"w", &w}, {"b", &w}}));
  std::vector<NamedTensors> written;
  saver.save(model, [&](const NamedTensors& copy) { written.push_back(copy); });
  saver.wait();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0][0].second, step);
  EXPECT_EQ(written[0][1].second, filled(1.0f));
  EXPECT_TRUE(saver.ready_for(model));
}

// A variable added between saves (an optimizer's slots, made at the first
// step) gets a buffer of its own; the others keep theirs.
TEST(AsyncSaverTest, AVariableAddedLaterIsCopiedAndTheOthersKeepTheirBuffers) {
  Tensor w = filled(1.0f);
  Tensor slot = filled(9.0f, 10);
  std::vector<NamedTensors> written;
  std::vector<const std::byte*> where;
  const auto keep = [&](const NamedTensors& copy) {
    written.push_back(copy);
    where.push_back(copy.back().second.data());
  };
  AsyncSaver saver;
  saver.prepare({{"w", &w}});
  saver.save({{"slot", &slot}, {"w", &w}}, keep);
  for (float& v : w.flat<float>()) v = 2.0f;
  saver.save({{"slot", &slot}, {"w", &w}}, keep);
  saver.wait();
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0][0].second, filled(9.0f, 10));
  EXPECT_EQ(written[0][1].second, filled(1.0f));
  EXPECT_EQ(written[1][1].second, filled(2.0f));
  EXPECT_EQ(where[0], where[1]);
}

TEST(AsyncSaverTest, AtMostOneSaveInFlight) {
  Tensor t = filled(0.0f, 4);
  std::atomic<int> running{0}, most{0}, done{0};
  AsyncSaver saver;
  for (int i = 0; i < 4; ++i) {
    saver.save({{"t", &t}}, [&](const NamedTensors&) {
      most = std::max(most.load(), ++running);
      std::this_thread::sleep_for(20ms);
      --running;
      ++done;
    });
  }
  saver.wait();
  EXPECT_EQ(done, 4);
  EXPECT_EQ(most, 1);
  const auto timings = saver.timings();
  ASSERT_EQ(timings.size(), 4u);
  for (const SaveTiming& s : timings) EXPECT_LE(s.blocking_seconds, s.total_seconds);
}

TEST(AsyncSaverTest, AFailedSaveIsThrownByTheNextCallAndThenForgotten) {
  Tensor t = filled(0.0f, 4);
  AsyncSaver saver;
  saver.save({{"t", &t}}, [](const NamedTensors&) {
    throw ResourceExhaustedError("write /models/x/model.ckpt-9.data-00000-of-00001: disk full");
  });
  bool second_ran = false;
  try {
    saver.save({{"t", &t}}, [&](const NamedTensors&) { second_ran = true; });
    FAIL() << "the failed save was not reported";
  } catch (const ResourceExhaustedError& e) {
    EXPECT_NE(std::string(e.what()).find("model.ckpt-9"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(second_ran);  // a save after a failure is not started behind the caller's back
  saver.save({{"t", &t}}, [&](const NamedTensors&) { second_ran = true; });
  saver.wait();
  EXPECT_TRUE(second_ran);
}

TEST(AsyncSaverTest, WaitRethrowsAndTheDestructorWaits) {
  Tensor t = filled(0.0f, 4);
  {
    AsyncSaver saver;
    saver.save({{"t", &t}}, [](const NamedTensors&) { throw DataLossError("fsync failed"); });
    EXPECT_THROW(saver.wait(), DataLossError);
    EXPECT_NO_THROW(saver.wait());
  }
  std::atomic<bool> finished{false};
  {
    AsyncSaver saver;
    saver.save({{"t", &t}}, [&](const NamedTensors&) {
      std::this_thread::sleep_for(30ms);
      finished = true;
    });
  }
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace cairn
