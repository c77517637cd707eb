// A stream buffer that records how often it was flushed, to prove that streaming formats
// push each record out as it arrives rather than at end().
#pragma once

#include <sstream>
#include <string>

namespace portlens::output::testing {

class FlushCounter : public std::stringbuf {
 public:
  int flushes() const { return flushes_; }

 protected:
  int sync() override {
    ++flushes_;
    return std::stringbuf::sync();
  }

 private:
  int flushes_ = 0;
};

}  // namespace portlens::output::testing
