#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/language.hpp"
#include "engine/status.hpp"
#include "engine/time.hpp"

namespace petitiond {

// Who petitions. Any part may be empty (anonymous calls, news reports).
struct Petitioner {
  std::string name;
  std::string phone;
  std::string email;
  std::string address;
  // The language they wrote or called in; notices to them go out in it.
  Language language = Language::kZhHantTw;
  bool Empty() const { return name.empty() && phone.empty() && email.empty() && address.empty(); }
};

struct Attachment {
  std::string filename;
  std::string content_type;
  std::string data;
};

// One input from a channel, as its connector understood it. The runtime's intake
// pipeline stores `raw` whatever happens, then deduplicates, routes and creates the
// case (engine/runtime/services/intake_service.hpp).
struct Intake {
  std::string channel;                      // hotline, mailbox, news, counter
  std::string source;                       // where it came from, for people: "webhook", "calls.csv:12"
  Origin origin = Origin::kStaff;           // which door it came in by (statistics group by it)
  std::optional<std::string> external_ref;  // platform case id, Message-ID, feed GUID or link
  std::string content_type;                 // of raw
  std::string raw;                          // the input exactly as it arrived
  std::string subject;
  std::string body;
  Petitioner petitioner;
  std::optional<std::string> workflow;  // chosen by staff; otherwise routing.yaml decides
  std::optional<std::string> office;    // chosen by staff; otherwise routing.yaml decides
  std::optional<std::string> category;  // chosen by staff; otherwise routing.yaml decides
  std::string place;                    // district or address, matched by routing keywords
  std::optional<Timestamp> received_at;    // when it reached the office; none: now
  std::optional<std::string> date_header;  // a mail's Date: as the sender wrote it (not the receipt time)
  std::vector<Attachment> attachments;
  bool confidential = false;  // the petitioner asked to stay anonymous (保密)
  // Defects the connector read past (MIME structure, an unusable sender), recorded on
  // the intake row; the input is still taken.
  std::vector<std::string> warnings;
  // The warnings as stored: "; "-separated, nullopt when none.
  std::optional<std::string> WarningsText() const;
};

// The one thing every connector yields: an input as it was read. `intake` always
// carries channel, source, origin, content_type and raw; `error` says why the input
// cannot become a case, and then the intake stores the raw input as rejected with it
// (engine/runtime/services/intake_service.hpp: IntakeService::Take).
struct Received {
  Intake intake;
  std::optional<Error> error;
  // The error as the intake row stores it: message and details on one line.
  std::optional<std::string> Reason() const;
};

// Why an input is registered but not handled (行政程序法 §173, 要點 14), or nullopt:
// no concrete content (no letter or ideograph in subject and body), or a petition with
// no name and no contact at all. News reports have no petitioner and are exempt.
std::optional<std::string> RegisteredOnlyReason(const Intake& in);

inline std::optional<std::string> Received::Reason() const {
  if (!error) return std::nullopt;
  std::string why = error->message;
  for (const auto& d : error->details) why += "; " + d;
  return why;
}

inline std::optional<std::string> Intake::WarningsText() const {
  if (warnings.empty()) return std::nullopt;
  std::string all;
  for (const auto& w : warnings) all += (all.empty() ? "" : "; ") + w;
  return all;
}

}  // namespace petitiond
