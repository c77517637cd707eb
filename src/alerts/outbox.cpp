#include "alerts/outbox.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace portlens::alerts {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS alert_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  destination INTEGER NOT NULL,
  type TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK(state IN ('pending','delivered','failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  delivered_ms INTEGER,
  UNIQUE(event_id, destination)
);
CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries(state, next_attempt_ms);
CREATE TABLE IF NOT EXISTS alert_cursor (
  id INTEGER PRIMARY KEY CHECK(id = 1),
  last_event_id INTEGER NOT NULL
);
INSERT OR IGNORE INTO alert_cursor(id, last_event_id) VALUES (1, 0);
)sql";

constexpr std::size_t kEventsPerPass = 500;

nlohmann::json arrayOf(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_array() ? value : nlohmann::json::array();
}

// The destinations of the monitor as the event recorded it; not an array = none.
nlohmann::json destinationsOf(const std::string& monitor_json) {
  auto monitor = nlohmann::json::parse(monitor_json, nullptr, /*allow_exceptions=*/false);
  if (!monitor.is_object()) return nlohmann::json::array();
  if (!monitor.contains("alerts") || !monitor.at("alerts").is_array()) {
    return nlohmann::json::array();
  }
  return monitor.at("alerts");
}

}  // namespace

std::string deliveryId(std::int64_t event_id, int destination) {
  return fmt::format("e{}-d{}", event_id, destination);
}

AlertOutbox::AlertOutbox(store::Database& db) : db_(db) { db_.exec(kSchema); }

// Rows of the column list that due() and firingAlertmanagerAlerts() select.
std::vector<PendingDelivery> AlertOutbox::readDeliveries(store::Statement& st) {
  std::vector<PendingDelivery> out;
  while (st.step()) {
    PendingDelivery row;
    row.id = st.integer(0);
    row.destination = static_cast<int>(st.integer(1));
    row.spec_json = st.text(2);
    row.attempts = static_cast<int>(st.integer(3));
    if (!st.isNull(4)) {
      row.event.id = st.integer(4);
      row.event.monitor_id = st.integer(5);
      row.event.finding_id = st.integer(6);
      row.event.event = st.text(7);
      if (!st.isNull(8)) row.event.scan_id = st.integer(8);
      row.event.at_ms = st.integer(9);
      row.event.finding_json = st.text(10);
      row.event.monitor_json = st.text(11);
    }
    out.push_back(std::move(row));
  }
  return out;
}

bool AlertOutbox::tableExists(std::string_view name) {
  auto st = db_.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st.bind(1, name);
  return st.step();
}

bool AlertOutbox::eventsTableExists() { return tableExists("finding_events"); }

std::size_t AlertOutbox::enqueueNewEvents(std::int64_t now_ms) {
  if (!eventsTableExists()) return 0;
  // A read first: most passes find nothing new and must not take the write lock the scan
  // jobs and monitors need.
  auto fresh = db_.prepare(
      "SELECT EXISTS(SELECT 1 FROM finding_events WHERE id > "
      "(SELECT last_event_id FROM alert_cursor WHERE id = 1))");
  if (!fresh.step() || fresh.integer(0) == 0) return 0;
  fresh.reset();
  store::Transaction transaction(db_);
  auto cursor = db_.prepare("SELECT last_event_id FROM alert_cursor WHERE id = 1");
  const std::int64_t after = cursor.step() ? cursor.integer(0) : 0;
  // The destinations (with their secrets) are the monitor's row; events carry the monitor
  // without them. Without a monitors table (or row), the event's own "alerts", if any.
  auto events = db_.prepare(
      tableExists("monitors")
          ? "SELECT e.id, e.monitor_json, m.alerts_json FROM finding_events e "
            "LEFT JOIN monitors m ON m.id = e.monitor_id WHERE e.id > ? ORDER BY e.id LIMIT ?"
          : "SELECT id, monitor_json, NULL FROM finding_events WHERE id > ? ORDER BY id LIMIT ?");
  events.bind(1, after).bind(2, static_cast<std::int64_t>(kEventsPerPass));
  auto insert = db_.prepare(
      "INSERT OR IGNORE INTO alert_deliveries(event_id, destination, type, spec_json, state, "
      "next_attempt_ms) VALUES (?, ?, ?, ?, 'pending', ?)");
  std::int64_t last = after;
  std::size_t copied = 0;
  while (events.step()) {
    last = events.integer(0);
    ++copied;
    const auto destinations =
        events.isNull(2) ? destinationsOf(events.text(1)) : arrayOf(events.text(2));
    for (std::size_t i = 0; i < destinations.size(); ++i) {
      const auto& spec = destinations[i];
      const auto type = spec.is_object() ? spec.value("type", nlohmann::json()) : nullptr;
      insert.reset();
      insert.bind(1, last).bind(2, static_cast<std::int64_t>(i));
      insert.bind(3, type.is_string() ? type.get<std::string>() : std::string());
      insert.bind(4, spec.dump()).bind(5, now_ms);
      insert.step();
    }
  }
  if (copied == 0) return 0;
  auto move = db_.prepare("UPDATE alert_cursor SET last_event_id = ? WHERE id = 1");
  move.bind(1, last).step();
  transaction.commit();
  return copied;
}

