// A small pool of store connections for the HTTP threads: a connection must not be used by
// two threads at once, and opening one per request would cost more than the query. A
// connection that was lost (PostgreSQL restarted: database.h) is not given back, so the next
// request opens a new one.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/scan_store.h"

namespace portlens::server {

class StorePool {
 public:
  StorePool(std::string path, core::Clock& clock) : path_(std::move(path)), clock_(clock) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::ScanStore> store)
        : pool_(pool), store_(std::move(store)) {}
    ~Lease() { pool_.giveBack(std::move(store_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    store::ScanStore* operator->() { return store_.get(); }
    store::ScanStore& operator*() { return *store_; }

   private:
    StorePool& pool_;
    std::unique_ptr<store::ScanStore> store_;
  };

  Lease take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto store = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(store));
      }
    }
    return Lease(*this, std::make_unique<store::ScanStore>(path_, clock_));
  }

 private:
  void giveBack(std::unique_ptr<store::ScanStore> store) {
    if (!store || !store->database().healthy()) return;
    std::lock_guard lock(mutex_);
    if (idle_.size() < 16) idle_.push_back(std::move(store));
  }

  std::string path_;
  core::Clock& clock_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::ScanStore>> idle_;
};

}  // namespace portlens::server
