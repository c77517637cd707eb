// Rendered results of finished scans, which never change: the results endpoint renders a
// (scan, format, states) combination once and serves the same bytes afterwards. Small LRU
// (kEntries bodies, each at most kMaxBody bytes; larger exports are rendered every time).
// Shared by the HTTP threads; internally locked.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace portlens::server {

class ResultCache {
 public:
  static constexpr std::size_t kEntries = 64;
  static constexpr std::size_t kMaxBody = 8 << 20;

  std::shared_ptr<const std::string> find(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }

  void put(const std::string& key, std::shared_ptr<const std::string> body) {
    if (body->size() > kMaxBody) return;
    std::lock_guard lock(mutex_);
    if (entries_.count(key)) return;
    order_.push_front(key);
    entries_.emplace(key, std::make_pair(std::move(body), order_.begin()));
    if (entries_.size() > kEntries) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
  }

 private:
  std::mutex mutex_;
  std::list<std::string> order_;  // most recently used first
  std::map<std::string,
           std::pair<std::shared_ptr<const std::string>, std::list<std::string>::iterator>>
      entries_;
};

}  // namespace portlens::server
