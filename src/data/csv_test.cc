#include "cairn/data/csv.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cairn/core/errors.h"
#include "cairn/io/memory_file_system.h"

namespace cairn::data {
namespace {

// A file in the repository's data/ folder.
std::string data_path(const std::string& name) {
  return join_path(CAIRN_SOURCE_DIR, "data/" + name);
}

const CsvOptions kIrisOptions = {
    .column_names = {"SepalLength", "SepalWidth", "PetalLength", "PetalWidth", "Species"},
    .label_column = "Species"};

// The INVALID_ARGUMENT message of parsing `text` as "x.csv".
std::string parse_error(std::string_view text, const CsvOptions& options = {}) {
  Result<CsvData> data = parse_csv(text, options, "x.csv");
  if (data.ok()) return "parsed";
  EXPECT_EQ(data.status().code(), StatusCode::kInvalidArgument) << data.status().to_string();
  return data.status().message();
}

CsvData parse_ok(std::string_view text, const CsvOptions& options = {}) {
  Result<CsvData> data = parse_csv(text, options, "x.csv");
  EXPECT_TRUE(data.ok()) << data.status().to_string();
  return data.ok() ? std::move(data).value() : CsvData{};
}

TEST(CsvTest, IrisTrainingFileParses) {
  CsvData iris = read_csv(data_path("iris_training.csv"), kIrisOptions);
  EXPECT_EQ(iris.rows, 120);
  EXPECT_EQ(iris.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(iris.feature_names,
            (std::vector<std::string>{"SepalLength", "SepalWidth", "PetalLength", "PetalWidth"}));
  ASSERT_EQ(iris.features.size(), 4u);
  EXPECT_EQ(iris.features.at("PetalLength").rows(), 120);
  EXPECT_EQ(iris.features.at("PetalLength").cols(), 1);
  EXPECT_FLOAT_EQ(iris.features.at("SepalLength")(0, 0), 6.4f);  // 6.4,2.8,5.6,2.2,2
  EXPECT_FLOAT_EQ(iris.features.at("SepalWidth")(0, 0), 2.8f);
  EXPECT_FLOAT_EQ(iris.features.at("PetalLength")(0, 0), 5.6f);
  EXPECT_FLOAT_EQ(iris.features.at("PetalWidth")(0, 0), 2.2f);
  ASSERT_EQ(iris.labels.rows(), 120);
  ASSERT_EQ(iris.labels.cols(), 1);
  EXPECT_EQ(iris.labels(0, 0), 2);
  EXPECT_EQ(iris.labels(1, 0), 1);
  std::set<float> ids(iris.labels.data(), iris.labels.data() + iris.labels.size());
  EXPECT_EQ(ids, (std::set<float>{0, 1, 2}));
}

TEST(CsvTest, IrisTestFileParses) {
  CsvData iris = read_csv(data_path("iris_test.csv"), kIrisOptions);
  EXPECT_EQ(iris.rows, 30);
  EXPECT_EQ(iris.class_names.size(), 3u);
  EXPECT_FLOAT_EQ(iris.features.at("SepalLength")(0, 0), 5.9f);  // 5.9,3.0,4.2,1.5,1
  EXPECT_EQ(iris.labels(0, 0), 1);
}

TEST(CsvTest, IrisHeaderGivesFeatureCountForExtraLabelColumn) {
  CsvData iris = read_csv(data_path("iris_training.csv"), {.label_is_last_extra_column = true});
  EXPECT_EQ(iris.feature_names, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(iris.labels.cols(), 1);
  EXPECT_EQ(iris.labels(0, 0), 2);
}

TEST(CsvTest, IrisHeaderRowCountMustMatch) {
  EXPECT_EQ(parse_error("3,2,a,b\n1,2,0\n3,4,1\n"),
            "x.csv:1: the header announces 3 rows but the file has 2");
}

TEST(CsvTest, IrisHeaderLabelsMustBeClassIds) {
  EXPECT_EQ(parse_error("1,2,a,b\n1,2,2\n", {.label_column = "2"}),
            "x.csv:2: column 3: label '2' is not a class id 0..1");
}

TEST(CsvTest, WithoutOptionsColumnsAreNumberedAndUnlabeled) {
  CsvData data = parse_ok("1,2,3\n4,5,6\n");
  EXPECT_EQ(data.rows, 2);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(data.labels.rows(), 2);
  EXPECT_EQ(data.labels.cols(), 0);
  EXPECT_EQ(data.features.at("2")(1, 0), 6);
  EXPECT_TRUE(data.class_names.empty());
}

TEST(CsvTest, HeaderOfColumnNames) {
  CsvData data = parse_ok("a,b,label\n1,2,0\n3,4,1\n", {.label_column = "label"});
  EXPECT_EQ(data.rows, 2);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.features.at("b")(1, 0), 4);
  EXPECT_EQ(data.labels(1, 0), 1);
  // Names from the options win over the header's.
  CsvData renamed = parse_ok("a,b\n1,2\n", {.column_names = {"x", "y"}});
  EXPECT_EQ(renamed.feature_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(renamed.rows, 1);
}

TEST(CsvTest, LabelColumnMustExist) {
  EXPECT_EQ(parse_error("a,b\n1,2\n", {.label_column = "c"}),
            "x.csv: label column 'c' is not one of the columns (a, b)");
  EXPECT_EQ(parse_error("a,a\n1,2\n"), "x.csv: column name 'a' appears twice");
}

TEST(CsvTest, MalformedNumberNamesLineAndColumn) {
  EXPECT_EQ(parse_error("1,2,3\n4,5,6\n7,abc,9\n"), "x.csv:3: column 2: 'abc' is not a number");
  EXPECT_EQ(parse_error("a,b\n1,2\n\n3,\n"), "x.csv:4: column 2 (b): '' is not a number");
  EXPECT_EQ(parse_error("1,2\n1.5.2,3\n"), "x.csv:2: column 1: '1.5.2' is not a number");
  EXPECT_EQ(parse_error("1,2\n1e99,3\n"), "x.csv:2: column 1: '1e99' is not a number");
}

TEST(CsvTest, RowsOfTheWrongWidth) {
  EXPECT_EQ(parse_error("1,2\n3,4,5\n"), "x.csv:2: expected 2 columns, found 3");
  EXPECT_EQ(parse_error("a,b,c\n1,2\n"), "x.csv:1: the header names 3 columns but line 2 has 2");
  EXPECT_EQ(parse_error("a,b\n1,2\n3,4,5\n"), "x.csv:3: expected 2 columns, found 3");
}

// Issue 19, finding 19: a first row that is neither column names nor
// TensorFlow's header used to be skipped as a header, and training ran 0 steps.
const char* kHeaderHint =
    " (a header line holds only column names, or is TensorFlow's 'count,features,class names...')";

TEST(CsvTest, FirstRowWithAnEmptyFieldIsADataErrorNotAHeader) {
  EXPECT_EQ(parse_error("1,,3,4,0\n5,6,7,8,1\n"),
            std::string("x.csv:1: column 2: '' is not a number") + kHeaderHint);
}

TEST(CsvTest, FirstRowWithAnOutOfRangeNumberIsADataErrorNotAHeader) {
  EXPECT_EQ(parse_error("1e39,2,3,4,0\n5,6,7,8,1\n"),
            std::string("x.csv:1: column 1: '1e39' is not a number") + kHeaderHint);
}

TEST(CsvTest, FirstRowWithHexIsADataErrorNotAHeader) {
  EXPECT_EQ(parse_error("0x10,2,3,4,0\n5,6,7,8,1\n"),
            std::string("x.csv:1: column 1: '0x10' is not a number") + kHeaderHint);
  EXPECT_EQ(parse_error("a,1,b\n5,6,7\n"),
            std::string("x.csv:1: column 1: 'a' is not a number") + kHeaderHint);
  EXPECT_EQ(parse_error("nan,inf\n5,x\n"), "x.csv:2: column 2: 'x' is not a number");
}

TEST(CsvTest, IrisHeaderOfTheWrongWidthIsRefused) {
  EXPECT_EQ(parse_error("2,4,a,b\n1,2,0\n3,4,1\n"),
            "x.csv:1: the header announces 4 features but line 2 has 3 columns");
  EXPECT_EQ(parse_ok("2,2,a,b\n1,2,0\n3,4,1\n").rows, 2);
}

TEST(CsvTest, HeaderWithoutDataRowsIsRecorded) {
  CsvData iris = parse_ok("0,4,setosa,versicolor,virginica\n");
  EXPECT_EQ(iris.rows, 0);
  EXPECT_EQ(iris.header_line, 1);
  CsvData names = parse_ok("\n\na,b\n");
  EXPECT_EQ(names.header_line, 3);
  EXPECT_EQ(parse_ok("1,2\n").header_line, 0);
}

TEST(CsvTest, HundredThousandColumnsParseAndDuplicatesAreStillReported) {
  std::string header, row;
  for (int c = 0; c < 100000; ++c) {
    header += (c ? ",c" : "c") + std::to_string(c);
    row += c ? ",1" : "1";
  }
  CsvData wide = parse_ok(header + "\n" + row + "\n");
  EXPECT_EQ(wide.feature_names.size(), 100000u);
  EXPECT_EQ(parse_error(header + ",c5\n" + row + ",1\n"), "x.csv: column name 'c5' appears twice");
}

TEST(CsvTest, CrLfBlankLinesAndWhitespace) {
  CsvData data = parse_ok("\xEF\xBB\xBF a , b \r\n\r\n1,2 \r\n  \n3\t,+4e1\t\r\n\n");
  EXPECT_EQ(data.rows, 2);
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(data.features.at("a")(1, 0), 3);
  EXPECT_EQ(data.features.at("b")(1, 0), 40);
  EXPECT_EQ(parse_error("1,2\r\n\r\n3,x\r\n"), "x.csv:3: column 2: 'x' is not a number");
}

TEST(CsvTest, EmptyText) {
  CsvData data = parse_ok("", {.column_names = {"a"}});
  EXPECT_EQ(data.rows, 0);
  EXPECT_EQ(data.features.at("a").rows(), 0);
  EXPECT_EQ(data.labels.rows(), 0);
}

TEST(CsvTest, LabelIsLastExtraColumnWithLabels) {
  CsvData data =
      parse_ok("1,2,0\n3,4,1\n", {.label_is_last_extra_column = true, .num_features = 2});
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(data.labels.cols(), 1);
  EXPECT_EQ(data.labels(1, 0), 1);
  EXPECT_EQ(data.features.at("1")(1, 0), 4);
}

TEST(CsvTest, LabelIsLastExtraColumnWithoutLabels) {
  CsvData data =
      parse_ok("x,y\n1,2\n3,4\n", {.label_is_last_extra_column = true, .num_features = 2});
  EXPECT_EQ(data.feature_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(data.labels.rows(), 2);
  EXPECT_EQ(data.labels.cols(), 0);
  EXPECT_EQ(data.features.at("y")(1, 0), 4);
}

TEST(CsvTest, LabelIsLastExtraColumnErrors) {
  CsvOptions options = {.label_is_last_extra_column = true, .num_features = 2};
  EXPECT_EQ(parse_error("1,2,0\n3,4\n", options),
            "x.csv:2: expected 3 columns, found 2 (rows with and without the label column "
            "cannot mix)");
  EXPECT_EQ(parse_error("1,2\n3,4,1\n", options),
            "x.csv:2: expected 2 columns, found 3 (rows with and without the label column "
            "cannot mix)");
  EXPECT_EQ(parse_error("1,2,3,4\n", options),
            "x.csv:1: expected 2 feature columns, or 3 with the label, found 4");
  EXPECT_EQ(parse_error("1,2\n", {.label_is_last_extra_column = true}),
            "x.csv: label_is_last_extra_column needs num_features");
}

TEST(CsvTest, ReadCsvThroughAFileSystem) {
  MemoryFileSystem fs;
  ASSERT_TRUE(fs.write_file_atomically("/d/a.csv", "a,b\n1,2\n1,x\n").ok());
  Result<CsvData> bad = read_csv(fs, "/d/a.csv", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "/d/a.csv:3: column 2 (b): 'x' is not a number");
  Result<CsvData> missing = read_csv(fs, "/d/missing.csv", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/d/missing.csv"), std::string::npos);
}

TEST(CsvTest, ThrowingReadCsvRaisesTypedErrors) {
  EXPECT_THROW(read_csv("/nonexistent/cairn/iris.csv", {}), NotFoundError);
  try {
    read_csv(data_path("iris_test.csv"), {.label_column = "Species"});
    FAIL() << "expected InvalidArgumentError";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("label column 'Species'"), std::string::npos);
  }
}

}  // namespace
}  // namespace cairn::data
