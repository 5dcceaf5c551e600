#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/machine.hpp"
#include "engine/routing.hpp"
#include "engine/runtime/security/rate_limit.hpp"
#include "engine/store/case_store.hpp"
#include "engine/store/open311_store.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

class IntakeService;

// A service request as an Open311 client posts it (GeoReport v2 POST requests).
struct Open311Post {
  std::string service_code;
  std::optional<double> lat, lon;
  std::string address_string, address_id;
  std::string email, phone, first_name, last_name;
  std::string description, media_url;
  std::string raw;           // the body exactly as received
  std::string content_type;  // of raw
};

struct Open311Limits {
  int posts_per_client_hour = 60;      // POST requests per API key per hour (every node together)
  int bad_keys_per_address = 10;       // wrong API keys per client address per 15 minutes
};

// Open311 GeoReport v2 (docs/decisions.md "Open311"): API keys per client, created by
// admins; a posted request goes through the intake pipeline as an input of the hotline
// channel with the source "open311 client <id>"; a client reads back only its own
// requests. Blocking (database).
class Open311Service {
 public:
  Open311Service(store::Database& db, IntakeService& intake, const Clock& clock, Open311Limits limits = {})
      : db_(db),
        intake_(intake),
        clock_(clock),
        posts_(db, clock, "open311_posts", limits.posts_per_client_hour, std::chrono::hours(1)),
        bad_keys_(db, clock, "open311_bad_keys", limits.bad_keys_per_address, std::chrono::minutes(15)) {}

  // Admins: a client and its key, shown once (only its SHA-256 is stored).
  std::pair<store::Open311Client, std::string> CreateClient(const Actor& actor, const std::string& name);
  std::vector<store::Open311Client> Clients(const Actor& actor);
  // The client as revoked; kNotFound if there is no active one.
  store::Open311Client Revoke(const Actor& actor, std::int64_t id);

  // The client holding `api_key`: kUnauthorized otherwise (counted per address;
  // kTooManyRequests past the limit, before the key is looked up).
  store::Open311Client Authenticate(const std::string& api_key, const std::string& client_address);

  // The categories of routing.yaml, in order.
  std::vector<Category> Services() const;
  std::optional<Category> Service(const std::string& code) const;

  // The request through the intake's door; returns the case it made (or joined).
  // kInvalid naming the field for a bad post (unknown service_code, no location, no
  // description), stored raw as rejected; kTooManyRequests past the client's hourly
  // limit, before anything is stored.
  store::CaseRecord Submit(const store::Open311Client& client, const Open311Post& post);

  // The client's own requests. REQUIRES: f.source is left empty (set here).
  std::vector<store::Open311Request> Requests(const store::Open311Client& client, store::Open311Filter f);

  static std::string SourceOf(const store::Open311Client& client) {
    return "open311 client " + std::to_string(client.id);
  }

 private:
  store::Database& db_;
  IntakeService& intake_;
  const Clock& clock_;
  RateLimit posts_;
  RateLimit bad_keys_;
};

}  // namespace petitiond::runtime
