#include "net/reverse_names.h"

#include <netdb.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "net/socket_address.h"

namespace portlens::net {
namespace {

// Shared by the caller and the workers, so a worker that outlives the deadline still has
// somewhere to put its answer.
struct LookupBoard {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<core::IpAddress> addresses;
  ReverseLookup lookup;
  std::size_t next = 0;
  std::size_t finished = 0;
  std::map<core::IpAddress, std::string> names;
};

void lookupWorker(const std::shared_ptr<LookupBoard>& board) {
  while (true) {
    core::IpAddress address;
    {
      std::lock_guard lock(board->mutex);
      if (board->next == board->addresses.size()) return;
      address = board->addresses[board->next++];
    }
    std::string name;
    try {
      name = board->lookup(address);
    } catch (...) {
      // A failed lookup is an address without a name.
    }
    std::lock_guard lock(board->mutex);
    if (!name.empty()) board->names.emplace(address, std::move(name));
    ++board->finished;
    board->changed.notify_all();
  }
}

}  // namespace

std::string systemReverseLookup(const core::IpAddress& address) {
  const SocketAddress socket_address = toSocketAddress(address, 0);
  char host[NI_MAXHOST];
  if (getnameinfo(socket_address.get(), socket_address.length, host, sizeof(host), nullptr, 0,
                  NI_NAMEREQD) != 0) {
    return {};
  }
  return host;
}

std::map<core::IpAddress, std::string> lookupReverseNames(
    const std::vector<core::IpAddress>& addresses, const ReverseLookupLimits& limits,
    const ReverseLookup& lookup) {
  if (addresses.empty()) return {};
  auto board = std::make_shared<LookupBoard>();
  board->addresses = addresses;
  board->lookup = lookup;
  const std::size_t count = std::min<std::size_t>(std::max(1u, limits.parallel), addresses.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < count; ++i) workers.emplace_back(lookupWorker, board);

  std::unique_lock lock(board->mutex);
  const bool all_done = board->changed.wait_for(
      lock, limits.deadline, [&] { return board->finished == board->addresses.size(); });
  auto names = board->names;
  lock.unlock();
  // Every worker is about to return when all lookups are done: join them, so no thread
  // outlives the call (the web service calls this once per scan). Otherwise
  // detach: getnameinfo cannot be cancelled, and the scan must not wait for a resolver that
  // does not answer; the board outlives this call through the shared pointer.
  for (auto& worker : workers) {
    if (all_done) {
      worker.join();
    } else {
      worker.detach();
    }
  }
  return names;
}

std::size_t nameTargetsByReverseLookup(core::TargetSet& targets, const ReverseLookupLimits& limits,
                                       const ReverseLookup& lookup) {
  const std::uint64_t size = targets.size();
  if (size == 0 || size > limits.max_addresses) return 0;
  std::vector<core::IpAddress> unnamed;
  for (std::uint64_t i = 0; i < size; ++i) {
    const core::IpAddress address = targets.at(i);
    if (targets.hostnameOf(address).empty()) unnamed.push_back(address);
  }
  auto names = lookupReverseNames(unnamed, limits, lookup);
  for (auto& [address, name] : names) targets.nameAddress(address, std::move(name));
  return names.size();
}

}  // namespace portlens::net
