#include "engine/runtime/services/open311.hpp"
#include "engine/runtime/services/public_status.hpp"

#include <cmath>

#include "engine/digest.hpp"
#include "engine/error.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

namespace {

void RequireAdmin(const Actor& actor) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "Open311 clients are managed by admins");
}

// The first `n` characters (not bytes) of UTF-8 `text`.
std::string Prefix(const std::string& text, std::size_t n) {
  std::size_t chars = 0, i = 0;
  while (i < text.size() && chars < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++chars;
  }
  return i < text.size() ? text.substr(0, i) + "…" : text;
}

}  // namespace

std::pair<store::Open311Client, std::string> Open311Service::CreateClient(const Actor& actor,
                                                                          const std::string& name) {
  RequireAdmin(actor);
  if (name.empty() || name.size() > 100) throw DomainError(ErrorKind::kInvalid, "name must be 1-100 bytes");
  const std::string key = NewToken();
  store::Open311Client client;
  db_.Transact([&](store::Tx& tx) {
    client.id = store::InsertOpen311Client(tx, name, Sha256Hex(key), actor.login, clock_.Now());
  });
  client.name = name;
  client.created_by = actor.login;
  client.created_at = clock_.Now();
  return {client, key};
}

std::vector<store::Open311Client> Open311Service::Clients(const Actor& actor) {
  RequireAdmin(actor);
  std::vector<store::Open311Client> out;
  db_.Run([&](store::Tx& tx) { out = store::ListOpen311Clients(tx); });
  return out;
}

store::Open311Client Open311Service::Revoke(const Actor& actor, std::int64_t id) {
  RequireAdmin(actor);
  std::optional<store::Open311Client> revoked;
  db_.Transact([&](store::Tx& tx) { revoked = store::RevokeOpen311Client(tx, id, clock_.Now()); });
  if (!revoked) throw DomainError(ErrorKind::kNotFound, "no active Open311 client " + std::to_string(id));
  return *revoked;
}

store::Open311Client Open311Service::Authenticate(const std::string& api_key, const std::string& client_address) {
  if (auto wait = bad_keys_.Wait(client_address)) {
    throw TooManyRequests("too many wrong API keys from this address; try again later", *wait);
  }
  std::optional<store::Open311Client> client;
  if (!api_key.empty() && api_key.size() <= 200) {
    db_.Run([&](store::Tx& tx) { client = store::FindOpen311Client(tx, Sha256Hex(api_key)); });
  }
  if (!client) {
    bad_keys_.Hit(client_address);
    throw DomainError(ErrorKind::kUnauthorized, "api_key is missing, unknown or revoked");
  }
  return *client;
}

std::vector<Category> Open311Service::Services() const { return intake_.routing()->categories; }

std::optional<Category> Open311Service::Service(const std::string& code) const {
  const auto routing = intake_.routing();
  if (const Category* c = routing->FindCategory(code)) return *c;
  return std::nullopt;
}

store::CaseRecord Open311Service::Submit(const store::Open311Client& client, const Open311Post& post) {
  const std::string key = "client " + std::to_string(client.id);
  if (auto wait = posts_.Wait(key)) {
    throw TooManyRequests("this client posted too many requests this hour; try again later", *wait);
  }
  posts_.Hit(key);
  Received received;
  Intake& in = received.intake;
  in.channel = "hotline";
  in.source = SourceOf(client);
  in.origin = Origin::kOpen311;
  in.content_type = post.content_type;
  in.raw = post.raw;
  std::vector<std::string> errors;
  const auto service = Service(post.service_code);
  if (post.service_code.empty()) {
    errors.push_back("service_code is required");
  } else if (!service) {
    errors.push_back("service_code '" + post.service_code + "' is not a service of this office");
  }
  const bool located = (post.lat && post.lon) || !post.address_string.empty() || !post.address_id.empty();
  if (!located) errors.push_back("a location is required: lat and long, address_string or address_id");
  if (post.lat && (!std::isfinite(*post.lat) || std::abs(*post.lat) > 90)) errors.push_back("lat must be -90..90");
  if (post.lon && (!std::isfinite(*post.lon) || std::abs(*post.lon) > 180)) errors.push_back("long must be -180..180");
  if (post.description.empty()) errors.push_back("description is required");
  if (post.description.size() > 4000) errors.push_back("description is over 4,000 bytes");
  if (!errors.empty()) {
    // Stored as rejected like every input the office could not take.
    received.error = Error{ErrorKind::kInvalid, "the service request is invalid", errors};
    throw DomainError(*intake_.Take(received).refused);
  }
  in.category = service->name;
  in.subject = service->name + "：" + Prefix(post.description, 30);
  std::string where = post.address_string;
  if (post.lat && post.lon) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f, %.6f", *post.lat, *post.lon);
    where += (where.empty() ? "" : "（") + std::string(buf) + (post.address_string.empty() ? "" : "）");
  }
  if (!post.address_id.empty()) where += (where.empty() ? "" : "；") + std::string("地址代碼 ") + post.address_id;
  in.body = post.description + "\n\n地點：" + where + "\n（經 Open311 用戶端「" + client.name + "」送達）";
  in.place = post.address_string;
  in.petitioner.name = post.last_name + post.first_name;
  in.petitioner.email = post.email;
  in.petitioner.phone = post.phone;
  IntakeResult result = intake_.Take(received);
  if (result.refused) throw DomainError(*result.refused);
  return std::move(*result.record);
}

std::vector<store::Open311Request> Open311Service::Requests(const store::Open311Client& client,
                                                            store::Open311Filter f) {
  f.source = SourceOf(client);
  std::vector<store::Open311Request> out;
  db_.Run([&](store::Tx& tx) { out = store::ListOpen311Requests(tx, f); });
  for (auto& q : out) {
    q.status_note = PublicStateLabel(*intake_.cases().WorkflowOf(q.workflow_name, q.workflow_version, q.case_id),
                                     q.state);
  }
  return out;
}

}  // namespace petitiond::runtime
