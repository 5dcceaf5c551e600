#include "api/handlers.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>

#include "api/problem.hpp"
#include "engine/embedded.hpp"
#include "engine/runtime/auth.hpp"
#include "connectors/hotline/hotline.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/runtime/case_service.hpp"
#include "engine/runtime/intake_service.hpp"
#include "engine/runtime/metrics.hpp"
#include "engine/store/outbox_store.hpp"
#include "engine/store/database.hpp"
#include "engine/store/migrator.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

constexpr int kMaxPageSize = 200;

Response Json(int status, const json::value& v) {
  Response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

[[noreturn]] void Invalid(const std::string& message, std::vector<std::string> details = {}) {
  throw DomainError(Error{ErrorKind::kInvalid, message, std::move(details)});
}

json::object ParseObject(const std::string& body) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) Invalid("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) Invalid("the body must be a JSON object");
  return std::move(v.as_object());
}

// Optional string field; kInvalid if present with another type.
std::optional<std::string> OptString(const json::object& o, const char* key, std::vector<std::string>& errors) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    errors.push_back(std::string(key) + " must be a string");
    return std::nullopt;
  }
  return std::string(it->value().as_string());
}

std::string ReqString(const json::object& o, const char* key, std::vector<std::string>& errors) {
  auto v = OptString(o, key, errors);
  if (!v || v->empty()) {
    if (o.find(key) == o.end() || o.at(key).is_null() || (v && v->empty())) {
      errors.push_back(std::string(key) + " is required");
    }
    return {};
  }
  return *v;
}

std::optional<std::int64_t> ParseId(std::string_view s) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || ptr != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

std::string ETag(const store::CaseRecord& c) { return "\"" + std::to_string(c.row_version) + "\""; }

json::value OptJson(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::object CaseJson(const runtime::CaseView& v) {
  const store::CaseRecord& c = v.record;
  json::object o;
  o["id"] = c.id;
  o["public_no"] = c.public_no;
  o["channel"] = c.channel;
  o["workflow"] = json::object{{"name", c.workflow_name}, {"version", c.workflow_version}};
  o["state"] = c.state.state;
  o["office"] = c.office;
  o["category"] = OptJson(c.category);
  o["subject"] = c.subject;
  o["body"] = c.body;
  json::error_code ec;
  json::value petitioner = json::parse(c.petitioner_json, ec);
  o["petitioner"] = ec ? json::value(json::object{}) : petitioner;
  o["assignee"] = OptJson(c.state.assignee);
  o["overdue"] = c.state.overdue;
  o["priority"] = c.state.priority;
  o["external_ref"] = OptJson(c.external_ref);
  o["received_at"] = FormatTimestamp(c.received_at);
  o["created_at"] = FormatTimestamp(c.created_at);
  o["updated_at"] = FormatTimestamp(c.updated_at);
  o["version"] = c.row_version;
  json::array clocks;
  for (std::size_t i = 0; i < c.state.clocks.size(); ++i) {
    const ClockState& k = c.state.clocks[i];
    json::object clock{{"name", k.name},
                       {"started_at", FormatTimestamp(k.started_at)},
                       {"due_at", FormatTimestamp(k.due_at)},
                       {"paused", k.Paused()},
                       {"stopped", !k.Running()},
                       {"overdue", k.Overdue(v.now)},
                       {"extensions_used", k.extensions},
                       {"calendar_incomplete", k.calendar_incomplete}};
    // Working days left (today included); negative once overdue; null once stopped.
    clock["workdays_left"] = k.Running() && i < v.workdays_left.size() ? json::value(v.workdays_left[i])
                                                                        : json::value(nullptr);
    clock["paused_since"] = k.paused_at ? json::value(FormatTimestamp(*k.paused_at)) : json::value(nullptr);
    clock["stopped_at"] = k.stopped_at ? json::value(FormatTimestamp(*k.stopped_at)) : json::value(nullptr);
    if (k.pending_extension) {
      clock["pending_extension"] = json::object{{"requested_by", k.pending_extension->requested_by},
                                                {"requested_at", FormatTimestamp(k.pending_extension->requested_at)},
                                                {"reason", k.pending_extension->reason}};
    } else {
      clock["pending_extension"] = nullptr;
    }
    clocks.push_back(std::move(clock));
  }
  o["clocks"] = std::move(clocks);
  json::array allowed;
  for (const auto& e : v.allowed_events) allowed.emplace_back(e);
  o["allowed_events"] = std::move(allowed);
  return o;
}

Response CaseResponse(int status, const runtime::CaseView& v) {
  Response r = Json(status, CaseJson(v));
  r.headers.emplace_back("ETag", ETag(v.record));
  return r;
}

// Splits "/api/v1/cases/7/events" into {"api","v1","cases","7","events"}.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const std::size_t end = path.find('/', i);
    out.push_back(path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
    if (end == std::string_view::npos) break;
    i = end;
  }
  return out;
}

