#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/database.hpp"
#include "engine/time.hpp"

namespace petitiond::store {

// An Open311 client and its API key (migration 0015; only the key's SHA-256 is kept).
struct Open311Client {
  std::int64_t id = 0;
  std::string name;
  std::string created_by;
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
};

// UniqueViolation (kConflict) for a name in use.
std::int64_t InsertOpen311Client(Tx& tx, const std::string& name, const std::string& key_hash,
                                 const std::string& created_by, Timestamp now);
// The client holding the key of hash `key_hash`, unless revoked.
std::optional<Open311Client> FindOpen311Client(Tx& tx, const std::string& key_hash);
std::vector<Open311Client> ListOpen311Clients(Tx& tx);
// The client as revoked; nullopt when there is no such client or it was revoked already.
std::optional<Open311Client> RevokeOpen311Client(Tx& tx, std::int64_t id, Timestamp now);

// A client's request: the case its input made or joined, and the input as it came.
struct Open311Request {
  std::int64_t case_id = 0;
  std::string public_no;
  std::string workflow_name;
  int workflow_version = 0;
  std::string state;
  bool closed = false;  // in a final state (cases.outcome set)
  std::string status_note;  // the state's public_label (filled by runtime::Open311Service)
  std::string office;
  std::optional<std::string> category;
  Timestamp received_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> response_due;  // the response clock's due date
  std::string raw;                         // the posted form, exactly as received
};

struct Open311Filter {
  std::string source;                    // "open311 client <id>"
  std::vector<std::string> public_nos;   // service_request_id; empty: any
  std::optional<std::string> category;   // service_code's name
  std::optional<Timestamp> start, end;   // received within [start, end]
  std::optional<bool> closed;
  int limit = 1000;
};
// Newest first.
std::vector<Open311Request> ListOpen311Requests(Tx& tx, const Open311Filter& f);

}  // namespace petitiond::store
