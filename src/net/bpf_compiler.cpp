#include "net/bpf_compiler.h"

#include <dlfcn.h>
#include <pcap/pcap.h>

#include <memory>
#include <stdexcept>

namespace portlens::net {
namespace {

constexpr const char* kLibpcap = "libpcap.so.0.8";

struct LibraryCloser {
  void operator()(void* handle) const { ::dlclose(handle); }
};
using Library = std::unique_ptr<void, LibraryCloser>;

// The five libpcap functions a compilation needs, resolved from the loaded library.
struct PcapApi {
  decltype(&::pcap_open_dead) open_dead;
  decltype(&::pcap_compile) compile;
  decltype(&::pcap_geterr) geterr;
  decltype(&::pcap_freecode) freecode;
  decltype(&::pcap_close) close;
};

template <typename Function>
void resolve(void* library, const char* name, Function& function) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw std::runtime_error(std::string(kLibpcap) + " has no " + name);
  }
  function = reinterpret_cast<Function>(symbol);
}

Library loadLibpcap(PcapApi& api) {
  Library library(::dlopen(kLibpcap, RTLD_NOW | RTLD_LOCAL));
  if (!library) {
    // dlerror is per-thread in glibc; a SYN scan compiles its filter once, before threads start.
    const char* error = ::dlerror();  // NOLINT(concurrency-mt-unsafe)
    throw std::runtime_error(std::string("SYN scans need libpcap to compile their packet "
                                         "filter (Debian package libpcap0.8): ") +
                             (error != nullptr ? error : kLibpcap));
  }
  resolve(library.get(), "pcap_open_dead", api.open_dead);
  resolve(library.get(), "pcap_compile", api.compile);
  resolve(library.get(), "pcap_geterr", api.geterr);
  resolve(library.get(), "pcap_freecode", api.freecode);
  resolve(library.get(), "pcap_close", api.close);
  return library;
}

}  // namespace

std::vector<sock_filter> compileBpf(const std::string& expression) {
  PcapApi api{};
  const Library library = loadLibpcap(api);
  // No capture handle is opened: a "dead" handle only tells the compiler the link type.
  std::unique_ptr<pcap_t, decltype(api.close)> dead(api.open_dead(DLT_EN10MB, 256), api.close);
  if (!dead) throw std::invalid_argument("pcap_open_dead failed");
  bpf_program program{};
  if (api.compile(dead.get(), &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    throw std::invalid_argument("BPF filter '" + expression + "': " + api.geterr(dead.get()));
  }
  // struct bpf_insn and the kernel's struct sock_filter have the same layout (code, jt, jf, k).
  static_assert(sizeof(bpf_insn) == sizeof(sock_filter));
  std::vector<sock_filter> instructions(program.bf_len);
  for (std::size_t i = 0; i < instructions.size(); ++i) {
    const bpf_insn& insn = program.bf_insns[i];
    instructions[i] = sock_filter{insn.code, insn.jt, insn.jf, insn.k};
  }
  api.freecode(&program);
  return instructions;
}

}  // namespace portlens::net
