#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "server/api_error.h"
#include "server/api_request.h"
#include "server/event_stream.h"
#include "server/metrics_endpoint.h"
#include "server/route_template.h"
#include "server/scan_signals.h"
#include "server/server_log.h"
#include "server/tls_context.h"
#include "store/change_listener.h"
#include "store/database.h"
#include "target_policy/forwarded.h"

namespace portlens::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

constexpr std::size_t kMaxBody = std::size_t{64} * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// An event stream reads the store every kEventPoll, unless PostgreSQL notifies (scan_signals.h):
// then it sleeps until the listener wakes it for its scan, reading the store at least every
// kSignalledPoll (a rate or ETA changes without rows).
constexpr auto kEventPoll = std::chrono::milliseconds(200);
constexpr auto kSignalledPoll = std::chrono::seconds(1);
// The listening thread's wait on its socket (how soon it sees the server stop), and its pause
// before opening a lost listening connection again.
constexpr auto kListenTick = std::chrono::milliseconds(100);
constexpr auto kListenRetry = std::chrono::seconds(1);
constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

// A plain HTTP request on the TLS port: the answer says what to do instead.
constexpr std::string_view kUseHttps =
    "This port speaks HTTPS only: use https:// in the address.\n";

template <class Stream>
void armTimeout(Stream& stream, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
}

// The page needs nothing from elsewhere: scripts, styles and connections only to itself,
// no inline script or style, no framing, no forms posting anywhere.
constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
    {"Cache-Control", "no-store"},
};

core::IpAddress toIpAddress(const asio::ip::address& address) {
  if (address.is_v4()) return core::IpAddress::fromV4(address.to_v4().to_uint());
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return core::IpAddress::fromV4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
  }
  std::array<std::uint8_t, 16> bytes{};
  auto raw = v6.to_bytes();
  std::copy(raw.begin(), raw.end(), bytes.begin());
  return core::IpAddress::fromV6Bytes(bytes);
}

// "/api/v1/scans/12/events" -> 12; 0 when the path is not an event stream.
std::int64_t eventStreamId(const std::string& path) {
  constexpr std::string_view kPrefix = "/api/v1/scans/";
  constexpr std::string_view kSuffix = "/events";
  if (path.size() <= kPrefix.size() + kSuffix.size() || path.rfind(kPrefix, 0) != 0 ||
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return 0;
  }
  auto middle = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  try {
    return parseId(middle);
  } catch (const ApiError&) {
    return -1;
  }
}

}  // namespace

struct HttpServer::Impl {
  const ServerConfig& config;
  ApiRoutes& routes;
  StorePool& pool;
  const registry::PortRegistry& registry;
  core::Clock& clock;
  metrics::PortlensMetrics* metrics;
  ServerLog& log;
  std::unique_ptr<TlsContext> tls;  // set by bind() when the config names a certificate
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  EventHub events;
  ScanSignals signals;  // moved by the results listener (PostgreSQL only)
  // Event streams by scan id, each with the timer it sleeps on: the listener thread wakes the
  // scan's streams by cancelling their timers on their own strands (a stream re-checks its
  // signal between setting the timer and waiting, so a wake-up never falls in between).
  std::mutex sleepers_mutex;
  std::multimap<std::int64_t, std::weak_ptr<asio::steady_timer>> sleepers;
  // POSTs resolve host names (getaddrinfo blocks, sometimes for seconds): they run here, so
  // a slow resolver never stalls the io threads that serve everyone else. Made by run(): no
  // thread may exist before serve drops its privileges (after bind(), cli/serve_command).
  std::optional<asio::thread_pool> blocking;

  Impl(const ServerConfig& c, ApiRoutes& r, StorePool& p, const registry::PortRegistry& reg,
       core::Clock& clk, ServerLog& l, metrics::PortlensMetrics* m)
      : config(c),
        routes(r),
        pool(p),
        registry(reg),
        clock(clk),
        metrics(m),
        log(l),
        events(reg, clk) {}

