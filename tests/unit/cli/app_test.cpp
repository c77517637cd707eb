// The whole command line (runCli) with arguments that fail before a command runs: exit code 2
// and one line on stderr that names what was wrong.
#include "cli/app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace portlens::cli {
namespace {

struct Outcome {
  int exit_code = 0;
  std::string err;
};

// Runs `portlens args...` with stderr (fd 2) sent to a temporary file.
Outcome run(std::vector<std::string> args) {
  char program[] = "portlens";
  std::vector<char*> argv{program};
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::FILE* capture = std::tmpfile();
  std::fflush(stderr);
  std::cerr.flush();
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(::fileno(capture), STDERR_FILENO);
  Outcome outcome;
  outcome.exit_code = runCli(static_cast<int>(argv.size() - 1), argv.data());
  std::fflush(stderr);
  std::cerr.flush();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::rewind(capture);
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), capture)) > 0)
    outcome.err.append(buffer, got);
  std::fclose(capture);
  return outcome;
}

TEST(App, UnknownCommandIsNamed) {
  const Outcome o = run({"frobnicate", "--now"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "portlens: unknown command 'frobnicate' (try portlens --help)\n");
}

TEST(App, MissingCommandStillAsksForOne) {
  const Outcome o = run({});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("subcommand"), std::string::npos) << o.err;
}

TEST(App, BadValuesExit2WithTheTokenNamed) {
  struct Case {
    std::vector<std::string> args;
    std::string named;
  };
  const Case cases[] = {
      {{"sockets", "--format", "xml"}, "'xml'"},
      {{"sockets", "state", "sleepy"}, "sleepy"},
      {{"sockets", "--sort", "colour"}, "colour"},
      {{"who", "70000"}, "70000"},
      {{"check", "no-such-service"}, "no-such-service"},
      {{"free", "--range", "5-1"}, "5-1"},
      {{"free", "--count", "0"}, "--count"},
      {{"ephemeral", "--top", "x"}, "--top"},
      {{"who", "22", "--format", "yaml"}, "yaml"},
      {{"port", "99999"}, "99999"},
      {{"token", "create", "--name", "x", "--allow", "10.0.0.1/8"}, "10.0.0.1/8"},
      {{"serve", "--listen", "nohost"}, "nohost"},
  };
  for (const Case& c : cases) {
    const Outcome o = run(c.args);
    EXPECT_EQ(o.exit_code, 2) << c.args[0] << ": " << o.err;
    EXPECT_NE(o.err.find(c.named), std::string::npos) << c.args[0] << ": " << o.err;
  }
}

TEST(App, UsageErrorsAreOneLine) {
  const Outcome o = run({"who", "70000"});
  EXPECT_EQ(o.err.rfind("portlens: ", 0), 0u) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << o.err;
}

}  // namespace
}  // namespace portlens::cli
