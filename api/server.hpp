#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_types.hpp"

namespace petitiond::api {

// HTTP/1.1 server on Boost.Beast. I/O runs on a few io_context threads, one strand
// per connection; handlers (blocking: database, argon2id) run on a bounded worker
// pool. When `max_pending` requests are already queued or running, new ones get 503
// with Retry-After at once instead of queueing without bound.
//
// Thread safety: Start, Wait and Stop from the owner thread; Stop may also be called
// from a signal-handling thread.
class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 8080;       // 0: any free port (tests)
    int io_threads = 2;
    int workers = 4;                  // size it to the database pool
    int max_pending = 64;
    std::size_t body_limit = 1 << 20;
    // A larger limit for some requests (uploads), by method and target; 0 or unset:
    // body_limit.
    std::function<std::size_t(std::string_view method, std::string_view target)> body_limit_for;
    std::chrono::seconds timeout{30};  // a request's body, and each write
    // From the connection's first byte (or the end of its last answer) to the end of
    // the request's headers: a slow or idle client is closed after this.
    std::chrono::seconds header_timeout{10};
    // Open connections at most; at the cap the server stops accepting (the kernel
    // queues newcomers) until one closes.
    int max_connections = 1024;
  };
  using Handler = std::function<Response(const Request&)>;

  HttpServer(Options options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in background threads. Returns the bound port.
  // Throws DomainError(kUnavailable) if the address cannot be bound.
  unsigned short Start();
  // Stops accepting, lets requests in progress finish and their responses be written
  // (up to 10 s), then stops.
  void Stop();
  // Blocks until Stop() has completed.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace petitiond::api