  // The client behind the trusted proxies, from the request's Forwarded / X-Forwarded-For.
  core::IpAddress clientOf(const http::request<http::string_body>& req,
                           const core::IpAddress& peer) {
    if (config.trusted_proxies.empty()) return peer;
    target_policy::ProxyHeaders headers;
    for (const auto& field : req) {
      if (field.name() == http::field::forwarded) {
        headers.forwarded.emplace_back(field.value().data(), field.value().size());
      } else if (beast::iequals(field.name_string(), "X-Forwarded-For")) {
        headers.x_forwarded_for.emplace_back(field.value().data(), field.value().size());
      }
    }
    return target_policy::resolveClientAddress(peer, headers, config.trusted_proxies);
  }

  void logRequest(const http::request<http::string_body>& req, const HttpRequest& request,
                  int status, std::uint64_t bytes, core::Clock::SteadyTime started) {
    const auto& notes = *request.notes;
    log.request({std::string_view(req.method_string().data(), req.method_string().size()),
                 std::string_view(req.target().data(), req.target().size()), status, bytes,
                 std::chrono::duration_cast<std::chrono::microseconds>(clock.now() - started),
                 request.client, notes.token});
    observe(request.method, request.path, status, started);
    if (!notes.refused_code.empty()) {
      log.refused(request.client, notes.token, notes.refused_targets, notes.refused_code,
                  notes.refused_reason);
    }
  }

  // One request's duration, from its last byte read to its answer written.
  void observe(std::string_view method, std::string_view path, int status,
               core::Clock::SteadyTime started) {
    if (metrics == nullptr) return;
    const std::chrono::duration<double> elapsed = clock.now() - started;
    metrics->http_duration
        .with({httpMethodLabel(method), httpRouteTemplate(path), httpStatusClass(status)})
        .observe(elapsed.count());
  }

  HttpResponse respond(const HttpRequest& request) {
    if (metrics != nullptr && request.path == "/metrics") {
      return serveMetrics(config.metrics, metrics->registry, request);
    }
    return routes.handle(request);
  }

  HttpRequest convert(const http::request<http::string_body>& req, const core::IpAddress& client) {
    HttpRequest r;
    r.method = std::string(req.method_string());
    std::string target(req.target());
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.authorization = std::string(req[http::field::authorization]);
    r.content_type = std::string(req[http::field::content_type]);
    r.last_event_id = std::string(req["Last-Event-ID"]);
    r.body = req.body();
    r.client = client;
    return r;
  }

