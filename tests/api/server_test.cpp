#include "api/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

namespace petitiond {
namespace {

using api::HttpServer;
using api::Request;
using api::Response;

// A connection to 127.0.0.1:port whose reads give up after 10 s (a server that never
// answers fails the test instead of hanging it); -1 if it cannot connect.
int Connect(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends raw bytes to 127.0.0.1:port and returns everything the server wrote until it
// closed the connection (requests say Connection: close unless they say otherwise).
std::string Exchange(unsigned short port, const std::string& bytes) {
  const int fd = Connect(port);
  if (fd < 0) return "connect failed";
  for (std::size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return out;
}

std::string Get(const std::string& path, bool keep_alive = false) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
}

HttpServer::Options SmallServer() {
  HttpServer::Options o;
  o.port = 0;
  o.io_threads = 1;
  o.workers = 1;
  o.max_pending = 1;
  o.body_limit = 64;
  o.timeout = std::chrono::seconds(5);
  return o;
}

TEST(HttpServerTest, PassesDecodedPathAndQueryToTheHandler) {
  HttpServer server(SmallServer(), [](const Request& r) {
    Response resp;
    resp.body = r.method + "|" + r.path + "|" + (r.query.count("office") ? r.query.at("office") : "-");
    return resp;
  });
  const auto port = server.Start();
  const std::string out = Exchange(port, Get("/api/v1/cases?office=%E8%98%AD%E5%B6%BC"));
  EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
  EXPECT_NE(out.find("GET|/api/v1/cases|蘭嶼"), std::string::npos) << out;
}

TEST(HttpServerTest, AnswersTwoRequestsOnOneKeptAliveConnection) {
  HttpServer server(SmallServer(), [](const Request& r) {
    Response resp;
    resp.body = r.path;
    return resp;
  });
  const auto port = server.Start();
  const std::string out = Exchange(port, Get("/first", true) + Get("/second"));
  EXPECT_NE(out.find("/first"), std::string::npos) << out;
  EXPECT_NE(out.find("/second"), std::string::npos) << out;
}

// HEAD: the GET's status and headers, Content-Length included, no body; the kept-alive
// connection then answers the next request whole.
TEST(HttpServerTest, AnswersHeadWithTheHeadersAndNoBody) {
  HttpServer server(SmallServer(), [](const Request& r) {
    Response resp;
    resp.body = r.method == "GET" || r.method == "HEAD" ? "twelve bytes" : "?";
    return resp;
  });
  const auto port = server.Start();
  const std::string out =
      Exchange(port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + Get("/after"));
  const auto first_end = out.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << out;
  const std::string head = out.substr(0, first_end);
  EXPECT_NE(head.find("HTTP/1.1 200"), std::string::npos) << out;
  EXPECT_NE(head.find("Content-Length: 12"), std::string::npos) << out;
  // Straight after the HEAD's headers comes the next answer, not a body.
  EXPECT_EQ(out.compare(first_end + 4, 8, "HTTP/1.1"), 0) << out;
  EXPECT_NE(out.find("twelve bytes"), std::string::npos) << "the GET after it has its body: " << out;
  EXPECT_EQ(out.find("twelve bytes"), out.rfind("twelve bytes")) << out;
}

TEST(HttpServerTest, RefusesABodyOverTheLimitWith413) {
  HttpServer server(SmallServer(), [](const Request&) { return Response{}; });
  const auto port = server.Start();
  const std::string body(1000, 'x');
  const std::string out = Exchange(port, "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                                         "Connection: close\r\n\r\n" + body);
  EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
  EXPECT_NE(out.find("application/problem+json"), std::string::npos) << out;
}

TEST(HttpServerTest, AnswersBusyWith503InsteadOfQueueingWithoutBound) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  HttpServer server(SmallServer(), [&](const Request&) {
    if (first.exchange(false)) {
      entered.set_value();
      released.wait();  // holds the only pending slot
    }
    return Response{};
  });
  const auto port = server.Start();
  auto slow = std::async(std::launch::async, [&] { return Exchange(port, Get("/slow")); });
  entered.get_future().wait();
  const std::string busy = Exchange(port, Get("/fast"));
  release.set_value();
  EXPECT_NE(busy.find("HTTP/1.1 503"), std::string::npos) << busy;
  EXPECT_NE(busy.find("Retry-After: 1"), std::string::npos) << busy;
  EXPECT_NE(slow.get().find("HTTP/1.1 200"), std::string::npos);
}

TEST(HttpServerTest, StopLetsARunningRequestFinish) {
  std::promise<void> entered;
  HttpServer server(SmallServer(), [&](const Request&) {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Response r;
    r.body = "done";
    return r;
  });
  const auto port = server.Start();
  auto pending = std::async(std::launch::async, [&] { return Exchange(port, Get("/work")); });
  entered.get_future().wait();
  server.Stop();
  EXPECT_NE(pending.get().find("done"), std::string::npos);
}

}  // namespace
}  // namespace petitiond

namespace petitiond {
namespace {

// A connection that sends `bytes` and then nothing more; the server's end of it.
int Linger(unsigned short port, const std::string& bytes) {
  const int fd = Connect(port);
  if (fd >= 0 && !bytes.empty()) send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  return fd;
}

Response Ok(const Request&) {
  Response r;
  r.body = "ok";
  return r;
}

// 200 clients that send half a header and stop do not keep a normal request waiting.
TEST(HttpServerTest, SlowClientsDoNotDelayANormalRequest) {
  auto options = SmallServer();
  options.header_timeout = std::chrono::seconds(5);
  HttpServer server(options, Ok);
  const auto port = server.Start();
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) slow.push_back(Linger(port, "GET / HTTP/1.1\r\nHo"));
  const std::string out = Exchange(port, Get("/"));
  EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
  for (int fd : slow) close(fd);
}

// A client that never finishes its headers is closed after header_timeout.
TEST(HttpServerTest, AnIdleOrSlowClientIsClosedAfterTheHeaderTimeout) {
  auto options = SmallServer();
  options.header_timeout = std::chrono::seconds(1);
  HttpServer server(options, Ok);
  const auto port = server.Start();
  const int fd = Linger(port, "GET / HTTP/1.1\r\n");
  char buf[16];
  EXPECT_EQ(recv(fd, buf, sizeof buf, 0), 0) << "closed by the server, not by our 10 s receive timeout";
  close(fd);
}

// At the connection cap the server stops accepting until a connection closes; the
// next client is then served (no error loop, no refusal).
TEST(HttpServerTest, AtTheConnectionCapNewcomersWaitTheirTurn) {
  auto options = SmallServer();
  options.max_connections = 2;
  options.header_timeout = std::chrono::seconds(1);
  HttpServer server(options, Ok);
  const auto port = server.Start();
  const int a = Linger(port, ""), b = Linger(port, "");
  const auto started = std::chrono::steady_clock::now();
  const std::string out = Exchange(port, Get("/"));
  EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900))
      << "served only once an idle connection was closed (header_timeout 1 s)";
  close(a);
  close(b);
}

}  // namespace
}  // namespace petitiond
