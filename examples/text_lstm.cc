// An LSTM in a functional model with two inputs, on a task the example makes
// up itself: each sample is a "sentence" of 8 to 20 word ids (from a
// vocabulary of 12, zero-padded at the end to 20) and a number k in
// {0, 1, 2, 3}; the label is 1 when the word "alarm" (id 1) occurs more than
// k times. The words go through Embedding (mask_zero: the padding is
// skipped) and an LSTM, k joins the LSTM's state in a Concatenate, and a
// Dense head answers. Neither input alone decides the label.
//
//   text_lstm [--dir models/text_lstm] [--epochs 8] [--samples 4000]
//
// Prints the summary, one line per epoch, the accuracy on 1000 fresh samples
// (and what always answering the commoner label scores), then saves the
// weights to DIR/weights, loads them into a second model built with another
// seed and checks that it predicts the same, bit for bit.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/keras.h"

namespace keras = cairn::keras;
using cairn::Tensor;

namespace {

constexpr int64_t kMaxWords = 20;
constexpr int64_t kVocabulary = 12;  // ids 1..11; 0 pads
constexpr float kAlarm = 1.0f;

struct Args {
  std::string dir = "models/text_lstm";
  int epochs = 8;
  int64_t samples = 4000;
};

constexpr const char* kTextLstmUsage = "usage: text_lstm [--dir DIR] [--epochs N] [--samples K]\n";

// Nothing for an unknown flag or a bad number.
std::optional<Args> parse(int argc, char** argv) try {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--dir")) {
      a.dir = argv[i + 1];
    } else if (!std::strcmp(argv[i], "--epochs")) {
      a.epochs = std::stoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--samples")) {
      a.samples = std::stoll(argv[i + 1]);
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || a.epochs < 1 || a.samples < 1) return std::nullopt;
  return a;
} catch (const std::logic_error&) {  // std::stoi's invalid_argument, out_of_range
  return std::nullopt;
}

struct Sentences {
  Tensor words;      // float32 [n, 20]: word ids, 0 after the sentence's end
  Tensor threshold;  // float32 [n, 1]: k
  Tensor label;      // float32 [n, 1]: 1 when "alarm" occurs more than k times
};

Sentences make_sentences(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> length(8, kMaxWords), other_word(2, kVocabulary - 1),
      k(0, 3);
  std::bernoulli_distribution alarm(0.15);
  Sentences s{Tensor(cairn::DType::kFloat32, {n, kMaxWords}),
              Tensor(cairn::DType::kFloat32, {n, 1}), Tensor(cairn::DType::kFloat32, {n, 1})};
  std::span<float> words = s.words.flat<float>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = length(rng);
    int alarms = 0;
    for (int64_t t = 0; t < kMaxWords; ++t) {
      float word = 0.0f;
      if (t < len) word = alarm(rng) ? kAlarm : static_cast<float>(other_word(rng));
      alarms += word == kAlarm;
      words[static_cast<size_t>(i * kMaxWords + t)] = word;
    }
    const int64_t threshold = k(rng);
    s.threshold.flat<float>()[static_cast<size_t>(i)] = static_cast<float>(threshold);
    s.label.flat<float>()[static_cast<size_t>(i)] = alarms > threshold ? 1.0f : 0.0f;
  }
  return s;
}

keras::Model create_model(uint64_t seed) {
  keras::set_random_seed(seed);
  keras::KerasTensor words = keras::Input({kMaxWords}, "words");
  keras::KerasTensor threshold = keras::Input({1}, "threshold");
  keras::KerasTensor embedded =
      keras::Embedding(kVocabulary, 8, {.mask_zero = true, .name = "embedding"})(words);
  keras::KerasTensor state = keras::LSTM(16, {.name = "lstm"})(embedded);
  keras::KerasTensor both = keras::Concatenate({.name = "state_and_k"})({state, threshold});
  keras::KerasTensor hidden = keras::Dense(16, {.activation = "relu", .name = "hidden"})(both);
  keras::KerasTensor more =
      keras::Dense(1, {.activation = "sigmoid", .name = "more_than_k"})(hidden);
  keras::Model model({words, threshold}, {more}, "alarm_counter");
  model.compile({.optimizer = keras::Adam{.learning_rate = 0.01},
                 .loss = {"binary_crossentropy"},
                 .metrics = {"accuracy"}});
  return model;
}

// The accuracy of always answering the commoner label.
double majority_accuracy(const Tensor& label) {
  double ones = 0;
  for (float v : label.flat<float>()) ones += v;
  const double n = static_cast<double>(label.num_elements());
  return std::max(ones, n - ones) / n;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Args> parsed = parse(argc, argv);
  if (!parsed) {
    std::cerr << kTextLstmUsage;
    return 2;
  }
  const Args& args = *parsed;
  try {
    const Sentences train = make_sentences(args.samples, 1);
    const Sentences test = make_sentences(1000, 2);
    keras::Model model = create_model(42);
    model.summary();
    model.fit({train.words, train.threshold}, {train.label},
              {.epochs = args.epochs, .batch_size = 32, .verbose = 2});
    const double accuracy =
        model.evaluate({test.words, test.threshold}, {test.label}, {.verbose = 0}).get("accuracy");
    std::printf("Test accuracy: %.4f (always the commoner label: %.4f)\n", accuracy,
                majority_accuracy(test.label));

    const std::string prefix = args.dir + "/weights";
    model.save_weights(prefix);
    keras::Model reloaded = create_model(7);  // other initial weights
    reloaded.load_weights(prefix);
    const Tensor expected = model.predict({test.words, test.threshold})[0];
    const Tensor got = reloaded.predict({{"words", test.words}, {"threshold", test.threshold}})[0];
    if (!(expected == got)) {
      std::cerr << "text_lstm: the model reloaded from " << prefix << " predicts differently\n";
      return 1;
    }
    std::printf("Reloaded %s: same predictions on %lld samples\n", prefix.c_str(),
                static_cast<long long>(expected.shape().dim(0)));
  } catch (const cairn::Error& e) {
    std::cerr << "text_lstm: " << e.code_name() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
