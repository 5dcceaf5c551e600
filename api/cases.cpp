// Cases: staff intake, the case view, events (If-Match), the audit trail, lists.
#include <boost/json.hpp>

#include <sstream>

#include "api/api.hpp"
#include "engine/contact.hpp"
#include "api/export.hpp"
#include "api/json_io.hpp"
#include "api/problem.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/runtime/security/policy.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

std::string ETag(const store::CaseRecord& c) { return "\"" + std::to_string(c.row_version) + "\""; }

// The JSON of a case and its clocks is built into `sp`: a list page builds its whole
// tree in one monotonic resource (thousands of small allocations and frees were a
// quarter of a page's CPU).
json::object ClockJson(const ClockState& k, const runtime::CaseView& v, std::size_t i, const json::storage_ptr& sp) {
  json::object clock({{"name", k.name},
                      {"started_at", FormatTimestamp(k.started_at)},
                      {"due_at", FormatTimestamp(k.due_at)},
                      {"paused", k.Paused()},
                      {"stopped", !k.Running()},
                      {"overdue", k.Overdue(v.now)},
                      {"extensions_used", k.extensions},
                      {"calendar_incomplete", k.calendar_incomplete}},
                     sp);
  // Working days left (today included); negative once overdue; null once stopped.
  if (k.Running() && i < v.workdays_left.size()) {
    clock["workdays_left"] = v.workdays_left[i];
  } else {
    clock["workdays_left"] = nullptr;
  }
  if (k.paused_at) {
    clock["paused_since"] = FormatTimestamp(*k.paused_at);
  } else {
    clock["paused_since"] = nullptr;
  }
  if (k.stopped_at) {
    clock["stopped_at"] = FormatTimestamp(*k.stopped_at);
  } else {
    clock["stopped_at"] = nullptr;
  }
  if (k.pending_extension) {
    clock["pending_extension"] = json::object({{"requested_by", k.pending_extension->requested_by},
                                               {"requested_at", FormatTimestamp(k.pending_extension->requested_at)},
                                               {"reason", k.pending_extension->reason}},
                                              sp);
  } else {
    clock["pending_extension"] = nullptr;
  }
  return clock;
}

// The case as staff see it. `summary` (queue pages): no body, the petitioner's name only.
json::object CaseJson(const runtime::CaseView& v, bool summary = false, const json::storage_ptr& sp = {}) {
  const store::CaseRecord& c = v.record;
  json::object o(sp);
  o.reserve(24);
  o["id"] = c.id;
  o["public_no"] = c.public_no;
  o["channel"] = c.channel;
  o["workflow"] = json::object({{"name", c.workflow_name}, {"version", c.workflow_version}}, sp);
  o["state"] = c.state.state;
  o["office"] = c.office;
  o["category"] = OptJson(c.category, sp);
  o["subject"] = c.subject;
  o["confidential"] = c.confidential;
  if (summary) {
    o["petitioner"] = PetitionerJson(Petitioner{c.petitioner.name, "", "", ""}, sp);
  } else {
    o["body"] = c.body;
    o["petitioner"] = PetitionerJson(c.petitioner, sp);
  }
  o["assignee"] = OptJson(c.state.assignee, sp);
  o["overdue"] = c.state.overdue;
  o["priority"] = c.state.priority;
  o["external_ref"] = OptJson(c.external_ref, sp);
  o["received_at"] = FormatTimestamp(c.received_at);
  o["created_at"] = FormatTimestamp(c.created_at);
  o["updated_at"] = FormatTimestamp(c.updated_at);
  o["version"] = c.row_version;
  json::array clocks(sp);
  for (std::size_t i = 0; i < c.state.clocks.size(); ++i) clocks.push_back(ClockJson(c.state.clocks[i], v, i, sp));
  o["clocks"] = std::move(clocks);
  json::array allowed(sp);
  for (const auto& e : v.allowed_events) allowed.emplace_back(e);
  o["allowed_events"] = std::move(allowed);
  json::object requires_data(sp);
  for (const auto& [event, keys] : v.requires_data) {
    json::array a(sp);
    for (const auto& k : keys) a.emplace_back(k);
    requires_data[event] = std::move(a);
  }
  o["requires"] = std::move(requires_data);
  if (const auto& d = c.state.draft) {
    json::object data(sp);
    for (const auto& [k, val] : d->data) data[k] = val;
    o["draft"] = json::object({{"event", d->event},
                               {"data", std::move(data)},
                               {"comment", d->comment},
                               {"by", d->by},
                               {"at", FormatTimestamp(d->at)},
                               {"role", d->role}},
                              sp);
  } else {
    o["draft"] = nullptr;
  }
  return o;
}

