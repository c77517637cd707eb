#include "cli/sockets_command.h"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "cli/local_ports.h"
#include "cli/socket_watch.h"
#include "core/error.h"
#include "registry/port_registry.h"
#include "sockets/filter.h"
#include "sockets/socket_format.h"
#include "sockets/socket_sort.h"
#include "sockets/socket_table.h"

namespace portlens::cli {
namespace {

struct SocketsOptions {
  bool listening = false;
  bool all = false;
  bool processes = false;
  bool procfs = false;
  std::vector<std::string> filter_words;
  std::string sort;
  std::string format = "text";
  std::string netns;
  bool watch = false;
  double interval = 1.0;
};

// Writes a whole buffer (looping over partial writes). The formatter hands over ~1 MiB at a
// time: 100,000 rows are ~15 MB of text, and one reused buffer faults in far fewer pages.
void writeAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return;  // a closed pipe (| head) is not an error worth reporting
    done += static_cast<std::size_t>(wrote);
  }
}

sockets::PortLookup serviceLookup(const registry::PortRegistry& registry) {
  return [&registry](std::string_view name) -> std::optional<std::uint16_t> {
    const auto ports = registry.portsForName(name);
    if (ports.empty()) return std::nullopt;
    return ports.front();
  };
}

int runSockets(const SocketsOptions& options) {
  if (options.listening && options.all) throw core::UsageError("-l and -a exclude each other");
  if (options.interval < 0.1 || options.interval > 3600) {
    throw core::UsageError("--interval must be between 0.1 and 3600 seconds");
  }
  const registry::PortRegistry& registry = registry::PortRegistry::builtin();
  std::string filter_text;
  for (const std::string& word : options.filter_words) filter_text += word + ' ';
  sockets::Filter filter = sockets::parseFilter(filter_text, serviceLookup(registry));
  const auto sort = options.sort.empty() ? std::vector<sockets::SortField>{}
                                         : sockets::parseSortSpec(options.sort);
  const auto format = sockets::parseSocketFormat(options.format);
  if (!format) throw core::UsageError("--format: unknown format '" + options.format + "'");

  sockets::TableOptions table_options;
  table_options.states = options.all         ? sockets::kAllStates
                         : options.listening ? sockets::stateBit(sockets::TcpState::kListen)
                                             : sockets::kConnectedStates;
  // A filter that names states widens the default (ss does the same): `sockets state
  // time-wait` shows TIME_WAIT sockets without -a.
  if (!options.listening && filter.possibleStates(sockets::kAllStates) != sockets::kAllStates) {
    table_options.states = sockets::kAllStates;
  }
  table_options.processes = options.processes;
  table_options.force_procfs = options.procfs;
  enterNetnsIfAny(options.netns);

  if (options.watch) {
    WatchConfig config;
    config.table = table_options;
    config.sort = sort;
    config.interval_seconds = options.interval;
    config.registry = &registry;
    core::SystemClock clock;
    return runWatch(config, std::move(filter), clock);
  }

  sockets::Table table = sockets::readTable(table_options, filter);
  sockets::sortSockets(table.records, sort);
  sockets::FormatOptions format_options;
  format_options.format = *format;
  format_options.processes = options.processes;
  format_options.flush = [](std::string& text) {
    writeAll(STDOUT_FILENO, text);
    text.clear();
  };
  std::string out;
  out.reserve(2 << 20);
  sockets::formatSockets(table.records, format_options, registry, table.notes, out);
  writeAll(STDOUT_FILENO, out);
  printNotes(table.notes);
  return core::kExitOk;
}

}  // namespace

void addSocketsCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<SocketsOptions>();
  CLI::App* command = app.add_subcommand(
      "sockets", "Local TCP sockets (like ss -t): state, queues, addresses, processes");
  command->add_flag("-l,--listening", options->listening, "Listening sockets only");
  command->add_flag("-a,--all", options->all, "Sockets in every state (default: connected)");
  command->add_flag("-p,--processes", options->processes, "Show the owning processes");
  command->add_option("FILTER", options->filter_words,
                      "Filter, e.g. state established and dport = 443; sport < 1024; "
                      "process nginx; uid 33; src 10.0.0.0/8; and/or/not, ( )");
  command->add_option("--sort", options->sort,
                      "Sort keys, comma-separated, '-' for descending: state, local, peer, "
                      "sport, dport, recvq, sendq, uid, inode, process, pid");
  command->add_option("--format", options->format, "Output format: text, json, ndjson, csv")
      ->capture_default_str();
  addNetnsOption(*command, options->netns);
  command->add_flag("--watch", options->watch, "Live full-screen view (q quits, ? for keys)");
  command->add_option("--interval", options->interval, "Seconds between refreshes in --watch")
      ->capture_default_str();
  command->add_flag("--procfs", options->procfs, "Read /proc/net/tcp* instead of netlink")
      ->group("");
  command->callback([options, &context] { context.exit_code = runSockets(*options); });
}

}  // namespace portlens::cli
