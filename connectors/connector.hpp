#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond::connectors {

// The one thing every connector yields: an input as it was read. `intake` always
// carries channel, source, content_type and raw; `error` says why the input cannot
// become a case, and then the pipeline stores the raw input as rejected with it
// (engine/runtime/intake_service.hpp: Submit, Reject).
struct Received {
  Intake intake;
  std::optional<std::string> error;
};

// A parser's Result as a Received: the Intake it read, or the raw input with the
// parser's reason (message and details on one line).
Received FromResult(Result<Intake> parsed, std::string channel, std::string source, std::string content_type,
                    std::string raw);

// An application/x-www-form-urlencoded body (spaces as '+' or %20) as name -> value;
// the last of repeated names wins. kInvalid if it is not such a body.
Result<std::map<std::string, std::string>> ParseUrlEncoded(const std::string& body);

// A connector that fetches its own input (the Maildir, a news feed). Push channels
// (the 1999 webhook, the web form) call their parser per request instead.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::string name() const = 0;
  virtual std::chrono::seconds interval() const = 0;
  // Hands each new input to `take`, which returns false when it could not commit it
  // (the database is down): that input and the rest are offered again next round.
  // Returns how many inputs `take` accepted.
  virtual int Poll(const std::function<bool(const Received&)>& take) = 0;
};

}  // namespace petitiond::connectors