Response CaseResponse(int status, const runtime::CaseView& v) {
  Response r = Json(status, CaseJson(v));
  r.headers.emplace_back("ETag", ETag(v.record));
  return r;
}

// The staff form, read like any connector's input: what it says, or its raw body with
// every bad field (kept in the intake log under the channel it names, else counter).
Received ParseStaffIntake(const Actor& actor, const Request& req) {
  Received out;
  Intake& in = out.intake;
  in.source = "staff " + actor.login;
  in.origin = Origin::kStaff;
  in.content_type = "application/json";
  in.raw = req.body;
  in.channel = "counter";
  json::object o;
  try {
    o = ParseObject(req.body);
  } catch (const DomainError& e) {
    out.error = e.error();
    return out;
  }
  std::vector<std::string> errors;
  in.workflow = OptString(o, "workflow", errors);
  in.channel = ReqString(o, "channel", errors);
  in.office = OptString(o, "office", errors);  // staff: their own office when left out
  in.category = OptString(o, "category", errors);
  in.subject = ReqString(o, "subject", errors);
  in.body = ReqString(o, "body", errors);
  in.external_ref = OptString(o, "external_ref", errors);
  if (!in.channel.empty() && !IsKnown(KnownChannels(), in.channel)) {
    errors.push_back("channel must be one of hotline, mailbox, news, counter");
  }
  if (auto it = o.find("confidential"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_bool()) errors.push_back("confidential must be true or false");
    else in.confidential = it->value().as_bool();
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
      if (const auto language = OptString(p, "language", errors)) {
        if (const auto l = ParseLanguage(*language)) {
          in.petitioner.language = *l;
        } else {
          errors.push_back("petitioner.language must be zh-Hant-TW or en");
        }
      }
      if (!in.petitioner.email.empty()) {
        if (auto why = EmailProblem(in.petitioner.email)) errors.push_back("petitioner.email: " + *why);
      }
      if (!in.petitioner.phone.empty()) {
        if (auto why = PhoneProblem(in.petitioner.phone)) errors.push_back("petitioner.phone: " + *why);
      }
      for (const auto& kv : p) {
        const std::string k(kv.key());
        if (k != "name" && k != "phone" && k != "email" && k != "address" && k != "language") {
          errors.push_back("petitioner." + k + " is not a known field (name, phone, email, address, language)");
        }
      }
    }
  }
  if (!in.channel.empty() && !IsKnown(KnownChannels(), in.channel)) in.channel = "counter";
  if (in.channel.empty()) in.channel = "counter";
  if (!errors.empty()) out.error = Error{ErrorKind::kInvalid, "the case has invalid fields", errors};
  return out;
}

Response CreateCase(const Services& s, Context& ctx) {
  const Actor& actor = ctx.caller();
  const Received in = ParseStaffIntake(actor, ctx.request);
  runtime::IntakeResult result = TakeOrRefuse(s.intake, in, {.actor = actor});
  runtime::CaseView view;
  if (result.status == IntakeStatus::kDuplicate) {
    // The existing case, if the caller may see it; its number is no secret to them.
    try {
      view = s.cases.Get(actor, result.record->id);
    } catch (const DomainError& e) {
      if (e.error().kind != ErrorKind::kNotFound) throw;
      throw DomainError(ErrorKind::kConflict, "external_ref " + in.intake.external_ref.value_or("") +
                                                  " already belongs to a case of another office");
    }
  } else {
    view = s.cases.View(actor, std::move(*result.record));
  }
  json::object body = CaseJson(view);
  if (!result.access_code.empty()) body["access_code"] = result.access_code;
  body["intake"] = IntakeJson(result);
  body["possible_duplicates"] = body["intake"].as_object()["possible_duplicates"];
  Response r = Json(result.status == IntakeStatus::kDuplicate ? 200 : 201, body);
  r.headers.emplace_back("ETag", ETag(view.record));
  r.headers.emplace_back("Location", "/api/v1/cases/" + std::to_string(view.record.id));
  return r;
}

