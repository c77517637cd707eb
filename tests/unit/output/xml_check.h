// Runs xmllint (libxml2-utils, installed by scripts/install-deps.sh) on a document: a real
// parser's verdict on well-formedness, and XPath to read values back unescaped.
#pragma once

#include <string>

namespace portlens::output::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult runCommand(const std::string& command);

// Writes `document` to a new, uniquely named file in the test's temporary directory (the name
// ends in `name`) and returns its path; the caller removes it.
std::string writeTempFile(const std::string& name, const std::string& document);

// Single-quotes `text` for /bin/sh.
std::string shellQuote(const std::string& text);

}  // namespace portlens::output::testing
