#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "server/api_error.h"
#include "server/api_request.h"
#include "server/event_stream.h"
#include "server/metrics_endpoint.h"
#include "server/route_template.h"

namespace portlens::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

constexpr std::size_t kMaxBody = std::size_t{64} * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kEventPoll = std::chrono::milliseconds(200);
constexpr auto kHeartbeat = std::chrono::seconds(15);

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
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
  EventHub events;
  // POSTs resolve host names (getaddrinfo blocks, sometimes for seconds): they run here, so
  // a slow resolver never stalls the io threads that serve everyone else.
  asio::thread_pool blocking{2};

  Impl(const ServerConfig& c, ApiRoutes& r, StorePool& p, const registry::PortRegistry& reg,
       core::Clock& clk, metrics::PortlensMetrics* m)
      : config(c), routes(r), pool(p), registry(reg), clock(clk), metrics(m), events(reg, clk) {}

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

  asio::awaitable<void> streamEvents(beast::tcp_stream& stream, const HttpRequest& request,
                                     std::int64_t id) {
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
    stream.expires_after(kIdleTimeout);
    co_await asio::async_write(stream, asio::buffer(head), use_awaitable);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto last_write = clock.now();
    std::string out;
    while (!stopping.load()) {
      out.clear();
      bool more = false;
      {
        auto store = pool.take();
        more = cursor.poll(*store, events, out);
      }
      const auto now = clock.now();
      if (out.empty() && now - last_write >= kHeartbeat) out = ": keep-alive\n\n";
      if (!out.empty()) {
        stream.expires_after(kIdleTimeout);
        co_await asio::async_write(stream, asio::buffer(out), use_awaitable);
        last_write = now;
      }
      if (cursor.finished()) break;
      if (!more) {
        timer.expires_after(kEventPoll);
        co_await timer.async_wait(use_awaitable);
      }
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) co_return;
    const auto client = toIpAddress(endpoint.address());
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    try {
      while (!stopping.load()) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kMaxBody);
        stream.expires_after(kIdleTimeout);
        boost::system::error_code read_error;
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(use_awaitable, read_error));
        const auto started = clock.now();
        if (read_error == http::error::body_limit) {
          auto out = toBeast(
              ApiRoutes::errorResponse(413, "body_too_large", "request body larger than 64 KiB"),
              11, false, false);
          co_await http::async_write(stream, out, use_awaitable);
          const auto& header = parser.get();
          observe(header.method_string(), header.target().substr(0, header.target().find('?')), 413,
                  started);
          break;
        }
        if (read_error) throw boost::system::system_error(read_error);
        auto& req = parser.get();
        HttpRequest request = convert(req, client);
        const bool head = req.method() == http::verb::head;
        if (const auto id = eventStreamId(request.path);
            id != 0 && req.method() == http::verb::get) {
          HttpResponse refusal;
          try {
            if (id < 0) throw ApiError(404, "not_found", "no such scan");
            routes.authorizeScanRead(request, id);
            co_await streamEvents(stream, request, id);
            observe(request.method, request.path, 200, started);
            break;
          } catch (const ApiError& e) {
            refusal = ApiRoutes::errorResponse(e.status(), e.code(), e.what(), e.retryAfter());
          }
          auto out = toBeast(refusal, req.version(), false, false);
          co_await http::async_write(stream, out, use_awaitable);
          observe(request.method, request.path, refusal.status, started);
          break;
        }
        HttpResponse response;
        if (req.method() != http::verb::get && !head) {  // POST, PATCH, DELETE write
          co_await asio::post(blocking.get_executor(), use_awaitable);
          response = respond(request);
          co_await asio::post(stream.get_executor(), use_awaitable);
        } else {
          response = respond(request);
        }
        auto out = toBeast(response, req.version(), req.keep_alive(), head);
        co_await http::async_write(stream, out, use_awaitable);
        observe(request.method, request.path, response.status, started);
        if (!out.keep_alive()) break;
      }
    } catch (const boost::system::system_error&) {
      // The client went away, timed out or sent something unparseable: drop the connection.
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
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
    boost::system::error_code ec;
    acceptor.close(ec);
    timer.expires_after(std::chrono::milliseconds(500));
    co_await timer.async_wait(use_awaitable);
    io.stop();
  }
};

HttpServer::HttpServer(const ServerConfig& config, ApiRoutes& routes, StorePool& pool,
                       const registry::PortRegistry& registry, core::Clock& clock,
                       metrics::PortlensMetrics* metrics)
    : impl_(std::make_unique<Impl>(config, routes, pool, registry, clock, metrics)) {}

HttpServer::~HttpServer() = default;

std::string HttpServer::bind() {
  auto [host, port] = splitListen(impl_->config.listen);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::invalid_argument("'" + host + "' is not an IP address");
  tcp::endpoint endpoint(address, port);
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
  return "http://" + shown + ":" + std::to_string(bound.port()) + "/";
}

void HttpServer::run(const std::atomic<bool>& stop) {
  asio::co_spawn(impl_->io, impl_->acceptLoop(), asio::detached);
  asio::co_spawn(impl_->io, impl_->watchStop(stop), asio::detached);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < impl_->config.http_threads; ++i) {
    threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : threads) t.join();
  impl_->blocking.join();
}

}  // namespace portlens::server