Response MethodNotAllowed(const std::string& allow) {
  Response r = Problem(405, "method-not-allowed", "Method not allowed", "allowed here: " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

// A pushed input (webhook, form) as parsed; one that cannot be read is stored as
// rejected and answered 400 with the parser's errors.
Intake TakeOrReject(runtime::IntakeService& intake, const Result<Intake>& parsed, const char* channel,
                    const char* source, const std::string& content_type, const std::string& raw) {
  connectors::Received in = connectors::FromResult(parsed, channel, source, content_type, raw);
  if (in.error) {
    intake.Reject(in.intake, *in.error);
    throw DomainError(parsed.error());
  }
  return std::move(in.intake);
}

json::object IntakeJson(const runtime::IntakeResult& r) {
  json::array dups;
  for (const auto& d : r.possible_duplicates) {
    dups.push_back(json::object{{"id", d.id},
                                {"public_no", d.public_no},
                                {"subject", d.subject},
                                {"state", d.state},
                                {"received_at", FormatTimestamp(d.received_at)}});
  }
  return json::object{{"id", r.intake_id},
                      {"status", r.status},
                      {"reason", OptJson(r.reason)},
                      {"possible_duplicates", std::move(dups)}};
}

}  // namespace

Response Api::Handle(const Request& request) {
  try {
    return Route(request);
  } catch (const DomainError& e) {
    if (e.error().kind == ErrorKind::kInternal || e.error().kind == ErrorKind::kUnavailable) {
      spdlog::error("{} {}: {}", request.method, request.path, e.what());
    }
    return ProblemResponse(e.error());
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unexpected: {}", request.method, request.path, e.what());
    return ProblemResponse(Error{ErrorKind::kInternal, e.what(), {}});
  }
}

Response Api::Route(const Request& req) {
  const auto seg = Segments(req.path);
  if (seg.size() == 1 && seg[0] == "healthz") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    return Json(200, json::object{{"status", "ok"}});
  }
  if (seg.size() == 1 && seg[0] == "readyz") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    return Ready();
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = runtime::GlobalMetrics().PrometheusText();
    return r;
  }
  if (seg.size() == 2 && seg[0] == "public" && seg[1] == "mailbox") {
    if (req.method != "POST") return MethodNotAllowed("POST");
    return MailboxForm(req);
  }
  if (seg.size() == 3 && seg[0] == "public" && seg[1] == "mailbox" && seg[2] == "confirm") {
    if (req.method != "GET") return MethodNotAllowed("GET");
    return ConfirmMailbox(req);
  }
  if (seg.size() >= 3 && seg[0] == "api" && seg[1] == "v1") {
    if (seg.size() == 3 && seg[2] == "sessions") {
      if (req.method != "POST") return MethodNotAllowed("POST");
      return Login(req);
    }
    if (seg.size() == 4 && seg[2] == "calendar" && seg[3] == "closures") {
      if (req.method != "POST") return MethodNotAllowed("POST");
      return CloseOffice(req);
    }
    if (seg.size() == 4 && seg[2] == "intake" && seg[3] == "hotline") {
      if (req.method != "POST") return MethodNotAllowed("POST");
      return HotlineWebhook(req);
    }
    if (seg.size() == 3 && seg[2] == "intake") {
      if (req.method != "GET") return MethodNotAllowed("GET");
      return ListIntake(req);
    }
    if (seg.size() == 3 && seg[2] == "outbox") {
      if (req.method != "GET") return MethodNotAllowed("GET");
      return ListOutbox(req);
    }
    if (seg[2] == "cases") {
      if (seg.size() == 3) {
        if (req.method == "POST") return CreateCase(req);
        if (req.method == "GET") return ListCases(req);
        return MethodNotAllowed("GET, POST");
      }
      auto id = ParseId(seg[3]);
      if (!id) throw DomainError(ErrorKind::kNotFound, "'" + std::string(seg[3]) + "' is not a case id");
      if (seg.size() == 4) {
        if (req.method != "GET") return MethodNotAllowed("GET");
        return GetCase(req, *id);
      }
      if (seg.size() == 5 && seg[4] == "events") {
        if (req.method == "POST") return PostEvent(req, *id);
        if (req.method == "GET") return ListEvents(req, *id);
        return MethodNotAllowed("GET, POST");
      }
    }
  }
  throw DomainError(ErrorKind::kNotFound, "no resource at " + req.path);
}

