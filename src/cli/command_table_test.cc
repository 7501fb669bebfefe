// run_command_table(): the subcommand given runs with its own flags, --help
// lists the table in its order, flag errors are CLI11's, and an exception out
// of a command is reported under the program's name, exit status 1.
#include "cli/command_table.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "cairn/core/errors.h"

namespace cairn::cli {
namespace {

struct Ran {
  std::string which;
  int n = 0;
};

std::vector<Command> table(Ran& ran) {
  auto counting = [&ran](const char* name) {
    return make_command<int>(
        name, std::string("help of ") + name,
        [](CLI::App& cmd, int& n) { cmd.add_option("--n", n, "a number"); },
        [&ran, name](CLI::App&, int& n, std::ostream& out, std::ostream&) {
          ran = {name, n};
          out << name << " " << n;
          return n;
        });
  };
  return {counting("zeta"), counting("alpha"),
          make_command<int>(
              "fail", "throws", [](CLI::App&, int&) {},
              [](CLI::App&, int&, std::ostream&, std::ostream&) -> int {
                throw NotFoundError("no such file /x");
              })};
}

struct Result {
  int status;
  std::string out, err;
  Ran ran;
};

Result run(std::vector<const char*> args) {
  args.insert(args.begin(), "prog");
  std::ostringstream out, err;
  Result r;
  r.status = run_command_table({.name = "prog", .description = "prog: a test table"}, table(r.ran),
                               static_cast<int>(args.size()), args.data(), out, err);
  r.out = out.str(), r.err = err.str();
  return r;
}

TEST(CommandTableTest, RunsTheGivenCommandWithItsFlags) {
  const Result r = run({"alpha", "--n", "3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.ran.which, "alpha");
  EXPECT_EQ(r.out, "alpha 3");
  EXPECT_EQ(run({"zeta"}).ran.which, "zeta");
}

TEST(CommandTableTest, HelpListsTheCommandsInTableOrder) {
  const Result r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.ran.which, "");
  const size_t zeta = r.out.find("help of zeta"), alpha = r.out.find("help of alpha");
  ASSERT_NE(zeta, std::string::npos) << r.out;
  ASSERT_NE(alpha, std::string::npos) << r.out;
  EXPECT_LT(zeta, alpha) << r.out;
  EXPECT_EQ(r.out.rfind("prog: a test table", 0), 0u) << r.out;
}

TEST(CommandTableTest, FlagErrorsAreCli11sAndRunNothing) {
  const Result none = run({});
  EXPECT_EQ(none.status, static_cast<int>(CLI::ExitCodes::RequiredError));
  EXPECT_NE(none.err.find("A subcommand is required"), std::string::npos) << none.err;
  const Result bad = run({"alpha", "--n", "three"});
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(bad.ran.which, "");
}

TEST(CommandTableTest, AnExceptionIsReportedUnderTheProgramsName) {
  const Result r = run({"fail"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "prog fail: NOT_FOUND: no such file /x\n");
}

}  // namespace
}  // namespace cairn::cli
