#include "cli/socket_watch.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

#include "cli/local_ports.h"
#include "core/error.h"
#include "sockets/ephemeral_usage.h"
#include "sockets/socket_diff.h"
#include "sockets/watch_frame.h"

namespace portlens::cli {
namespace {

// Raw input, alternate screen, hidden cursor; undone in the destructor (also on exceptions).
class TerminalSession {
 public:
  TerminalSession() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) {
      throw core::UsageError("--watch needs a terminal on stdin");
    }
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    write("\x1b[?1049h\x1b[?25l");
  }
  ~TerminalSession() {
    write("\x1b[0m\x1b[?25h\x1b[?1049l");
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  static void write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  static std::pair<std::size_t, std::size_t> size() {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
      return {ws.ws_col, ws.ws_row};
    }
    return {80, 24};
  }

 private:
  termios saved_{};
};

std::string clockText(core::Clock::WallTime time) {
  const std::time_t now = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%H:%M:%S", &local);
  return text;
}

// Waits up to `timeout` for one key; nullopt on timeout.
std::optional<char> readKey(std::chrono::milliseconds timeout) {
  pollfd pfd{STDIN_FILENO, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return std::nullopt;
  char c = 0;
  if (::read(STDIN_FILENO, &c, 1) != 1) return std::nullopt;
  return c;
}

class WatchLoop {
 public:
  WatchLoop(const WatchConfig& config, sockets::Filter filter, core::Clock& clock)
      : config_(config), clock_(clock), filter_(std::move(filter)), sort_(config.sort) {
    filter_text_ = filter_.toString();
    ephemeral_ = ephemeralRangeOrDefault();
  }

  int run() {
    TerminalSession terminal;
    auto next_refresh = clock_.now();
    for (;;) {
      if (!paused_ && clock_.now() >= next_refresh) {
        refresh();
        next_refresh = clock_.now() + std::chrono::milliseconds(
                                          static_cast<long>(config_.interval_seconds * 1000));
      }
      draw();
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh - clock_.now());
      const auto key = readKey(paused_ ? std::chrono::milliseconds(500)
                                       : std::max(wait, std::chrono::milliseconds(0)));
      if (key && !handleKey(*key)) return core::kExitOk;
    }
  }

 private:
  void refresh() {
    sockets::TableOptions options = config_.table;
    if (filter_.possibleStates(sockets::kAllStates) != sockets::kAllStates &&
        options.states != sockets::stateBit(sockets::TcpState::kListen)) {
      options.states = sockets::kAllStates;  // as in `portlens sockets`: states named widen
    }
    sockets::Table table = sockets::readTable(options, filter_);
    sockets::sortSockets(table.records, sort_);
    rows_ = sockets::diffSockets(previous_.records, table.records);
    const auto usage = sockets::computeEphemeralUsage(table.records, ephemeral_, {});
    ephemeral_in_use_ = usage.distinct_ports;
    ephemeral_available_ = usage.available;
    // The gone rows point into the old table's process map: keep it until the next refresh.
    older_ = std::move(previous_);
    previous_ = std::move(table);
    if (message_.empty() && !previous_.notes.empty()) message_ = previous_.notes.front();
  }

  void draw() {
    sockets::WatchFrameInfo info;
    info.sort = sockets::toString(sort_);
    info.filter = filter_text_;
    info.interval_seconds = config_.interval_seconds;
    info.paused = paused_;
    info.processes = config_.table.processes;
    info.clock = clockText(clock_.wallNow());
    info.prompt = editing_ ? "filter: " + edit_ + "_" : "";
    info.message = message_;
    info.ephemeral_in_use = ephemeral_in_use_;
    info.ephemeral_available = ephemeral_available_;
    std::tie(info.width, info.height) = TerminalSession::size();
    TerminalSession::write(sockets::renderWatchFrame(rows_, info, *config_.registry));
  }

  // False when the user quits.
  bool handleKey(char key) {
    if (editing_) {
      if (key == '\r' || key == '\n') {
        editing_ = false;
        try {
          filter_ = sockets::parseFilter(edit_);
          filter_text_ = filter_.toString();
          message_.clear();
          previous_ = {};
          refresh();
        } catch (const core::UsageError& e) {
          message_ = e.what();
        }
      } else if (key == 27) {
        editing_ = false;
      } else if (key == 21) {  // Ctrl-U, as in a shell: clear the line
        edit_.clear();
      } else if (key == 127 || key == 8) {
        if (!edit_.empty()) edit_.pop_back();
      } else if (key >= 32 && key < 127) {
        edit_ += key;
      }
      return true;
    }
    message_.clear();
    switch (key) {
      case 'q':
      case 3:  // Ctrl-C: ISIG is off in raw mode
        return false;
      case 'p':
        paused_ = !paused_;
        break;
      case 's':
        nextSortKey();
        break;
      case 'r':
        if (sort_.empty()) sort_ = {sockets::SortField{}};
        sort_.front().descending = !sort_.front().descending;
        resort();
        break;
      case 'f':
        editing_ = true;
        edit_ = filter_text_;
        break;
      default:
        break;
    }
    return true;
  }

  void nextSortKey() {
    const auto& names = sockets::sortKeyNames();
    const std::size_t current =
        sort_.empty() ? names.size() - 1 : static_cast<std::size_t>(sort_.front().key);
    sort_ = {
        sockets::SortField{static_cast<sockets::SortKey>((current + 1) % names.size()), false}};
    resort();
  }

  // Re-sorts what is on screen without reading the table again (also while paused); gone rows
  // stay last.
  void resort() {
    std::stable_sort(rows_.begin(), rows_.end(), [this](const auto& a, const auto& b) {
      const bool a_gone = a.change == sockets::RowChange::kGone;
      const bool b_gone = b.change == sockets::RowChange::kGone;
      if (a_gone != b_gone) return b_gone;
      return sockets::sortsBefore(a.record, b.record, sort_);
    });
  }

  const WatchConfig& config_;
  core::Clock& clock_;
  sockets::Filter filter_;
  std::string filter_text_;
  std::vector<sockets::SortField> sort_;
  registry::EphemeralRange ephemeral_;
  sockets::Table previous_;
  sockets::Table older_;
  std::vector<sockets::DiffRow> rows_;
  std::size_t ephemeral_in_use_ = 0;
  std::size_t ephemeral_available_ = 0;
  bool paused_ = false;
  bool editing_ = false;
  std::string edit_;
  std::string message_;
};

}  // namespace

int runWatch(const WatchConfig& config, sockets::Filter filter, core::Clock& clock) {
  return WatchLoop(config, std::move(filter), clock).run();
}

}  // namespace portlens::cli