Actor Api::Authenticate(const Request& req) {
  const std::string header = req.Header("authorization").value_or("");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    throw DomainError(ErrorKind::kUnauthorized, "sign in first: send Authorization: Bearer <token>");
  }
  return auth_.Authenticate(std::string_view(header).substr(kBearer.size()));
}

Response Api::Ready() {
  store::MigrationStatus status;
  try {
    db_.Run([&](store::Tx& tx) { status = store::CheckMigrations(tx, EmbeddedMigrations()); });
  } catch (const DomainError& e) {
    return Json(503, json::object{{"status", "unavailable"}, {"detail", e.what()}});
  }
  if (!status.pending.empty()) {
    json::array pending;
    for (const auto& p : status.pending) pending.emplace_back(p);
    return Json(503, json::object{{"status", "migrations pending"}, {"pending", std::move(pending)}});
  }
  return Json(200, json::object{{"status", "ready"}});
}

Response Api::Login(const Request& req) {
  const json::object o = ParseObject(req.body);
  std::vector<std::string> errors;
  const std::string login = ReqString(o, "login", errors);
  const std::string password = ReqString(o, "password", errors);
  if (!errors.empty()) Invalid("login and password are required", errors);
  return Json(201, json::object{{"token", auth_.Login(login, password)}, {"expires_in", 12 * 3600}});
}

Response Api::CreateCase(const Request& req) {
  const Actor actor = Authenticate(req);
  const json::object o = ParseObject(req.body);
  std::vector<std::string> errors;
  Intake in;
  in.source = "staff " + actor.login;
  in.content_type = "application/json";
  in.raw = req.body;
  in.workflow = OptString(o, "workflow", errors);
  in.channel = ReqString(o, "channel", errors);
  in.office = ReqString(o, "office", errors);
  in.category = OptString(o, "category", errors);
  in.subject = ReqString(o, "subject", errors);
  in.body = ReqString(o, "body", errors);
  in.external_ref = OptString(o, "external_ref", errors);
  if (!in.channel.empty() && !IsKnown(KnownChannels(), in.channel)) {
    errors.push_back("channel must be one of hotline, mailbox, news, counter");
  }
  if (auto received = OptString(o, "received_at", errors)) {
    in.received_at = ParseTimestamp(*received);
    if (!in.received_at) errors.push_back("received_at must be RFC 3339 with an offset, e.g. 2026-11-26T09:30:00+08:00");
  }
  if (auto it = o.find("petitioner"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) {
      errors.push_back("petitioner must be an object {name, phone, email, address}");
    } else {
      const auto& p = it->value().as_object();
      in.petitioner.name = OptString(p, "name", errors).value_or("");
      in.petitioner.phone = OptString(p, "phone", errors).value_or("");
      in.petitioner.email = OptString(p, "email", errors).value_or("");
      in.petitioner.address = OptString(p, "address", errors).value_or("");
      for (const auto& kv : p) {
        const std::string k(kv.key());
        if (k != "name" && k != "phone" && k != "email" && k != "address") {
          errors.push_back("petitioner." + k + " is not a known field (name, phone, email, address)");
        }
      }
    }
  }
  if (!errors.empty()) Invalid("the case has invalid fields", errors);
  runtime::IntakeResult result = intake_.Submit(actor, in);
  runtime::CaseView view;
  if (result.status == "duplicate") {
    // The existing case, if the caller may see it; its number is no secret to them.
    try {
      view = cases_.Get(actor, result.record->id);
    } catch (const DomainError& e) {
      if (e.error().kind != ErrorKind::kNotFound) throw;
      throw DomainError(ErrorKind::kConflict, "external_ref " + in.external_ref.value_or("") +
                                                  " already belongs to a case of another office");
    }
  } else {
    view = cases_.View(actor, std::move(*result.record));
  }
  json::object body = CaseJson(view);
  if (!result.access_code.empty()) body["access_code"] = result.access_code;
  body["intake"] = IntakeJson(result);
  body["possible_duplicates"] = body["intake"].as_object()["possible_duplicates"];
  Response r = Json(result.status == "duplicate" ? 200 : 201, body);
  r.headers.emplace_back("ETag", ETag(view.record));
  r.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(view.record.id));
  return r;
}

