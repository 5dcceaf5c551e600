#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond::connectors {

// What every connector yields (engine/intake.hpp).
using petitiond::Received;

// A parser's Result as a Received: the Intake it read, or the raw input with the
// parser's error.
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
  // Returns how many inputs `take` accepted, or -1 when the source could not be read at
  // all (a feed that did not answer): the pollers try it again within a minute.
  virtual int Poll(const std::function<bool(const Received&)>& take) = 0;
};

}  // namespace petitiond::connectors