// A sort=due cursor: "<due epoch or ->.<id>", the last row shown.
std::string DueCursor(const store::CaseRecord& c) {
  return (c.next_due_at ? std::to_string(c.next_due_at->time_since_epoch().count()) : "-") + "." +
         std::to_string(c.id);
}

store::CaseFilter::After ParseDueCursor(const std::string& text) {
  store::CaseFilter::After a;
  const auto dot = text.find('.');
  if (dot == std::string::npos) Invalid("cursor is not one this server gave out");
  const std::string due = text.substr(0, dot);
  auto id = ParseId(text.substr(dot + 1));
  auto due_epoch = due == "-" ? std::optional<std::int64_t>(0) : ParseId(due);
  if (!id || !due_epoch) Invalid("cursor is not one this server gave out");
  if (due != "-") a.due_at = Timestamp(std::chrono::seconds(*due_epoch));
  a.id = *id;
  return a;
}

// A sort=relevance cursor: "<rank>r<id>", the last row shown.
std::string RankCursor(const store::CaseRecord& c) { return std::to_string(c.search_rank) + "r" + std::to_string(c.id); }

store::CaseFilter::AfterRank ParseRankCursor(const std::string& text) {
  const auto r = text.find('r');
  if (r == std::string::npos) Invalid("cursor is not one this server gave out");
  const auto rank = ParseId(text.substr(0, r));
  const auto id = ParseId(text.substr(r + 1));
  if (!rank || !id || *rank > 100) Invalid("cursor is not one this server gave out");
  return store::CaseFilter::AfterRank{static_cast<int>(*rank), *id};
}

// ?q= as search terms: split at white space (the ideographic space too), phone
// numbers however written (0912-345-678, +886 912 345 678) as one term in their normal
// form. At most 10 terms and 200 bytes; at least one term of two characters or more.
store::CaseFilter::Search ParseSearch(std::string q) {
  if (q.size() > 200) Invalid("q is at most 200 bytes");
  for (std::size_t at = q.find("\xE3\x80\x80"); at != std::string::npos; at = q.find("\xE3\x80\x80", at)) {
    q.replace(at, 3, " ");
  }
  // A phone number typed with spaces is one term: runs of digits, '+', '-', '(', ')'
  // and single spaces that hold 6 or more digits become their normal form.
  std::string joined;
  for (std::size_t i = 0; i < q.size();) {
    const auto phoneish = [&](char c) { return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '(' || c == ')'; };
    if (!phoneish(q[i])) {
      joined += q[i++];
      continue;
    }
    std::size_t end = i, digits = 0;
    while (end < q.size() && (phoneish(q[end]) || (q[end] == ' ' && end + 1 < q.size() && phoneish(q[end + 1])))) {
      if (q[end] >= '0' && q[end] <= '9') ++digits;
      ++end;
    }
    const std::string run = q.substr(i, end - i);
    joined += digits >= 6 ? NormalPhone(run) : run;
    i = end;
  }
  store::CaseFilter::Search s;
  bool long_enough = false;
  std::stringstream words(joined);
  for (std::string w; words >> w;) {
    std::size_t chars = 0;
    for (const unsigned char c : w) chars += (c & 0xC0) != 0x80;
    long_enough = long_enough || chars >= 2;
    s.terms.push_back(std::move(w));
  }
  if (s.terms.size() > 10) Invalid("q has at most 10 words");
  if (!long_enough) Invalid("q needs a word of at least two characters");
  return s;
}

// The list with its filters as a spreadsheet, up to kMaxExportRows. Petitioners of
// confidential cases read 保密 in every export, whoever downloads it, and no export
// carries contact details.
constexpr int kMaxExportRows = 20000;

Response ExportCases(const Services& s, Context& ctx, store::CaseFilter f, ExportFormat format) {
  Sheet sheet{"案件",
              {"案號", "管道", "辦理單位", "類別", "主旨", "狀態", "承辦人", "收件時間", "最近期限", "逾期", "陳情人"},
              {}};
  f.summary = true;
  f.limit = kMaxExportRows + 1;
  auto views = s.cases.List(ctx.caller(), f, ctx.route);
  if (static_cast<int>(views.size()) > kMaxExportRows) {
    Invalid("the list has more than " + std::to_string(kMaxExportRows) +
            " cases; narrow it with filters (office, channel, state) before exporting");
  }
  for (const auto& v : views) {
    const store::CaseRecord& c = v.record;
    const std::string name = c.confidential ? runtime::kRedacted : c.petitioner.name;
    sheet.rows.push_back({c.public_no, c.channel, c.office, c.category.value_or(""), c.subject, c.state.state,
                          c.state.assignee.value_or(""), FormatTimestamp(c.received_at),
                          c.next_due_at ? Cell(FormatTimestamp(*c.next_due_at)) : Cell(),
                          std::string(c.state.overdue ? "是" : "否"), name});
  }
  return Download({std::move(sheet)}, format, "petitiond-cases");
}