Response Api::HotlineWebhook(const Request& req) {
  const auto problem = connectors::hotline::VerifySignature(
      channels_.hotline_secret, req.Header("x-timestamp").value_or(""), req.Header("x-signature").value_or(""),
      req.body, clock_.Now());
  if (problem) throw DomainError(ErrorKind::kUnauthorized, *problem);
  const Intake in = TakeOrReject(intake_, connectors::hotline::ParseWebhook(req.body), "hotline",
                                 "1999 platform webhook", "application/json", req.body);
  runtime::IntakeResult result = intake_.Submit(Actor::System(), in);
  const auto& c = *result.record;
  json::object body{{"id", c.id}, {"public_no", c.public_no}, {"state", c.state.state}, {"office", c.office},
                    {"external_ref", OptJson(c.external_ref)}, {"intake", IntakeJson(result)}};
  Response r = Json(result.status == "duplicate" ? 200 : 201, body);
  r.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(c.id));
  return r;
}

Response Api::ListIntake(const Request& req) {
  const Actor actor = Authenticate(req);
  store::IntakeFilter f;
  if (auto it = req.query.find("status"); it != req.query.end() && !it->second.empty()) {
    std::string v = it->second;
    for (std::size_t start = 0; start <= v.size();) {
      const auto comma = v.find(',', start);
      const std::string one = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      static const std::vector<std::string> known = {"pending", "accepted", "duplicate", "merged", "registered_only",
                                                     "rejected"};
      if (!IsKnown(known, one)) {
        Invalid("status must be pending, accepted, duplicate, merged, registered_only or rejected (comma-separated)");
      }
      f.statuses.push_back(one);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (auto it = req.query.find("channel"); it != req.query.end() && !it->second.empty()) f.channel = it->second;
  if (auto it = req.query.find("cursor"); it != req.query.end() && !it->second.empty()) {
    f.before_id = ParseId(it->second);
    if (!f.before_id) Invalid("cursor is not one this server gave out");
  }
  const auto rows = intake_.List(actor, f);
  json::array items;
  for (const auto& r : rows) {
    items.push_back(json::object{{"id", r.id},
                                 {"channel", r.channel},
                                 {"source", r.source},
                                 {"external_ref", OptJson(r.external_ref)},
                                 {"content_type", r.content_type},
                                 {"size", r.raw_size},
                                 {"status", r.status},
                                 {"reason", OptJson(r.reason)},
                                 {"case_id", r.case_id ? json::value(*r.case_id) : json::value(nullptr)},
                                 {"public_no", OptJson(r.public_no)},
                                 {"received_at", FormatTimestamp(r.received_at)}});
  }
  json::value next = nullptr;
  if (static_cast<int>(rows.size()) == f.limit) next = std::to_string(rows.back().id);
  return Json(200, json::object{{"items", std::move(items)}, {"next", next}});
}

Response Api::MailboxForm(const Request& req) {
  const std::string type = req.Header("content-type").value_or("application/x-www-form-urlencoded");
  const Intake in =
      TakeOrReject(intake_, connectors::mailbox::ParseForm(req.body, type), "mailbox", "mailbox web form", type, req.body);
  const Timestamp expires = clock_.Now() + std::chrono::days(channels_.confirm_days);
  const auto [id, token] =
      intake_.SubmitPending(in, expires, channels_.public_url + "/public/mailbox/confirm");
  (void)token;  // mailed to the sender only: whoever confirms must own the address
  return Json(202, json::object{{"status", "pending"},
                                {"detail", "確認信已寄至 " + in.petitioner.email +
                                               "，請於期限內點選信中連結，案件才會受理。"},
                                {"expires_at", FormatTimestamp(expires)}});
}

Response Api::ConfirmMailbox(const Request& req) {
  auto it = req.query.find("token");
  if (it == req.query.end() || it->second.empty()) Invalid("the confirmation link lacks its token");
  auto result = intake_.Confirm(it->second, [](const std::string& raw) {
    // The form was accepted once already; it reads the same now.
    auto in = connectors::mailbox::ParseForm(raw, raw.rfind("{", 0) == 0 ? "application/json" : "");
    return std::move(in).ValueOrThrow();
  });
  const auto& c = *result.record;
  return Json(200, json::object{{"status", result.status},
                                {"public_no", c.public_no},
                                {"detail", "案件已受理，編號 " + c.public_no + "；查詢密碼已寄至您的電子郵件。"}});
}

Response Api::GetCase(const Request& req, std::int64_t id) {
  const Actor actor = Authenticate(req);
  return CaseResponse(200, cases_.Get(actor, id));
}

Response Api::ListCases(const Request& req) {
  const Actor actor = Authenticate(req);
  store::CaseFilter f;
  auto param = [&](const char* key) -> std::optional<std::string> {
    auto it = req.query.find(key);
    if (it == req.query.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  f.state = param("state");
  f.channel = param("channel");
  f.office = param("office");
  f.assignee = param("assignee");
  if (auto overdue = param("overdue")) {
    if (*overdue != "true" && *overdue != "false") Invalid("overdue must be true or false");
    f.overdue = *overdue == "true";
  }
  if (auto cursor = param("cursor")) {
    f.before_id = ParseId(*cursor);
    if (!f.before_id) Invalid("cursor is not one this server gave out");
  }
  if (auto limit = param("limit")) {
    auto n = ParseId(*limit);
    if (!n || *n > kMaxPageSize) Invalid("limit must be between 1 and " + std::to_string(kMaxPageSize));
    f.limit = static_cast<int>(*n);
  }
  auto views = cases_.List(actor, f);
  json::array items;
  for (const auto& v : views) items.push_back(CaseJson(v));
  json::object body{{"items", std::move(items)}};
  // A full page may have more behind it; the cursor is the last id shown.
  body["next"] = static_cast<int>(views.size()) == f.limit ? json::value(std::to_string(views.back().record.id))
                                                           : json::value(nullptr);
  return Json(200, body);
}

Response Api::PostEvent(const Request& req, std::int64_t id) {
  const Actor actor = Authenticate(req);
  auto if_match = req.Header("if-match");
  if (!if_match) {
    return Problem(428, "precondition-required", "If-Match required",
                   "send If-Match with the case's ETag so a concurrent change is not overwritten");
  }
  std::string tag = *if_match;
  if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
  auto expected = ParseId(tag);
  if (!expected) {
    throw DomainError(ErrorKind::kPreconditionFailed, "If-Match " + *if_match + " is not an ETag of this case");
  }

  const json::object o = ParseObject(req.body);
  std::vector<std::string> errors;
  Command cmd;
  cmd.event = ReqString(o, "event", errors);
  cmd.comment = OptString(o, "comment", errors).value_or("");
  if (auto it = o.find("data"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) {
      errors.push_back("data must be an object");
    } else {
      for (const auto& kv : it->value().as_object()) {
        const json::value& v = kv.value();
        const std::string key(kv.key());
        if (v.is_string()) {
          cmd.data[key] = std::string(v.as_string());
        } else if (v.is_bool() || v.is_number()) {
          cmd.data[key] = json::serialize(v);
        } else if (!v.is_null()) {
          errors.push_back("data." + key + " must be a string, number or boolean");
        }
      }
    }
  }
  if (!errors.empty()) Invalid("the event has invalid fields", errors);
  return CaseResponse(200, cases_.Apply(actor, id, *expected, cmd));
}

Response Api::ListEvents(const Request& req, std::int64_t id) {
  const Actor actor = Authenticate(req);
  json::array items;
  for (const auto& e : cases_.Events(actor, id)) {
    json::error_code ec;
    json::value data = json::parse(e.data_json, ec);
    items.push_back(json::object{{"seq", e.seq},
                                 {"event", e.event},
                                 {"from", OptJson(e.from)},
                                 {"to", e.to},
                                 {"actor", e.actor},
                                 {"at", FormatTimestamp(e.at)},
                                 {"data", ec ? json::value(json::object{}) : data},
                                 {"comment", OptJson(e.comment)}});
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

Response Api::CloseOffice(const Request& req) {
  const Actor actor = Authenticate(req);
  const json::object o = ParseObject(req.body);
  std::vector<std::string> errors;
  const std::string office = ReqString(o, "office", errors);
  const std::string date = ReqString(o, "date", errors);
  const std::string reason = ReqString(o, "reason", errors);
  const auto day = ParseDate(date);
  if (!date.empty() && !day) errors.push_back("date must be YYYY-MM-DD");
  if (!errors.empty()) Invalid("the closure has invalid fields", errors);
  const int moved = cases_.CloseOffice(actor, office, *day, reason);
  return Json(201, json::object{{"office", office}, {"date", date}, {"reason", reason}, {"cases_recomputed", moved}});
}

Response Api::ListOutbox(const Request& req) {
  const Actor actor = Authenticate(req);
  if (!actor.HasRole("supervisor") && !actor.HasRole("director") && !actor.HasRole("admin")) {
    throw DomainError(ErrorKind::kForbidden, "the outbox is for supervisors, directors and admins");
  }
  std::vector<std::string> statuses;
  if (auto it = req.query.find("status"); it != req.query.end() && !it->second.empty()) {
    const std::string& s = it->second;
    if (s == "failed") {
      statuses = {"dead", "undeliverable"};
    } else if (s == "pending" || s == "sent" || s == "dead" || s == "undeliverable") {
      statuses = {s};
    } else {
      Invalid("status must be pending, sent, failed, dead or undeliverable");
    }
  }
  std::optional<std::int64_t> before;
  if (auto it = req.query.find("cursor"); it != req.query.end() && !it->second.empty()) {
    before = ParseId(it->second);
    if (!before) Invalid("cursor is not one this server gave out");
  }
  int limit = 50;
  if (auto it = req.query.find("limit"); it != req.query.end() && !it->second.empty()) {
    auto n = ParseId(it->second);
    if (!n || *n > kMaxPageSize) Invalid("limit must be between 1 and " + std::to_string(kMaxPageSize));
    limit = static_cast<int>(*n);
  }
  std::vector<store::OutboxMessage> rows;
  db_.Run([&](store::Tx& tx) { rows = store::ListOutbox(tx, statuses, before, limit); });
  json::array items;
  for (const auto& m : rows) {
    json::object o{{"id", m.id},
                   {"channel", m.channel},
                   {"recipient", m.recipient},
                   {"subject", m.subject},
                   {"status", m.status},
                   {"attempts", m.attempts},
                   {"idempotency_key", m.idempotency_key},
                   {"created_at", FormatTimestamp(m.created_at)},
                   {"next_attempt_at", FormatTimestamp(m.next_attempt_at)}};
    o["case_id"] = m.case_id ? json::value(*m.case_id) : json::value(nullptr);
    o["last_error"] = OptJson(m.last_error);
    o["sent_at"] = m.sent_at ? json::value(FormatTimestamp(*m.sent_at)) : json::value(nullptr);
    items.push_back(std::move(o));
  }
  json::object body{{"items", std::move(items)}};
  body["next"] = static_cast<int>(rows.size()) == limit ? json::value(std::to_string(rows.back().id))
                                                        : json::value(nullptr);
  return Json(200, body);
}

}  // namespace petitiond::api
