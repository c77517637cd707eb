// Internal to filter.cpp and filter_parser.cpp: the expression tree of a Filter.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/ip_address.h"
#include "sockets/socket_record.h"

namespace portlens::sockets {

enum class CompareOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct FilterNode {
  enum class Kind : std::uint8_t {
    kAnd,
    kOr,
    kNot,
    kState,    // states
    kSport,    // op, number
    kDport,    // op, number
    kPort,     // op, number; either side
    kSrc,      // address, prefix
    kDst,      // address, prefix
    kProcess,  // text
    kPid,      // number
    kUid,      // number
  };
  Kind kind = Kind::kAnd;
  std::unique_ptr<FilterNode> left;   // kAnd, kOr, kNot
  std::unique_ptr<FilterNode> right;  // kAnd, kOr
  StateMask states = 0;
  CompareOp op = CompareOp::kEq;
  std::uint64_t number = 0;
  core::IpAddress address;
  unsigned prefix = 0;
  std::string text;
};

}  // namespace portlens::sockets
