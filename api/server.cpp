#include "api/server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/problem.hpp"
#include "engine/error.hpp"

namespace petitiond::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(Options o, Handler h)
      : options(std::move(o)), handler(std::move(h)), workers(static_cast<std::size_t>(options.workers)) {}

  Options options;
  Handler handler;
  net::io_context ioc;
  net::thread_pool workers;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<int> pending{0};  // handlers queued or running (the 503 bound)
  std::atomic<int> busy{0};     // requests read and not yet answered (graceful stop waits for these)
  std::mutex mu;
  std::condition_variable stopped_cv;
  bool stopped = false;
  bool stopping = false;
  std::atomic<int> connections{0};

  static Request Convert(const http::request<http::string_body>& in) {
    Request r;
    r.method = std::string(in.method_string());
    const std::string_view target(in.target().data(), in.target().size());
    auto parsed = boost::urls::parse_origin_form(target);
    if (parsed) {
      r.path = parsed->path();
      for (auto p : parsed->params()) r.query[p.key] = p.value;
    } else {
      r.path = std::string(target);  // routed to 404 by the handler
    }
    for (const auto& field : in) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.body = in.body();
    return r;
  }

  static http::response<http::string_body> ToBeast(const Response& in, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(in.status), version};
    res.set(http::field::server, "petitiond");
    res.set(http::field::content_type, in.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : in.headers) res.set(k, v);
    res.body() = in.body;
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  }

  net::awaitable<Response> Dispatch(const Request& request) {
    // Bounded: past max_pending, refuse now rather than queue without limit.
    if (pending.fetch_add(1) >= options.max_pending) {
      pending.fetch_sub(1);
      co_return Problem(503, "busy", "Server busy", "too many requests in progress; retry shortly");
    }
    struct Done {
      std::atomic<int>& n;
      ~Done() { n.fetch_sub(1); }
    } done{pending};
    // Run the blocking handler on the worker pool; resume on this connection's strand.
    co_return co_await net::co_spawn(
        workers, [this, &request]() -> net::awaitable<Response> { co_return handler(request); }, net::use_awaitable);
  }

  net::awaitable<void> Session(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    beast::error_code peer_ec;
    const auto peer = stream.socket().remote_endpoint(peer_ec);
    const std::string client = peer_ec ? "" : peer.address().to_string();
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(16 * 1024);
      stream.expires_after(options.header_timeout);
      auto [hec, hbytes] = co_await http::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
      beast::error_code ec = hec;
      std::size_t limit = options.body_limit;
      if (!ec && options.body_limit_for) {
        const auto& head = parser.get();
        const std::size_t wider = options.body_limit_for(std::string_view(head.method_string().data(), head.method_string().size()),
                                                         std::string_view(head.target().data(), head.target().size()));
        if (wider > limit) {
          limit = wider;
          parser.body_limit(limit);
        }
      }
      if (!ec && !parser.is_done()) {
        stream.expires_after(options.timeout);
        auto [bec, bbytes] = co_await http::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        ec = bec;
      }
      if (ec == http::error::end_of_stream) break;  // the client closed: a normal exit
      if (ec == http::error::body_limit) {
        Response too_big = Problem(413, "too-large", "Request too large",
                                   "the body exceeds " + std::to_string(limit) + " bytes");
        auto res = ToBeast(too_big, 11, false);
        co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
        break;
      }
      if (ec) break;  // timeout or a broken peer: nothing to answer
      struct Busy {
        std::atomic<int>& n;
        explicit Busy(std::atomic<int>& c) : n(c) { n.fetch_add(1); }
        ~Busy() { n.fetch_sub(1); }
      } busy_guard{busy};
      const auto& raw = parser.get();
      Request request = Convert(raw);
      request.client = client;
      const auto started = std::chrono::steady_clock::now();
      Response response = co_await Dispatch(request);
      spdlog::info("{} {} {} {}ms", request.method, request.path, response.status,
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                       .count());
      const bool keep_alive = raw.keep_alive();
      auto res = ToBeast(response, raw.version(), keep_alive);
      if (raw.method() == http::verb::head) {
        // The GET's headers, its Content-Length included, and no body.
        const auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
      }
      stream.expires_after(options.timeout);
      auto [wec, written] = co_await http::async_write(stream, res, net::as_tuple(net::use_awaitable));
      if (wec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  net::awaitable<void> Listen() {
    net::steady_timer pause(co_await net::this_coro::executor);
    for (;;) {
      // At the cap, or out of file descriptors (EMFILE): wait a little instead of
      // spinning on accept; the kernel's backlog holds the newcomers meanwhile.
      while (connections.load() >= options.max_connections) {
        pause.expires_after(std::chrono::milliseconds(20));
        auto [wec] = co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        if (wec || !acceptor.is_open()) co_return;
      }
      // Each connection gets its own strand.
      auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), net::as_tuple(net::use_awaitable));
      if (ec == net::error::operation_aborted) co_return;  // Stop() closed the acceptor
      if (ec) {
        pause.expires_after(std::chrono::milliseconds(100));
        auto [wec] = co_await pause.async_wait(net::as_tuple(net::use_awaitable));
        if (wec || !acceptor.is_open()) co_return;
        continue;
      }
      auto executor = socket.get_executor();
      connections.fetch_add(1);
      net::co_spawn(executor, Counted(beast::tcp_stream(std::move(socket))), net::detached);
    }
  }

  net::awaitable<void> Counted(beast::tcp_stream stream) {
    struct Open {
      std::atomic<int>& n;
      ~Open() { n.fetch_sub(1); }
    } open{connections};
    co_await Session(std::move(stream));
  }
};

HttpServer::HttpServer(Options options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

unsigned short HttpServer::Start() {
  Impl& s = *impl_;
  beast::error_code ec;
  const auto address = net::ip::make_address(s.options.host, ec);
  if (ec) throw DomainError(ErrorKind::kInvalid, "listen address '" + s.options.host + "': " + ec.message());
  const tcp::endpoint endpoint(address, s.options.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw DomainError(ErrorKind::kUnavailable, "cannot listen on " + s.options.host + ":" +
                                                   std::to_string(s.options.port) + ": " + ec.message());
  }
  const unsigned short port = s.acceptor.local_endpoint().port();
  net::co_spawn(s.ioc, s.Listen(), net::detached);
  for (int i = 0; i < s.options.io_threads; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  return port;
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.stopping || s.threads.empty()) return;
    s.stopping = true;
  }
  net::post(s.ioc, [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
  });
  // Requests already read get their answers written before the threads stop.
  for (int i = 0; i < 100 && s.busy.load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.workers.join();
  {
    std::lock_guard lock(s.mu);
    s.stopped = true;
  }
  s.stopped_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace petitiond::api