std::vector<PendingDelivery> AlertOutbox::due(std::int64_t now_ms, std::size_t limit) {
  if (!eventsTableExists()) return {};
  // LEFT JOIN: a row whose event is gone (retention) comes back without it and is failed.
  auto st = db_.prepare(
      "SELECT d.id, d.destination, d.spec_json, d.attempts, e.id, e.monitor_id, e.finding_id, "
      "e.event, e.scan_id, e.at_ms, e.finding_json, e.monitor_json "
      "FROM alert_deliveries d LEFT JOIN finding_events e ON e.id = d.event_id "
      "WHERE d.state = 'pending' AND d.next_attempt_ms <= ? "
      "ORDER BY d.next_attempt_ms, d.id LIMIT ?");
  st.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit));
  return readDeliveries(st);
}

std::vector<PendingDelivery> AlertOutbox::firingAlertmanagerAlerts() {
  if (!eventsTableExists() || !tableExists("findings")) return {};
  auto st = db_.prepare(
      "SELECT d.id, d.destination, d.spec_json, d.attempts, e.id, e.monitor_id, e.finding_id, "
      "e.event, e.scan_id, e.at_ms, e.finding_json, e.monitor_json "
      "FROM alert_deliveries d JOIN finding_events e ON e.id = d.event_id "
      "JOIN findings f ON f.id = e.finding_id "
      "WHERE d.type = 'alertmanager' AND d.state = 'delivered' AND e.event = 'finding_opened' "
      "AND f.resolved_ms = 0 ORDER BY d.id");
  return readDeliveries(st);
}

void AlertOutbox::markDelivered(std::int64_t id, std::int64_t now_ms) {
  auto st = db_.prepare(
      "UPDATE alert_deliveries SET state = 'delivered', delivered_ms = ?, last_error = '' "
      "WHERE id = ?");
  st.bind(1, now_ms).bind(2, id).step();
}

void AlertOutbox::markFailed(std::int64_t id, const std::string& error,
                             std::optional<std::int64_t> retry_at_ms) {
  auto st = db_.prepare(
      "UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?, "
      "state = CASE WHEN ? THEN 'pending' ELSE 'failed' END, "
      "next_attempt_ms = COALESCE(?, next_attempt_ms) WHERE id = ?");
  st.bind(1, std::string_view(error).substr(0, 500));
  st.bind(2, std::int64_t{retry_at_ms ? 1 : 0});
  if (retry_at_ms) {
    st.bind(3, *retry_at_ms);
  } else {
    st.bindNull(3);
  }
  st.bind(4, id).step();
}

std::optional<std::int64_t> AlertOutbox::nextAttemptMs() {
  auto st =
      db_.prepare("SELECT MIN(next_attempt_ms) FROM alert_deliveries WHERE state = 'pending'");
  if (!st.step() || st.isNull(0)) return std::nullopt;
  return st.integer(0);
}

std::vector<DeliveryCount> AlertOutbox::counts() {
  auto st = db_.prepare(
      "SELECT type, state, COUNT(*), SUM(attempts) FROM alert_deliveries "
      "GROUP BY type, state ORDER BY type, state");
  std::vector<DeliveryCount> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), st.integer(2), st.integer(3)});
  return out;
}

}  // namespace portlens::alerts
