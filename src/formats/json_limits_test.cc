// parse_untrusted_json: nesting past kMaxJsonDepth is refused (issue 19,
// finding 4: a 100000-deep document overflowed the stack), malformed text
// is INVALID_ARGUMENT naming its source, and neither throws.
#include "cairn/formats/json_limits.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

std::string nested_arrays(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST(JsonLimitsTest, DocumentsUpToTheDepthLimitParse) {
  Result<nlohmann::ordered_json> doc = parse_untrusted_json(nested_arrays(kMaxJsonDepth), "x");
  ASSERT_TRUE(doc.ok()) << doc.status().to_string();
  EXPECT_TRUE(doc->is_array());
  Result<nlohmann::json> object =
      parse_untrusted_json<nlohmann::json>(R"({"a": [1, {"b": 2}]})", "x");
  ASSERT_TRUE(object.ok()) << object.status().to_string();
  EXPECT_EQ((*object)["a"][1]["b"], 2);
}

TEST(JsonLimitsTest, OneLevelPastTheLimitIsRefused) {
  Result<nlohmann::ordered_json> doc = parse_untrusted_json(nested_arrays(kMaxJsonDepth + 1), "x");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
}

TEST(JsonLimitsTest, HundredThousandDeepModelConfigIsRefusedNamingTheFile) {
  std::string deep = R"({"class_name": "Sequential", "config": )";
  for (int i = 0; i < 100000; ++i) deep += R"({"a": )";
  deep += "1" + std::string(100000, '}') + "}";
  Result<nlohmann::ordered_json> doc = parse_untrusted_json(deep, "m.h5: model_config");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(),
            "m.h5: model_config nests arrays/objects deeper than 256 levels");
}

TEST(JsonLimitsTest, MalformedTextIsInvalidArgumentNamingTheSource) {
  for (const char* text : {"", "{", "[1,", "{\"a\" 1}", "nul", "[1] 2"}) {
    Result<nlohmann::ordered_json> doc = parse_untrusted_json(text, "spec.meta");
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(doc.status().message().rfind("spec.meta is not valid JSON", 0), 0u)
        << doc.status().message();
  }
}

TEST(JsonLimitsTest, AMalformedDocumentPastTheLimitReportsTheDepth) {
  Result<nlohmann::ordered_json> doc = parse_untrusted_json(std::string(1000, '['), "x");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("deeper than"), std::string::npos);
}

}  // namespace
}  // namespace cairn