Response ListCases(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  store::CaseFilter f;
  f.state = QueryValue(req, "state");
  f.channel = QueryValue(req, "channel");
  f.office = QueryValue(req, "office");
  f.assignee = QueryValue(req, "assignee");
  if (auto overdue = QueryValue(req, "overdue")) {
    if (*overdue != "true" && *overdue != "false") Invalid("overdue must be true or false");
    f.overdue = *overdue == "true";
  }
  if (auto confidential = QueryValue(req, "confidential")) {
    if (*confidential != "true" && *confidential != "false") Invalid("confidential must be true or false");
    f.confidential = *confidential == "true";
  }
  if (auto draft = QueryValue(req, "draft")) {
    if (*draft != "true" && *draft != "false") Invalid("draft must be true or false");
    f.draft = *draft == "true";
  }
  bool summary = false;
  if (auto fields = QueryValue(req, "fields")) {
    if (*fields != "summary" && *fields != "full") Invalid("fields must be summary or full");
    summary = *fields == "summary";
  }
  f.summary = summary;
  if (auto q = QueryValue(req, "q"); q && !q->empty()) {
    f.search = ParseSearch(*q);
    f.order = store::CaseFilter::Order::kRelevance;  // unless sort says otherwise
  }
  if (auto sort = QueryValue(req, "sort")) {
    if (*sort != "due" && *sort != "newest" && *sort != "relevance") Invalid("sort must be due, newest or relevance");
    if (*sort == "relevance" && !f.search) Invalid("sort=relevance needs q");
    if (*sort == "due") f.order = store::CaseFilter::Order::kDue;
    if (*sort == "newest") f.order = store::CaseFilter::Order::kNewest;
  }
  if (f.order == store::CaseFilter::Order::kDue) {
    if (auto cursor = QueryValue(req, "cursor")) f.after = ParseDueCursor(*cursor);
  } else if (f.order == store::CaseFilter::Order::kRelevance) {
    if (auto cursor = QueryValue(req, "cursor")) f.after_rank = ParseRankCursor(*cursor);
  } else {
    f.before_id = Cursor(req);
  }
  if (auto format = QueryValue(req, "format"); format && *format != "json") {
    if (*format != "csv" && *format != "xlsx") Invalid("format must be json, csv or xlsx");
    return ExportCases(s, ctx, f, *format == "csv" ? ExportFormat::kCsv : ExportFormat::kXlsx);
  }
  f.limit = Limit(req);
  auto views = s.cases.List(ctx.caller(), f, ctx.route);
  // The page's whole tree in one resource, released at once after it is written.
  json::monotonic_resource page_memory(64 * 1024);
  const json::storage_ptr sp(&page_memory);
  json::array items(sp);
  items.reserve(views.size());
  for (const auto& v : views) items.push_back(CaseJson(v, summary, sp));
  json::object body(sp);
  body["items"] = std::move(items);
  // A full page may have more behind it; the cursor marks the last row shown.
  json::value next = nullptr;
  if (static_cast<int>(views.size()) == f.limit) {
    const auto& last = views.back().record;
    next = f.order == store::CaseFilter::Order::kDue         ? DueCursor(last)
           : f.order == store::CaseFilter::Order::kRelevance ? RankCursor(last)
                                                             : std::to_string(last.id);
  }
  body["next"] = next;
  return Json(200, body);
}

Response PostEvent(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  const std::int64_t id = PathId(ctx, "id", "a case id");
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
  cmd.data = EventData(o, errors);
  if (!errors.empty()) Invalid("the event has invalid fields", errors);
  return CaseResponse(200, s.cases.Apply(ctx.caller(), id, *expected, cmd));
}

Response PostComment(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  const std::string text = ReqString(o, "comment", errors);
  RefuseUnknown(o, {"comment"}, errors);
  const std::int64_t id = PathId(ctx, "id", "a case id");
  if (!errors.empty()) {
    s.cases.RequireVisible(ctx.caller(), id);  // another office's case is not there at all
    Invalid("the comment has invalid fields", errors);
  }
  return CaseResponse(200, s.cases.Comment(ctx.caller(), id, text));
}

