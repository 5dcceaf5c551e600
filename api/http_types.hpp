#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace petitiond::api {

// A parsed HTTP request, free of Beast types so handlers and their tests compile fast.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query, e.g. "/api/v1/cases/7"
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string client;  // the peer's IP address (sign-in throttling); empty in tests

  std::optional<std::string> Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace petitiond::api
