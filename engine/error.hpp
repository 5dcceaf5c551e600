#pragma once

#include <stdexcept>
#include <chrono>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace petitiond {

// The few kinds of failure the rooms report to each other. api/problem.cpp is the one
// place that maps them to HTTP statuses.
enum class ErrorKind {
  kInvalid,             // malformed input (bad JSON, bad field value)
  kUnauthorized,        // no or bad credentials
  kForbidden,           // authenticated, but the role or office does not allow it
  kNotFound,
  kConflict,            // not allowed in the current state, or a unique key already taken
  kPreconditionFailed,  // stale row_version / If-Match
  kUnprocessable,       // well-formed, but required data is missing
  kUnavailable,         // database down, pool exhausted
  kTooManyRequests,     // throttled: try again after TooManyRequests::retry_after
  kInternal,
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  // Field-level details (e.g. every missing field), shown to clients as a list.
  std::vector<std::string> details;
};

// Thrown across room boundaries above the engine (store, runtime); the engine itself
// returns Result values.
class DomainError : public std::runtime_error {
 public:
  explicit DomainError(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
  DomainError(ErrorKind kind, std::string message) : DomainError(Error{kind, std::move(message), {}}) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

// kTooManyRequests with how long to wait (HTTP 429 with Retry-After).
class TooManyRequests : public DomainError {
 public:
  TooManyRequests(std::string message, std::chrono::seconds retry_after)
      : DomainError(ErrorKind::kTooManyRequests, std::move(message)), retry_after_(retry_after) {}
  std::chrono::seconds retry_after() const { return retry_after_; }

 private:
  std::chrono::seconds retry_after_;
};

// A value or an Error. Deliberately tiny: g++ 12 in C++20 mode has no std::expected.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}     // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }
  // Returns the value or throws DomainError.
  T ValueOrThrow() && {
    if (!ok()) throw DomainError(error());
    return std::move(value());
  }

 private:
  std::variant<T, Error> v_;
};

}  // namespace petitiond