// Many cases, one action: each case its own transaction and audit event, so one
// stale or refused case does not stop the rest; the answer says, per case, which.
Response BulkAction(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  RefuseUnknown(o, {"cases", "data", "comment"}, errors);
  const std::map<std::string, std::string> data = EventData(o, errors);
  const std::string comment = OptString(o, "comment", errors).value_or("");
  struct Item {
    std::int64_t id = 0;
    std::string event;
    std::optional<std::int64_t> version;
  };
  std::vector<Item> items;
  const auto it = o.find("cases");
  if (it == o.end() || !it->value().is_array() || it->value().as_array().empty()) {
    errors.push_back("cases must be a non-empty list of {id, event?, version?}");
  } else if (it->value().as_array().size() > 200) {
    errors.push_back("cases: at most 200 in one action");
  } else {
    for (const auto& v : it->value().as_array()) {
      const std::string at = "cases[" + std::to_string(items.size()) + "]";
      if (!v.is_object() || !v.as_object().contains("id") || !v.as_object().at("id").is_int64()) {
        errors.push_back(at + " must be {id, event?, version?} with an integer id");
        items.emplace_back();
        continue;
      }
      const auto& c = v.as_object();
      Item item{c.at("id").as_int64(), "", std::nullopt};
      if (auto e = c.find("event"); e != c.end() && !e->value().is_null()) {
        if (e->value().is_string()) item.event = std::string(e->value().as_string());
        else errors.push_back(at + ".event must be a string");
      }
      if (auto ver = c.find("version"); ver != c.end() && !ver->value().is_null()) {
        if (ver->value().is_int64()) item.version = ver->value().as_int64();
        else errors.push_back(at + ".version must be the integer version you read");
      }
      if (!item.event.empty() && !item.version) errors.push_back(at + " needs the version you read, as If-Match would");
      if (item.event.empty() && comment.empty()) errors.push_back(at + ": without an event the action is a comment");
      items.push_back(std::move(item));
    }
  }
  if (!errors.empty()) Invalid("the action has invalid fields", errors);
  json::array results;
  int ok = 0;
  for (const auto& item : items) {
    json::object r{{"id", item.id}};
    try {
      const runtime::CaseView v = item.event.empty()
                                      ? s.cases.Comment(ctx.caller(), item.id, comment)
                                      : s.cases.Apply(ctx.caller(), item.id, *item.version, Command{item.event, data, comment});
      r["ok"] = true;
      r["public_no"] = v.record.public_no;
      r["version"] = v.record.row_version;
      ++ok;
    } catch (const DomainError& e) {
      // A bug is a 500 for the whole request (its details only in the log); anything
      // else is this case's answer, so the caller learns which cases changed. A
      // database that went away says so in fixed words, never its own message.
      if (e.error().kind == ErrorKind::kInternal) throw;
      const Response p = e.error().kind == ErrorKind::kUnavailable
                             ? ProblemResponse(Error{ErrorKind::kUnavailable,
                                                     "the database is unavailable; this case was not changed", {}})
                             : ProblemResponse(e.error());
      r["ok"] = false;
      r["problem"] = json::parse(p.body);
    }
    results.push_back(std::move(r));
  }
  return Json(200, json::object{{"items", std::move(results)},
                                {"succeeded", ok},
                                {"failed", static_cast<int>(items.size()) - ok}});
}

Response PresenceResponse(const runtime::Presence& p) {
  json::array others;
  for (const auto& login : p.others) others.emplace_back(login);
  return Json(200, json::object{{"others", std::move(others)}, {"version", p.version}});
}

Response SetConfidentiality(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  bool confidential = false;
  if (auto it = o.find("confidential"); it == o.end() || !it->value().is_bool()) {
    errors.push_back("confidential must be true or false");
  } else {
    confidential = it->value().as_bool();
  }
  const std::string reason = ReqString(o, "reason", errors);
  if (!errors.empty()) Invalid("the change has invalid fields", errors);
  return CaseResponse(200, s.cases.SetConfidential(ctx.caller(), PathId(ctx, "id", "a case id"), confidential, reason));
}

