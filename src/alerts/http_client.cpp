#include "alerts/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <utility>

#include "alerts/delivery_error.h"

namespace portlens::alerts {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct Exchange {
  const HttpUrl& url;
  const std::string& body;
  const std::vector<std::pair<std::string, std::string>>& headers;
  const HttpLimits& limits;
  HttpResponse response;
};

asio::awaitable<void> run(Exchange& exchange, beast::tcp_stream& stream) {
  tcp::resolver resolver(co_await asio::this_coro::executor);
  // The stream's timer bounds each step; resolving numeric hosts does not block.
  const auto endpoints = co_await resolver.async_resolve(
      exchange.url.host, std::to_string(exchange.url.port), asio::use_awaitable);
  co_await stream.async_connect(endpoints, asio::use_awaitable);

  http::request<http::string_body> request{http::verb::post, exchange.url.target, 11};
  const bool v6 = exchange.url.host.find(':') != std::string::npos;
  request.set(http::field::host, (v6 ? "[" + exchange.url.host + "]" : exchange.url.host) + ":" +
                                     std::to_string(exchange.url.port));
  request.set(http::field::user_agent, "portlens-alerts");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : exchange.headers) request.set(name, value);
  request.body() = exchange.body;
  request.prepare_payload();
  co_await http::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(exchange.limits.max_body);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  exchange.response.status = parser.get().result_int();
  exchange.response.body = std::move(parser.get().body());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

HttpResponse postJson(const HttpUrl& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      const HttpLimits& limits) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(limits.timeout);
  Exchange exchange{url, body, headers, limits, {}};
  std::exception_ptr failure;
  asio::co_spawn(io, run(exchange, stream), [&](std::exception_ptr e) { failure = std::move(e); });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      const bool timed_out = e.code() == beast::error::timeout;
      throw DeliveryError("HTTP " + canonicalUrl(url) + ": " +
                          (timed_out ? std::string("timeout") : e.code().message()));
    }
  }
  const unsigned status = exchange.response.status;
  if (status / 100 != 2) {
    const bool permanent = status / 100 == 4 && status != 408 && status != 429;
    throw DeliveryError("HTTP " + canonicalUrl(url) + " answered " + std::to_string(status),
                        permanent);
  }
  return exchange.response;
}

}  // namespace portlens::alerts
