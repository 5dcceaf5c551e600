// Moving running cases to a corrected workflow version (admins; the CLI does the same).
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/workflow_migration.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

json::object ReportJson(const runtime::MigrationReport& r, bool dry_run) {
  json::array moves, refused;
  for (const auto& m : r.moves) {
    moves.push_back(json::object{{"from_state", m.from_state}, {"to_state", m.to_state}, {"cases", m.cases}});
  }
  for (const auto& x : r.refused) {
    json::array reasons;
    for (const auto& why : x.reasons) reasons.emplace_back(why);
    refused.push_back(json::object{
        {"case_id", x.case_id}, {"public_no", x.public_no}, {"state", x.state}, {"reasons", std::move(reasons)}});
  }
  return json::object{{"dry_run", dry_run},           {"moves", std::move(moves)}, {"refused", std::move(refused)},
                      {"moved", r.moved},             {"batches", r.batches},      {"finished_stay", r.finished}};
}

Response Migrate(const Services& s, Context& ctx) {
  const json::object o = ParseObject(ctx.request.body);
  std::vector<std::string> errors;
  RefuseUnknown(o, {"from", "to", "map", "dry_run"}, errors);
  runtime::MigrationRequest r;
  r.workflow = ctx.Param("name");
  const auto version = [&](const char* key) {
    const auto it = o.find(key);
    if (it == o.end() || !it->value().is_int64() || it->value().as_int64() < 1) {
      errors.push_back(std::string(key) + " must be a version number");
      return 0;
    }
    return static_cast<int>(it->value().as_int64());
  };
  r.from = version("from");
  r.to = version("to");
  if (auto it = o.find("map"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_object()) {
      errors.push_back("map must be an object {old_state: new_state}");
    } else {
      for (const auto& kv : it->value().as_object()) {
        if (kv.value().is_string()) r.state_map[std::string(kv.key())] = std::string(kv.value().as_string());
        else errors.push_back("map." + std::string(kv.key()) + " must be a state name");
      }
    }
  }
  r.dry_run = true;
  if (auto it = o.find("dry_run"); it != o.end()) {
    if (it->value().is_bool()) r.dry_run = it->value().as_bool();
    else errors.push_back("dry_run must be true or false");
  }
  if (!errors.empty()) Invalid("the migration has invalid fields", errors);
  return Json(200, ReportJson(s.migrations.Migrate(ctx.caller(), r), r.dry_run));
}

}  // namespace

void AddWorkflowMigrationRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "POST",
         .pattern = "/api/v1/workflows/{name}/migrations",
         .who = Who::Roles({"admin"}),
         .handler = [&s](Context& c) { return Migrate(s, c); },
         .summary = "Admin: move the running cases of version `from` to version `to` (states mapped by `map`, "
                    "unmapped ones by name). dry_run (the default) reports per state how many would move and "
                    "which cases would break and why; false moves them in audited batches",
         .tag = "workflows",
         .request_schema = schemas::kMigrationRequest,
         .response_schema = schemas::kMigrationReport});
}

}  // namespace petitiond::api