Response Reveal(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  const std::string reason = ReqString(o, "reason", errors);
  if (!errors.empty()) Invalid("a reveal needs its reason", errors);
  const auto r = s.cases.Reveal(ctx.caller(), PathId(ctx, "id", "a case id"), reason, ctx.route);
  return Json(200, json::object{{"case_id", r.case_id},
                                {"public_no", r.public_no},
                                {"petitioner", PetitionerJson(r.petitioner)},
                                {"revealed_at", FormatTimestamp(r.at)}});
}

Response ListAccessLog(const Services& s, Context& ctx) {
  store::AccessLogFilter f;
  if (auto id = QueryValue(ctx.request, "case_id")) {
    f.case_id = ParseId(*id);
    if (!f.case_id) Invalid("case_id must be a case id");
  }
  f.login = QueryValue(ctx.request, "login");
  f.before_id = Cursor(ctx.request);
  f.limit = Limit(ctx.request);
  const auto rows = s.cases.AccessLog(ctx.caller(), f);
  json::array items;
  for (const auto& e : rows) {
    items.push_back(json::object{{"id", e.id},
                                 {"case_id", e.case_id},
                                 {"public_no", e.public_no},
                                 {"login", e.login},
                                 {"route", e.route},
                                 {"action", e.action},
                                 {"reason", OptJson(e.reason)},
                                 {"at", FormatTimestamp(e.at)}});
  }
  return IdPage(std::move(items), rows.size(), f.limit, rows.empty() ? 0 : rows.back().id);
}

