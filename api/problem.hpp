#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "engine/error.hpp"

namespace petitiond::api {

// The one place that maps domain errors to HTTP: an RFC 9457 application/problem+json
// response with type, title, status, detail and, when present, an "errors" list.
Response ProblemResponse(const Error& error);

// A problem+json response for HTTP-level failures that are not domain errors
// (405 method not allowed, 428 precondition required, 503 busy).
Response Problem(int status, std::string_view slug, std::string_view title, std::string detail,
                 const std::vector<std::string>& errors = {});

}  // namespace petitiond::api
