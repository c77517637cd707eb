#include "server/event_stream.h"

#include <algorithm>

#include "output/json_records.h"
#include "server/scan_views.h"

namespace portlens::server {
namespace {

constexpr std::size_t kBatch = 4096;

void appendEvent(std::string& out, std::string_view event, const std::string& data,
                 std::int64_t id) {
  out += "event: ";
  out += event;
  out += '\n';
  if (id > 0) {
    out += "id: ";
    out += std::to_string(id);
    out += '\n';
  }
  out += "data: ";
  out += data;  // dumped JSON never contains a raw newline
  out += "\n\n";
}

const std::set<scan::PortState> kAllStates(scan::kAllPortStates.begin(),
                                           scan::kAllPortStates.end());

}  // namespace

std::string EventHub::formatPort(const store::StoredRecord& r) const {
  std::string out;
  appendEvent(out, "port",
              output::dumpJson(output::typed(
                  "port", output::portJson(r.record, registry_, output::HostFields::kInclude))),
              r.seq);
  return out;
}

std::shared_ptr<EventHub::Log> EventHub::refreshed(std::int64_t scan_id, store::ScanStore& store,
                                                   std::uint64_t signal) {
  const auto now = clock_.now();
  std::shared_ptr<Log> log;
  {
    std::lock_guard lock(mutex_);
    for (auto it = logs_.begin(); it != logs_.end();) {
      if (it->first != scan_id && it->second.use_count() == 1 &&
          now - it->second->used > kForgetAfter) {
        it = logs_.erase(it);
      } else {
        ++it;
      }
    }
    auto& slot = logs_[scan_id];
    if (!slot) slot = std::make_shared<Log>();
    log = slot;
  }
  std::lock_guard lock(log->mutex);
  log->used = now;
  // A newer signal only: streams that read the counter at different moments do not take turns
  // re-reading for each other.
  if (log->row && now - log->refreshed < kRefreshEvery && signal <= log->signal) return log;
  if (log->row && store::isFinal(log->row->status) && !log->truncated) return log;  // complete
  // Row first: when it says final, every record was committed before this read.
  log->row = store.scan(scan_id);
  log->refreshed = now;
  log->signal = std::max(log->signal, signal);
  if (!log->row || log->truncated) return log;
  while (true) {
    auto rows = store.results(scan_id, kAllStates, log->max_seq, kBatch);
    for (const auto& r : rows) {
      if (log->entries.size() >= kMaxLoggedEvents) {
        log->truncated = true;
        return log;
      }
      log->entries.push_back({r.seq, r.record.state, formatPort(r)});
      log->max_seq = r.seq;
    }
    if (rows.size() < kBatch) break;
  }
  return log;
}

bool EventCursor::poll(store::ScanStore& store, EventHub& hub, std::string& out,
                       std::uint64_t signal) {
  if (finished_) return false;
  auto log = hub.refreshed(scan_id_, store, signal);
  std::optional<store::ScanRow> row;
  bool more = false;
  {
    std::lock_guard lock(log->mutex);
    row = log->row;
    if (!row) {
      finished_ = true;
      return false;
    }
    auto it =
        std::upper_bound(log->entries.begin(), log->entries.end(), after_,
                         [](std::int64_t seq, const EventHub::Entry& e) { return seq < e.seq; });
    std::size_t sent = 0;
    for (; it != log->entries.end() && sent < kBatch; ++it) {
      after_ = it->seq;
      if (!states_.count(it->state)) continue;
      out += it->text;
      ++sent;
    }
    more = it != log->entries.end();
    if (!more && log->truncated) {
      // Past what the log holds: read the store directly.
      auto records = store.results(scan_id_, states_, after_, kBatch);
      for (const auto& r : records) {
        out += hub.formatPort(r);
        after_ = r.seq;
      }
      more = records.size() == kBatch;
      if (store::isFinal(row->status) && !more) row = store.scan(scan_id_);
    } else if (!more && after_ < log->max_seq) {
      after_ = log->max_seq;  // the rest had states this client does not want
    }
  }
  if (more) return true;
  auto progress = scanJson(*row).dump();
  if (store::isFinal(row->status)) {
    appendEvent(out, "end", progress, 0);
    finished_ = true;
  } else if (progress != last_progress_) {
    appendEvent(out, "progress", progress, 0);
    last_progress_ = std::move(progress);
  }
  return false;
}

}  // namespace portlens::server