Response Repeats(const Services& s, Context& ctx) {
  const Actor& a = ctx.caller();
  const auto rows = s.intake.Repeats(a, QueryValue(ctx.request, "phone").value_or(""),
                                     QueryValue(ctx.request, "email").value_or(""),
                                     QueryValue(ctx.request, "office").value_or(a.office));
  json::array items;
  for (const auto& d : rows) {
    items.push_back(json::object{{"id", d.id},
                                 {"public_no", d.public_no},
                                 {"subject", d.subject},
                                 {"state", d.state},
                                 {"received_at", FormatTimestamp(d.received_at)}});
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

// A declared label, or the name itself where the workflow declares none.
std::string Label(const std::string& label, const std::string& name) { return label.empty() ? name : label; }

json::array EventsJson(const std::vector<EventDef>& events) {
  json::array out;
  for (const auto& e : events) {
    json::array shown;
    for (const auto& k : e.public_data) shown.emplace_back(k);
    out.push_back(json::object{{"name", e.name},
                               {"label", Label(e.label, e.name)},
                               {"counts_as", e.counts_as ? json::value(Name(*e.counts_as)) : json::value(nullptr)},
                               {"public_data", std::move(shown)}});
  }
  return out;
}

json::array FieldsJson(const std::vector<FieldDef>& fields) {
  json::array out;
  for (const auto& f : fields) {
    out.push_back(json::object{{"name", f.name}, {"label", Label(f.label, f.name)}, {"multiline", f.multiline}});
  }
  return out;
}

// Every deployed workflow's latest version: its states, transitions, events, clocks and
// data fields with the words it declares for them. The console draws the diagram and
// labels every state, event, clock and field from this, so an office's own workflow
// needs no change to the console.
Response ListWorkflows(const Services& s) {
  json::array items;
  for (const auto& wf : s.cases.LatestWorkflows()) {
    json::array states, transitions, clocks;
    for (const auto& st : wf->states) {
      states.push_back(json::object{{"name", st.name},
                                    {"initial", st.initial},
                                    {"final", st.final},
                                    {"label", Label(st.label, st.name)},
                                    {"public_label", st.public_label},
                                    {"pauses_clocks", !st.pauses.empty()},
                                    {"outcome", st.outcome ? json::value(Name(*st.outcome)) : json::value(nullptr)}});
    }
    for (const auto& t : wf->transitions) {
      json::array from, roles, require, notify;
      for (const auto& n : t.notify) notify.emplace_back(n);
      for (const auto& f : t.from) from.emplace_back(f);
      for (const auto& r : t.roles) roles.emplace_back(r);
      for (const auto& r : t.require) require.emplace_back(r);
      transitions.push_back(json::object{{"on", t.on},
                                         {"from", std::move(from)},
                                         {"to", t.to},
                                         {"roles", std::move(roles)},
                                         {"require", std::move(require)},
                                         {"notify", std::move(notify)},
                                         {"approve", t.approve_role.empty() ? json::value(nullptr)
                                                                            : json::value(json::object{{"role", t.approve_role}})}});
    }
    for (const auto& c : wf->clocks) clocks.push_back(json::object{{"name", c.name}, {"label", Label(c.label, c.name)}});
    items.push_back(json::object{{"name", wf->name},
                                 {"version", wf->version},
                                 {"states", std::move(states)},
                                 {"transitions", std::move(transitions)},
                                 {"events", EventsJson(wf->events)},
                                 {"clocks", std::move(clocks)},
                                 {"fields", FieldsJson(wf->fields)}});
  }
  return Json(200, json::object{{"items", std::move(items)},
                                {"builtin_events", EventsJson(BuiltinEvents())},
                                {"builtin_fields", FieldsJson(BuiltinFields())}});
}

// The offices routing.yaml names, with the names staff read.
Response ListOffices(const Services& s) {
  json::array items;
  for (const auto& o : s.intake.routing()->offices) items.push_back(json::object{{"code", o.code}, {"name", o.name}});
  return Json(200, json::object{{"items", std::move(items)}});
}

Response ListEvents(const Services& s, Context& ctx) {
  json::array items;
  for (const auto& e : s.cases.Events(ctx.caller(), PathId(ctx, "id", "a case id"), ctx.route)) {
    items.push_back(json::object{{"seq", e.seq},
                                 {"event", e.event},
                                 {"from", OptJson(e.from)},
                                 {"to", e.to},
                                 {"actor", e.actor},
                                 {"at", FormatTimestamp(e.at)},
                                 {"data", StoredJson(e.data_json)},
                                 {"comment", OptJson(e.comment)}});
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

}  // namespace

void AddCaseRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return CreateCase(s, c); },
         .summary = "Take in a case (hotline call, counter petition); 200 with the existing case for a known "
                    "external_ref",
         .tag = "cases",
         .request_schema = schemas::kNewCase,
         .status = 201,
         .response_schema = schemas::kCreatedCase,
         .other_statuses = {200},
         .errors = {409, 422},
         .idempotent_create = true});
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return ListCases(s, c); },
         .summary = "Cases of your office (directors and admins: all), newest first or earliest deadline first",
         .tag = "cases",
         .query = {{"state", R"({"type":"string"})", "workflow state"},
                   {"channel", R"({"type":"string","enum":["hotline","mailbox","news","counter"]})", ""},
                   {"office", R"({"type":"string"})", ""},
                   {"assignee", R"({"type":"string"})", "login of the handler"},
                   {"overdue", R"({"type":"string","enum":["true","false"]})", ""},
                   {"confidential", R"({"type":"string","enum":["true","false"]})", "confidential petitioners only"},
                   {"draft", R"({"type":"string","enum":["true","false"]})",
                    "true: cases with a step waiting for sign-off (the supervisor's and director's drafts to decide)"},
                   {"q", R"({"type":"string","maxLength":200})",
                    "search: every word must occur in the subject, body, replies, case number or petitioner "
                    "(name, phone, e-mail, address); Chinese words of two characters or more anywhere, 臺 = 台, "
                    "full-width = half-width, phone numbers however written; sorted by relevance unless sort says "
                    "otherwise"},
                   {"sort", R"({"type":"string","enum":["newest","due","relevance"]})",
                    "newest (default; relevance with q), due: earliest deadline first, so cases past their deadline lead, "
                    "or relevance (with q): most words in the subject first, among the newest 200 matches"},
                   {"fields", R"({"type":"string","enum":["full","summary"]})",
                    "summary: no body, petitioner name only (queue pages)"},
                   {"format", R"({"type":"string","enum":["json","csv","xlsx"]})",
                    "csv or xlsx: every case the filters select (up to 20,000) as a spreadsheet; confidential "
                    "petitioners read 保密"},
                   LimitParam(),
                   CursorParam()},
         .response_schema = schemas::kCaseList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases/{id}",
         .who = Who::Staff(),
         .handler = [&s](Context& c) {
           return CaseResponse(200, s.cases.Get(c.caller(), PathId(c, "id", "a case id"), c.route));
         },
         .summary = "One case with its clocks and the events you may send now; ETag is its version",
         .tag = "cases",
         .response_schema = schemas::kCase});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/events",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return PostEvent(s, c); },
         .summary = "Apply an event (If-Match: the ETag you read); the workflow decides who may send which",
         .tag = "cases",
         .request_schema = schemas::kEventRequest,
         .response_schema = schemas::kCase,
         .errors = {409, 412, 422, 428}});
  t.Add({.method = "GET",
         .pattern = "/api/v1/cases/{id}/events",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return ListEvents(s, c); },
         .summary = "The case's audit trail, in order",
         .tag = "cases",
         .response_schema = schemas::kEventList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/workflows",
         .who = Who::Staff(),
         .handler = [&s](Context&) { return ListWorkflows(s); },
         .summary = "The latest version of each deployed workflow: states, transitions, events, clocks and fields "
                    "with their declared labels and meanings, and the built-in events",
         .tag = "workflows",
         .response_schema = schemas::kWorkflowList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/offices",
         .who = Who::Staff(),
         .handler = [&s](Context&) { return ListOffices(s); },
         .summary = "The offices of routing.yaml: codes and the names staff read",
         .tag = "workflows",
         .response_schema = schemas::kOfficeList});
  t.Add({.method = "GET",
         .pattern = "/api/v1/repeats",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return Repeats(s, c); },
         .summary = "Recent cases of a petitioner by phone or e-mail in your office (confidential ones never): the "
                    "hotline form shows them while the number is typed",
         .tag = "cases",
         .query = {{"phone", R"({"type":"string"})", ""},
                   {"email", R"({"type":"string"})", ""},
                   {"office", R"({"type":"string"})", "default: yours"}},
         .response_schema = schemas::kRepeats});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/comments",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return PostComment(s, c); },
         .summary = "Add a comment (加註) to the case's trail, in any state; it changes nothing else",
         .tag = "cases",
         .request_schema = R"({"type":"object","required":["comment"],"additionalProperties":false,)"
                           R"("properties":{"comment":{"type":"string","minLength":1,"maxLength":10000}}})",
         .response_schema = schemas::kCase});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/presence",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return PresenceResponse(s.cases.Touch(c.caller(), PathId(c, "id", "a case id"))); },
         .summary = "An open case page says it is still open (every few seconds): who else has the case open now, "
                    "and the case's version (a page holding an older one is stale: reload before saving)",
         .tag = "cases",
         .response_schema = schemas::kPresence});
  t.Add({.method = "DELETE",
         .pattern = "/api/v1/cases/{id}/presence",
         .who = Who::Staff(),
         .handler =
             [&s](Context& c) {
               s.cases.Leave(c.caller(), PathId(c, "id", "a case id"));
               return Json(200, json::object{{"status", "left"}});
             },
         .summary = "The case page was closed",
         .tag = "cases",
         .response_schema = schemas::kStatus});
  t.Add({.method = "POST",
         .pattern = "/api/v1/bulk-actions",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) { return BulkAction(s, c); },
         .summary = "One action on up to 200 cases: an event (assign, reassign: each case with the event and "
                    "the version you read) or, without an event, a comment. Each case is its own audited step; "
                    "the answer lists, per case, ok or the problem it met",
         .tag = "cases",
         .request_schema = schemas::kBulkAction,
         .response_schema = schemas::kBulkResult});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/confidentiality",
         .who = Who::Staff(),
         .handler = [&s](Context& c) { return SetConfidentiality(s, c); },
         .summary = "Mark the petitioner confidential (anyone on the case) or lift it (director, privacy officer); "
                    "audited with the reason",
         .tag = "privacy",
         .request_schema = schemas::kConfidentialityChange,
         .response_schema = schemas::kCase});
  t.Add({.method = "POST",
         .pattern = "/api/v1/cases/{id}/reveal",
         .who = Who::Roles({"director", "privacy_officer"}),
         .handler = [&s](Context& c) { return Reveal(s, c); },
         .summary = "The petitioner's identity, with a reason: an audit event on the case and an access-log row",
         .tag = "privacy",
         .request_schema = schemas::kRevealRequest,
         .response_schema = schemas::kRevealedIdentity});
  t.Add({.method = "GET",
         .pattern = "/api/v1/access-log",
         .who = Who::Roles({"director", "privacy_officer", "admin"}),
         .handler = [&s](Context& c) { return ListAccessLog(s, c); },
         .summary = "Reads and reveals of confidential cases, newest first (privacy officer: own office)",
         .tag = "privacy",
         .query = {{"case_id", R"({"type":"integer"})", ""},
                   {"login", R"({"type":"string"})", "who read"},
                   LimitParam(),
                   CursorParam()},
         .response_schema = schemas::kAccessLog});
}

}  // namespace petitiond::api
