#include "server/syn_runners.h"

#include "store/shard_store.h"

namespace portlens::server {

bool SynRunners::available() {
  const auto now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    if (yes_until_ && now < *yes_until_) return true;
  }
  auto store = pool_.take();
  const bool yes = store::ShardStore(*store).liveWorkerCan(scan::ScanType::kSyn);
  std::lock_guard lock(mutex_);
  if (yes) {
    yes_until_ = now + kKeepYes;
  } else {
    yes_until_.reset();
  }
  return yes;
}

}  // namespace portlens::server
