#include "keras/callbacks/str_format.h"

#include <gtest/gtest.h>

#include "cairn/core/errors.h"

namespace cairn::keras::internal {
namespace {

// Expected strings are what CPython 3 prints for the same format and values.
TEST(PythonFormatTest, KerasCheckpointTemplates) {
  EXPECT_EQ(python_format("training_2/cp-{epoch:04d}.ckpt", {{"epoch", 5}}),
            "training_2/cp-0005.ckpt");
  EXPECT_EQ(
      python_format("weights.{epoch:02d}-{val_loss:.2f}.h5", {{"epoch", 3}, {"val_loss", 0.4567}}),
      "weights.03-0.46.h5");
  EXPECT_EQ(python_format("model-{epoch}.h5", {{"epoch", 12}}), "model-12.h5");
  EXPECT_EQ(python_format("{loss}", {{"loss", 0.25}}), "0.25");
  EXPECT_EQ(python_format("{{epoch}}-{epoch:d}", {{"epoch", 1}}), "{epoch}-1");
}

TEST(PythonFormatTest, SpecMiniLanguage) {
  EXPECT_EQ(python_format("{x:8.3f}", {{"x", 3.14159}}), "   3.142");
  EXPECT_EQ(python_format("{x:<6d}|", {{"x", 42}}), "42    |");
  EXPECT_EQ(python_format("{x:^7d}", {{"x", 42}}), "  42   ");
  EXPECT_EQ(python_format("{x:*>5}", {{"x", 7}}), "****7");
  EXPECT_EQ(python_format("{x:+d}", {{"x", 7}}), "+7");
  EXPECT_EQ(python_format("{x:05d}", {{"x", -7}}), "-0007");
  EXPECT_EQ(python_format("{x:,d}", {{"x", 1234567}}), "1,234,567");
  EXPECT_EQ(python_format("{x:.2e}", {{"x", 12345.678}}), "1.23e+04");
  EXPECT_EQ(python_format("{x:.1%}", {{"x", 0.256}}), "25.6%");
  EXPECT_EQ(python_format("{x:.3g}", {{"x", 0.0001234}}), "0.000123");
}

TEST(PythonFormatTest, ErrorsNameTheProblem) {
  try {
    python_format("w-{val_loss:.2f}.h5", {{"epoch", 1}, {"loss", 0.5}});
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("val_loss"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("epoch, loss"), std::string::npos);
  }
  EXPECT_THROW(python_format("{epoch", {{"epoch", 1}}), InvalidArgumentError);
  EXPECT_THROW(python_format("epoch}", {{"epoch", 1}}), InvalidArgumentError);
  EXPECT_THROW(python_format("{epoch:q}", {{"epoch", 1}}), InvalidArgumentError);
  EXPECT_THROW(python_format("{x:d}", {{"x", 0.5}}), InvalidArgumentError);
}

}  // namespace
}  // namespace cairn::keras::internal
