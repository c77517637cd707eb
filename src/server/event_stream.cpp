#include "server/event_stream.h"

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

}  // namespace

bool EventCursor::poll(store::ScanStore& store, const registry::PortRegistry& registry,
                       std::string& out) {
  if (finished_) return false;
  // Read the row first: if it is final, every record was committed before this read, so
  // the results query below sees them all.
  auto row = store.scan(scan_id_);
  if (!row) {
    finished_ = true;
    return false;
  }
  auto records = store.results(scan_id_, states_, after_, kBatch);
  for (const auto& r : records) {
    appendEvent(out, "port",
                output::dumpJson(output::typed(
                    "port", output::portJson(r.record, registry, output::HostFields::kInclude))),
                r.seq);
    after_ = r.seq;
  }
  if (records.size() == kBatch) return true;
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
