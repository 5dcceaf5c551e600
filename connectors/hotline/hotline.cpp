#include "connectors/hotline/hotline.hpp"

#include "engine/contact.hpp"

#include <sodium.h>

#include <boost/json.hpp>

#include <charconv>
#include <map>

#include "engine/digest.hpp"
#include "engine/text.hpp"

namespace petitiond::connectors::hotline {
namespace {

std::string Text(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

// Common fields of a webhook call and a CSV row.
Intake Base(const std::string& source, Origin origin, std::string content_type, std::string raw) {
  Intake in;
  in.channel = "hotline";
  in.source = source;
  in.origin = origin;
  in.content_type = std::move(content_type);
  in.raw = std::move(raw);
  return in;
}

// The platform's contact fields reach mail headers and SMS gateways: one that could
// not be used safely is left out (the raw dispatch keeps it), and the case goes on.
void DropUnusableContact(Petitioner& p) {
  if (!p.email.empty() && EmailProblem(p.email)) p.email.clear();
  if (!p.phone.empty() && PhoneProblem(p.phone)) p.phone.clear();
}

}  // namespace

std::optional<std::string> VerifySignature(std::string_view secret, std::string_view timestamp,
                                           std::string_view signature, std::string_view body, Timestamp now) {
  if (secret.empty()) return "no hotline secret is configured";
  long long ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (timestamp.empty() || ec != std::errc() || end != timestamp.data() + timestamp.size()) {
    return "X-Timestamp must be unix seconds";
  }
  const long long skew = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() - ts;
  if (skew > kSignatureWindow.count() || skew < -kSignatureWindow.count()) {
    return "X-Timestamp is more than 5 minutes off the server's clock";
  }
  const std::string expected = WebhookSignature(secret, timestamp, body);
  if (signature.size() != expected.size() ||
      sodium_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return "X-Signature does not match the body";
  }
  return std::nullopt;
}

Result<Intake> ParseWebhook(const std::string& body) {
  boost::json::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Error{ErrorKind::kInvalid, "the body must be a JSON object", {}};
  const auto& o = v.as_object();
  Error bad{ErrorKind::kInvalid, "the 1999 dispatch is incomplete", {}};
  Intake in = Base("1999 platform webhook", Origin::kWebhook, "application/json", body);
  const std::string id = Text(o, "case_id");
  if (id.empty()) bad.details.push_back("case_id is required");
  in.external_ref = id;
  in.subject = Text(o, "subject");
  in.body = Text(o, "description");
  const std::string service = Text(o, "service_name");
  if (!service.empty()) in.category = service;
  in.place = Text(o, "district");
  const std::string address = Text(o, "address");
  if (!address.empty()) in.place += (in.place.empty() ? "" : " ") + address;
  if (const auto* p = o.if_contains("petitioner")) {
    if (!p->is_object()) {
      bad.details.push_back("petitioner must be an object {name, phone, email}");
    } else {
      in.petitioner.name = Text(p->as_object(), "name");
      in.petitioner.phone = Text(p->as_object(), "phone");
      in.petitioner.email = Text(p->as_object(), "email");
      DropUnusableContact(in.petitioner);
    }
  }
  in.petitioner.address = address;
  if (const std::string created = Text(o, "created_at"); !created.empty()) {
    auto t = ParseTimestamp(created);
    if (!t) bad.details.push_back("created_at must be an RFC 3339 time such as 2026-03-02T09:30:00+08:00");
    else in.received_at = *t;
  }
  if (!bad.details.empty()) return bad;
  return in;
}

namespace {

const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string> m = {
      {"案件編號", "case_id"},     {"案件狀態", "status"},     {"行政區", "district"},
      {"服務名稱", "service_name"}, {"主旨", "subject"},        {"受理單位", "agency"},
      {"描述", "description"},     {"地址", "address"},        {"緯度", "lat"},
      {"經度", "long"},            {"建立時間", "created_at"}, {"更新時間", "updated_at"},
      {"created", "created_at"},   {"updated", "updated_at"},  {"lng", "long"},
      {"latitude", "lat"},         {"longitude", "long"}};
  return m;
}

}  // namespace

Result<std::vector<CsvRow>> ReadCsv(std::string_view text, std::string_view file_name) {
  const std::string file(file_name);
  auto records = ReadCsvRecords(text);
  if (records.empty()) return Error{ErrorKind::kInvalid, file + ":1:1: the file is empty; a header row is required", {}};
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) {
    std::string name = records[0].fields[i];
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (auto it = Aliases().find(name); it != Aliases().end()) name = it->second;
    col[name] = i;
  }
  Error bad{ErrorKind::kInvalid, file + ":1:1: the header lacks required columns", {}};
  for (const char* need : {"case_id", "subject", "description", "created_at"}) {
    if (!col.count(need)) bad.details.push_back(file + ":1:1: missing column '" + need + "'");
  }
  if (!bad.details.empty()) return bad;
  const std::size_t width = records[0].fields.size();
  std::vector<CsvRow> rows;
  for (std::size_t k = 1; k < records.size(); ++k) {
    const CsvRecord& r = records[k];
    CsvRow row;
    row.line = r.line;
    auto get = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it == col.end() || it->second >= r.fields.size() ? "" : r.fields[it->second];
    };
    std::vector<std::string> errors;
    if (r.unterminated) errors.push_back("a quoted field is not closed");
    if (r.fields.size() != width) {
      errors.push_back("has " + std::to_string(r.fields.size()) + " fields; the header has " + std::to_string(width));
    }
    Intake in = Base(file + ":" + std::to_string(r.line), Origin::kCsv, "text/csv", r.raw);
    const std::string id = get("case_id");
    if (id.empty()) errors.push_back("case_id is empty");
    in.external_ref = id;
    in.subject = get("subject");
    in.body = get("description");
    if (const std::string s = get("service_name"); !s.empty()) in.category = s;
    in.place = get("district");
    in.petitioner.address = get("address");
    if (!in.petitioner.address.empty()) in.place += (in.place.empty() ? "" : " ") + in.petitioner.address;
    const std::string created = get("created_at");
    auto t = ParseTimestamp(created);
    if (!t) {
      // Open data often writes "2026-03-02 09:30:00" (Taipei time).
      std::string iso = created;
      if (iso.size() == 19 && iso[10] == ' ') iso[10] = 'T';
      t = ParseTimestamp(iso + "+08:00");
    }
    if (!t) errors.push_back("created_at '" + created + "' is not a date and time");
    else in.received_at = *t;
    for (const char* coord : {"lat", "long"}) {
      const std::string v = get(coord);
      if (v.empty()) continue;
      double d = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (ec != std::errc() || end != v.data() + v.size()) errors.push_back(std::string(coord) + " '" + v + "' is not a number");
    }
    if (!errors.empty()) {
      std::string why;
      for (const auto& e : errors) why += (why.empty() ? "" : "; ") + e;
      row.input.error = Error{ErrorKind::kInvalid, std::move(why), {}};
    }
    row.input.intake = std::move(in);  // raw and source are set either way
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace petitiond::connectors::hotline