  http::response<http::string_body> toBeast(const HttpResponse& res, unsigned version,
                                            bool keep_alive, bool head) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "portlens");
    out.set(http::field::content_type, res.content_type);
    for (const auto& [name, value] : kSecurityHeaders) out.set(name, value);
    for (const auto& [name, value] : res.headers) out.set(name, value);
    out.body() = head ? std::string() : res.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    if (head) out.content_length(res.body.size());
    return out;
  }

  // Counts the bytes written in `streamed` (also when the client goes away mid-stream).
  template <class Stream>
  asio::awaitable<void> streamEvents(Stream& stream, const HttpRequest& request, std::int64_t id,
                                     std::uint64_t& streamed) {
    auto query = parseQuery(request.query);
    std::int64_t after = 0;
    std::string after_text = request.last_event_id;
    if (auto it = query.find("after"); it != query.end()) after_text = it->second;
    try {
      if (!after_text.empty()) after = std::stoll(after_text);
    } catch (const std::exception&) {
      throw ApiError(400, "invalid_query", "after / Last-Event-ID must be a number");
    }
    auto states_it = query.find("states");
    EventCursor cursor(
        id, parseStates(states_it == query.end() ? std::nullopt : std::optional(states_it->second)),
        after);
    std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
        "X-Accel-Buffering: no\r\n";
    for (const auto& [name, value] : kSecurityHeaders) {
      head += std::string(name) + ": " + value + "\r\n";
    }
    head += "\r\n";
    armTimeout(stream, kIdleTimeout);
    co_await asio::async_write(stream, asio::buffer(head), use_awaitable);
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
    const Sleeper sleeper(*this, id, timer);
    auto last_write = clock.now();
    auto last_read = last_write;
    std::optional<std::uint64_t> seen_signal;  // the scan's signal at the last read (none yet)
    bool more = false;
    std::string out;
    while (!stopping.load()) {
      out.clear();
      // Read before the store read it may cause; without notifications every pass reads.
      const std::uint64_t signal = signals.generation(id);
      const bool read = more || signal != seen_signal || !signals.listening() ||
                        clock.now() - last_read >= kSignalledPoll;
      more = false;
      if (read) {
        seen_signal = signal;
        last_read = clock.now();
        try {
          auto store = pool.take();
          more = cursor.poll(*store, events, out, signal);
        } catch (const store::ConnectionLost& e) {
          // PostgreSQL went away (a restart): the pool drops that connection, the stream stays
          // open (keep-alives) and goes on from its cursor once a new one opens. Whatever poll
          // wrote before the loss is consistent with the cursor and is sent.
          log.event("warning", "event stream of scan " + std::to_string(id) + ": " + e.what());
        }
      }
      const auto now = clock.now();
      if (out.empty() && now - last_write >= kHeartbeat) out = ": keep-alive\n\n";
      if (!out.empty()) {
        armTimeout(stream, kIdleTimeout);
        co_await asio::async_write(stream, asio::buffer(out), use_awaitable);
        streamed += out.size();
        last_write = now;
      }
      if (cursor.finished()) break;
      if (more) continue;
      timer->expires_after(signals.listening() ? kSignalledPoll : kEventPoll);
      if (signals.generation(id) == seen_signal && !stopping.load()) {
        boost::system::error_code woken;  // operation_aborted: the listener woke this stream
        co_await timer->async_wait(asio::redirect_error(use_awaitable, woken));
      }
    }
  }

  // A stream's timer in `sleepers` for as long as the stream runs.
  class Sleeper {
   public:
    Sleeper(Impl& impl, std::int64_t scan_id, const std::shared_ptr<asio::steady_timer>& timer)
        : impl_(impl) {
      std::lock_guard lock(impl_.sleepers_mutex);
      entry_ = impl_.sleepers.emplace(scan_id, timer);
    }
    ~Sleeper() {
      std::lock_guard lock(impl_.sleepers_mutex);
      impl_.sleepers.erase(entry_);
    }
    Sleeper(const Sleeper&) = delete;
    Sleeper& operator=(const Sleeper&) = delete;

   private:
    Impl& impl_;
    std::multimap<std::int64_t, std::weak_ptr<asio::steady_timer>>::iterator entry_;
  };

  // Wakes the streams of `scan_id` (nullopt: every stream), each on its own strand.
  void wakeStreams(std::optional<std::int64_t> scan_id) {
    std::lock_guard lock(sleepers_mutex);
    auto [first, last] =
        scan_id ? sleepers.equal_range(*scan_id) : std::pair(sleepers.begin(), sleepers.end());
    for (auto it = first; it != last; ++it) {
      if (auto timer = it->second.lock()) {
        asio::post(timer->get_executor(), [weak = it->second] {
          if (auto alive = weak.lock()) alive->cancel();
        });
      }
    }
  }

  // PostgreSQL: LISTEN portlens_results on a connection of its own, for as long as the server
  // runs; every notification moves its scan's signal, so event streams on this front end see
  // rows any worker committed (through any front end's database) within milliseconds. A lost
  // connection is opened again after kListenRetry; meanwhile streams poll.
  void listenForResults() {
    std::unique_ptr<store::ChangeListener> listener;
    bool failing = false;  // one warning per outage, not one a second
    while (!stopping.load()) {
      try {
        if (!listener) {
          listener = std::make_unique<store::ChangeListener>(config.db, store::kResultsChannel);
          signals.setListening(true);
          signals.bumpAll();  // whatever was committed while no one listened
          wakeStreams(std::nullopt);
          if (std::exchange(failing, false)) log.event("info", "listening for new results again");
        }
        for (const auto& payload : listener->wait(kListenTick)) {
          wakeStreams(signals.notify(payload));
        }
      } catch (const std::exception& e) {
        signals.setListening(false);
        wakeStreams(std::nullopt);  // back to polling every kEventPoll
        listener.reset();
        if (!std::exchange(failing, true)) {
          log.event("warning", std::string("listening for new results (event streams poll until "
                                           "it is back): ") +
                                   e.what());
        }
        const auto until = clock.now() + kListenRetry;
        while (!stopping.load() && clock.now() < until) clock.sleepFor(kListenTick);
      }
    }
    signals.setListening(false);
  }

  // Requests on one connection (plain or TLS) until it closes. Throws system_error when the
  // client goes away, times out or sends something unparseable.
  template <class Stream>
  asio::awaitable<void> serveRequests(Stream& stream, beast::flat_buffer& buffer,
                                      const core::IpAddress& peer) {
    while (!stopping.load()) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxBody);
      armTimeout(stream, kIdleTimeout);
      boost::system::error_code read_error;
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(use_awaitable, read_error));
      const auto started = clock.now();
      if (read_error == http::error::body_limit) {
        auto out = toBeast(
            ApiRoutes::errorResponse(413, "body_too_large", "request body larger than 64 KiB"), 11,
            false, false);
        co_await http::async_write(stream, out, use_awaitable);
        const auto& header = parser.get();
        observe(header.method_string(), header.target().substr(0, header.target().find('?')), 413,
                started);
        break;
      }
      if (read_error) throw boost::system::system_error(read_error);
      auto& req = parser.get();
      RequestNotes notes;
      HttpRequest request = convert(req, clientOf(req, peer));
      request.notes = &notes;
      const bool head = req.method() == http::verb::head;
      if (const auto id = eventStreamId(request.path); id != 0 && req.method() == http::verb::get) {
        HttpResponse refusal;
        try {
          if (id < 0) throw ApiError(404, "not_found", "no such scan");
          routes.authorizeScanRead(request, id);
          std::uint64_t streamed = 0;
          try {
            co_await streamEvents(stream, request, id, streamed);
          } catch (const boost::system::system_error&) {
            logRequest(req, request, 200, streamed, started);  // most streams end this way
            throw;
          }
          logRequest(req, request, 200, streamed, started);
          break;
        } catch (const ApiError& e) {
          refusal = ApiRoutes::errorResponse(e.status(), e.code(), e.what(), e.retryAfter());
        }
        auto out = toBeast(refusal, req.version(), false, false);
        co_await http::async_write(stream, out, use_awaitable);
        logRequest(req, request, refusal.status, refusal.body.size(), started);
        break;
      }
      HttpResponse response;
      if (req.method() != http::verb::get && !head) {  // POST, PATCH, DELETE write
        co_await asio::post(blocking->get_executor(), use_awaitable);
        response = respond(request);
        co_await asio::post(stream.get_executor(), use_awaitable);
      } else {
        response = respond(request);
      }
      auto out = toBeast(response, req.version(), req.keep_alive(), head);
      co_await http::async_write(stream, out, use_awaitable);
      logRequest(req, request, response.status, head ? 0 : response.body.size(), started);
      if (!out.keep_alive()) break;
    }
  }

  // A plain HTTP request on the TLS port: read it (so the answer is not lost to a reset of
  // unread bytes) and say to use https.
  asio::awaitable<void> refusePlainHttp(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                        const core::IpAddress& peer) {
    http::request_parser<http::empty_body> parser;
    parser.body_limit(kMaxBody);
    boost::system::error_code ec;
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(use_awaitable, ec));
    http::response<http::string_body> out{http::status::bad_request, 11};
    out.set(http::field::server, "portlens");
    out.set(http::field::content_type, "text/plain; charset=utf-8");
    out.body() = std::string(kUseHttps);
    out.keep_alive(false);
    out.prepare_payload();
    co_await http::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
    const auto& req = parser.get();
    log.request(
        {ec ? std::string_view("-")
            : std::string_view(req.method_string().data(), req.method_string().size()),
         ec ? std::string_view("-") : std::string_view(req.target().data(), req.target().size()),
         400, out.body().size(), std::chrono::microseconds(0), peer, ""});
  }

  asio::awaitable<void> serveTls(beast::tcp_stream stream, beast::flat_buffer& buffer,
                                 const core::IpAddress& peer) {
    armTimeout(stream, kHandshakeTimeout);
    if (!co_await beast::async_detect_ssl(stream, buffer, use_awaitable)) {
      co_await refusePlainHttp(stream, buffer, peer);
      boost::system::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    const auto context = tls->current();  // kept alive by this coroutine for the connection
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *context);
    const auto used = co_await secure.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                      use_awaitable);
    buffer.consume(used);
    co_await serveRequests(secure, buffer, peer);
    armTimeout(secure, std::chrono::seconds(2));
    boost::system::error_code ec;
    co_await secure.async_shutdown(asio::redirect_error(use_awaitable, ec));
  }

  asio::awaitable<void> session(tcp::socket socket) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) co_return;
    const auto peer = toIpAddress(endpoint.address());
    beast::flat_buffer buffer;
    try {
      if (tls) {
        co_await serveTls(beast::tcp_stream(std::move(socket)), buffer, peer);
        co_return;
      }
      beast::tcp_stream stream(std::move(socket));
      try {
        co_await serveRequests(stream, buffer, peer);
      } catch (const boost::system::system_error&) {
      }
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    } catch (const boost::system::system_error&) {
      // The client went away, timed out or sent something unparseable: drop the connection.
    }
  }

  // SIGHUP: re-read the certificate and key; a broken pair keeps the old one.
  asio::awaitable<void> reloadOnHangup() {
    asio::signal_set hangup(io, SIGHUP);
    while (true) {
      boost::system::error_code ec;
      co_await hangup.async_wait(asio::redirect_error(use_awaitable, ec));
      if (ec || stopping.load()) co_return;
      if (!tls) {
        log.event("info", "SIGHUP: no TLS configured, nothing to reload");
        continue;
      }
      if (auto error = tls->reload()) {
        log.event("error", "TLS reload failed, the previous certificate stays in use: " + *error);
      } else {
        log.event("info", "TLS certificate reloaded, SHA-256 " + tls->fingerprint());
      }
    }
  }

  asio::awaitable<void> acceptLoop() {
    while (true) {
      tcp::socket socket(asio::make_strand(io));
      boost::system::error_code ec;
      co_await acceptor.async_accept(socket, asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
      auto executor = socket.get_executor();
      asio::co_spawn(executor, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> watchStop(const std::atomic<bool>& stop) {
    asio::steady_timer timer(io);
    while (!stop.load()) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(use_awaitable);
    }
    stopping = true;
    wakeStreams(std::nullopt);  // streams asleep until a notification end now
    boost::system::error_code ec;
    acceptor.close(ec);
    timer.expires_after(std::chrono::milliseconds(500));
    co_await timer.async_wait(use_awaitable);
    io.stop();
  }
};

HttpServer::HttpServer(const ServerConfig& config, ApiRoutes& routes, StorePool& pool,
                       const registry::PortRegistry& registry, core::Clock& clock, ServerLog& log,
                       metrics::PortlensMetrics* metrics)
    : impl_(std::make_unique<Impl>(config, routes, pool, registry, clock, log, metrics)) {}

HttpServer::~HttpServer() = default;

std::string HttpServer::bind() {
  auto [host, port] = splitListen(impl_->config.listen);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("'" + host + "' is not an IP address");
  tcp::endpoint endpoint(address, port);
  if (!impl_->config.tls_cert.empty()) {
    impl_->tls = std::make_unique<TlsContext>(impl_->config.tls_cert, impl_->config.tls_key);
  }
  auto& acceptor = impl_->acceptor;
  try {
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    // Callers see the standard error type (the CLI maps it to exit code 3).
    throw std::system_error(e.code().value(), std::generic_category(), e.code().message());
  }
  const auto bound = acceptor.local_endpoint();
  const std::string shown = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                    : bound.address().to_string();
  return (impl_->tls ? "https://" : "http://") + shown + ":" + std::to_string(bound.port()) + "/";
}

void HttpServer::run(const std::atomic<bool>& stop) {
  impl_->blocking.emplace(2);
  asio::co_spawn(impl_->io, impl_->acceptLoop(), asio::detached);
  asio::co_spawn(impl_->io, impl_->watchStop(stop), asio::detached);
  asio::co_spawn(impl_->io, impl_->reloadOnHangup(), asio::detached);
  std::vector<std::thread> threads;
  if (store::isPostgresUrl(impl_->config.db)) {
    threads.emplace_back([this] { impl_->listenForResults(); });
  }
  for (unsigned i = 1; i < impl_->config.http_threads; ++i) {
    threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : threads) t.join();
  impl_->blocking->join();
}

}  // namespace portlens::server
