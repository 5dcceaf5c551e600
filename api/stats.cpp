// The office's figures (GET /api/v1/stats) as JSON, CSV or XLSX, and the monthly open
// data (docs/stats.md defines every figure).
#include <boost/json.hpp>

#include <cmath>

#include "api/api.hpp"
#include "api/export.hpp"
#include "api/json_io.hpp"
#include "api/schemas.hpp"
#include "engine/runtime/services/stats_service.hpp"

namespace petitiond::api {
namespace json = boost::json;
namespace {

using stats::Month;

// Rates and percentages to one decimal, means to two: what the report prints.
std::optional<double> RoundOpt(std::optional<double> v, int digits) {
  if (!v) return v;
  const double f = std::pow(10.0, digits);
  return std::round(*v * f) / f;
}
json::value Round(std::optional<double> v, int digits) {
  const auto r = RoundOpt(v, digits);
  return r ? json::value(*r) : json::value(nullptr);
}

json::object ChangeJson(const stats::Change& c, const char* diff_name) {
  return json::object{{diff_name, Round(c.diff, 2)}, {"percent", Round(c.percent, 1)}};
}

json::object SatisfactionChangeJson(const stats::SatisfactionChange& c) {
  return json::object{{"answers", ChangeJson(c.answers, "diff")},
                      {"response_rate", ChangeJson(c.response_rate, "pp")},
                      {"mean_score", ChangeJson(c.mean_all, "diff")},
                      {"satisfied_share", ChangeJson(c.satisfied_all, "pp")}};
}

json::object GroupJson(const stats::GroupFigures& g, stats::GroupBy by) {
  json::object clocks;
  for (const auto& [name, f] : g.clocks) {
    clocks[name] = json::object{{"stopped", f.stopped},
                                {"on_time", f.on_time},
                                {"on_time_rate", Round(f.on_time_rate, 1)},
                                {"extensions_granted", f.extensions}};
  }
  const auto& s = g.satisfaction;
  const auto& c = g.counts;
  json::object out{{"group", g.group},
                   {"received", c.received},
                   {"closed", c.closed},
                   {"transferred", c.transferred},
                   {"merged", c.merged},
                   {"registered_only", c.registered_only},
                   {"withdrawn", c.withdrawn},
                   {"replied", c.replied},
                   {"open_at_end", g.open_at_end},
                   {"overdue_now", g.overdue_now},
                   {"extensions_granted", g.extensions},
                   {"clocks", std::move(clocks)},
                   {"handling", json::object{{"replies", c.handling_n},
                                             {"avg_workdays", Round(g.handling_avg, 2)},
                                             {"p90_workdays", g.handling_p90 ? json::value(*g.handling_p90)
                                                                             : json::value(nullptr)}}},
                   {"online", json::object{{"mailbox_form", c.online_form},
                                           {"webhook", c.online_webhook},
                                           {"open311", c.online_open311}}},
                   {"satisfaction",
                    json::object{{"sent", s.sent},
                                 {"answers", s.answers},
                                 {"response_rate", Round(s.response_rate, 1)},
                                 {"mean", json::object{{"speed", Round(s.mean_speed, 2)},
                                                       {"result", Round(s.mean_result, 2)},
                                                       {"attitude", Round(s.mean_attitude, 2)},
                                                       {"all", Round(s.mean_all, 2)}}},
                                 {"satisfied_share", json::object{{"speed", Round(s.satisfied_speed, 1)},
                                                                  {"result", Round(s.satisfied_result, 1)},
                                                                  {"attitude", Round(s.satisfied_attitude, 1)},
                                                                  {"all", Round(s.satisfied_all, 1)}}},
                                 {"mom", SatisfactionChangeJson(g.mom)},
                                 {"yoy", SatisfactionChangeJson(g.yoy)}}}};
  if (by == stats::GroupBy::kMonth && !g.group.empty()) out["label"] = stats::RocLabel(*stats::ParseMonth(g.group));
  return out;
}

json::object ReportJson(const stats::Report& r) {
  static const char* const kGroupBy[] = {"office", "channel", "category", "month"};
  json::array groups;
  for (const auto& g : r.groups) groups.push_back(GroupJson(g, r.group_by));
  json::array channels;
  for (const auto& m : r.channels) {
    json::object cases, growth;
    for (const auto& [ch, n] : m.cases) cases[ch] = n;
    for (const auto& [ch, p] : m.growth) growth[ch] = Round(p, 1);
    channels.push_back(json::object{
        {"month", stats::FormatMonth(m.month)},
        {"label", stats::RocLabel(m.month)},
        {"cases", std::move(cases)},
        {"growth_percent", std::move(growth)},
        {"online", json::object{{"mailbox_form", m.online_form},
                                {"webhook", m.online_webhook},
                                {"open311", m.online_open311},
                                {"total", m.online_form + m.online_webhook + m.online_open311},
                                {"growth_percent", json::object{{"mailbox_form", Round(m.online_form_growth, 1)},
                                                                {"webhook", Round(m.online_webhook_growth, 1)},
                                                                {"open311", Round(m.online_open311_growth, 1)},
                                                                {"total", Round(m.online_growth, 1)}}}}}});
  }
  return json::object{{"from", stats::FormatMonth(r.from)},
                      {"to", stats::FormatMonth(r.to)},
                      {"from_label", stats::RocLabel(r.from)},
                      {"to_label", stats::RocLabel(r.to)},
                      {"group_by", kGroupBy[static_cast<int>(r.group_by)]},
                      {"office", OptJson(r.office)},
                      {"groups", std::move(groups)},
                      {"total", GroupJson(r.total, r.group_by)},
                      {"channels", std::move(channels)}};
}

Month ThisMonth(const Clock& clock) {
  const std::chrono::year_month_day d{TaipeiDate(clock.Now())};
  return d.year() / d.month();
}

Month MonthParam(const Request& req, const char* key, Month fallback) {
  const auto v = QueryValue(req, key);
  if (!v) return fallback;
  const auto m = stats::ParseMonth(*v);
  if (!m) Invalid(std::string(key) + " must be a month written YYYY-MM, such as 2026-11");
  return *m;
}

std::optional<ExportFormat> FormatParam(const Request& req) {
  const auto f = QueryValue(req, "format");
  if (!f || *f == "json") return std::nullopt;
  if (*f == "csv") return ExportFormat::kCsv;
  if (*f == "xlsx") return ExportFormat::kXlsx;
  Invalid("format must be json, csv or xlsx");
}

std::string GroupLabel(const stats::GroupFigures& g, stats::GroupBy by, bool total) {
  if (total) return "合計";
  if (by == stats::GroupBy::kMonth) return stats::RocLabel(*stats::ParseMonth(g.group));
  if (g.group.empty()) return "未分類";
  return g.group;
}

std::vector<Cell> GroupRow(const stats::GroupFigures& g, stats::GroupBy by, bool total = false) {
  const auto& c = g.counts;
  const auto& s = g.satisfaction;
  const auto clock = [&](const char* name) {
    const auto it = g.clocks.find(name);
    return it == g.clocks.end() ? std::optional<double>() : it->second.on_time_rate;
  };
  const auto n = [](std::int64_t v) { return Cell(static_cast<double>(v)); };
  return {GroupLabel(g, by, total),
          n(c.received),
          n(c.closed),
          n(c.transferred),
          n(c.merged),
          n(c.registered_only),
          n(g.open_at_end),
          n(g.overdue_now),
          Num(RoundOpt(clock("assign"), 1)),
          Num(RoundOpt(clock("response"), 1)),
          Num(RoundOpt(g.handling_avg, 2)),
          g.handling_p90 ? n(*g.handling_p90) : Cell(),
          n(g.extensions),
          n(s.answers),
          Num(RoundOpt(s.response_rate, 1)),
          Num(RoundOpt(s.mean_all, 2)),
          Num(RoundOpt(s.satisfied_all, 1)),
          Num(RoundOpt(g.mom.satisfied_all.diff, 1)),
          Num(RoundOpt(g.yoy.satisfied_all.diff, 1)),
          n(c.online_form),
          n(c.online_webhook),
          n(c.online_open311)};
}

std::vector<Sheet> ReportSheets(const stats::Report& r) {
  static const char* const kFirst[] = {"辦理單位", "管道", "類別", "月份"};
  Sheet figures{"統計",
                {kFirst[static_cast<int>(r.group_by)], "收件", "結案", "移送", "併案", "登記存查", "期末未結",
                 "目前逾期", "分案準時率(%)", "答覆準時率(%)", "平均處理工作天", "處理工作天P90", "核准展延",
                 "問卷回覆", "回覆率(%)", "平均分數", "滿意比率(%)", "滿意比率月增(百分點)",
                 "滿意比率年增(百分點)", "線上表單", "1999介接", "Open311"},
                {}};
  for (const auto& g : r.groups) figures.rows.push_back(GroupRow(g, r.group_by));
  figures.rows.push_back(GroupRow(r.total, r.group_by, /*total=*/true));
  Sheet trend{"管道月趨勢", {"月份"}, {}};
  std::vector<std::string> channels;
  if (!r.channels.empty()) {
    for (const auto& [ch, n] : r.channels.front().cases) channels.push_back(ch);
  }
  for (const auto& ch : channels) {
    trend.header.push_back(ch + " 件數");
    trend.header.push_back(ch + " 成長率(%)");
  }
  trend.header.insert(trend.header.end(), {"線上表單", "1999介接", "Open311", "線上合計成長率(%)"});
  for (const auto& m : r.channels) {
    std::vector<Cell> row{stats::RocLabel(m.month)};
    for (const auto& ch : channels) {
      const auto it = m.cases.find(ch);
      row.push_back(static_cast<double>(it == m.cases.end() ? 0 : it->second));
      const auto g = m.growth.find(ch);
      row.push_back(g == m.growth.end() ? Cell() : Num(RoundOpt(g->second, 1)));
    }
    row.push_back(static_cast<double>(m.online_form));
    row.push_back(static_cast<double>(m.online_webhook));
    row.push_back(static_cast<double>(m.online_open311));
    row.push_back(Num(RoundOpt(m.online_growth, 1)));
    trend.rows.push_back(std::move(row));
  }
  return {std::move(figures), std::move(trend)};
}

Response GetStats(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  runtime::StatsQuery q;
  const Month now = ThisMonth(s.clock);
  q.from = MonthParam(req, "from", now);
  q.to = MonthParam(req, "to", q.from);
  if (const auto g = QueryValue(req, "group_by")) {
    const auto parsed = stats::ParseGroupBy(*g);
    if (!parsed) Invalid("group_by must be office, channel, category or month");
    q.group_by = *parsed;
  }
  q.office = QueryValue(req, "office");
  const auto format = FormatParam(req);
  const stats::Report report = s.stats.Report(ctx.caller(), q);
  if (!format) return Json(200, ReportJson(report));
  return Download(ReportSheets(report), *format,
                  "petitiond-stats-" + stats::FormatMonth(q.from) + "_" + stats::FormatMonth(q.to));
}

// Open data: one row per month, office, channel and category; counts and rates only.
Response OpenData(const Services& s, Context& ctx) {
  const Request& req = ctx.request;
  const Month now = ThisMonth(s.clock);
  const Month to = MonthParam(req, "to", now - std::chrono::months(1));
  const Month from = MonthParam(req, "from", to - std::chrono::months(11));
  Sheet sheet{"open-data",
              {"month", "roc_month", "office", "channel", "category", "received", "closed", "transferred", "merged",
               "registered_only", "replied", "avg_handling_workdays", "response_on_time_rate", "survey_answers",
               "satisfied_share"},
              {}};
  for (const auto& row : s.stats.MonthlyRows(from, to)) {
    const auto& c = row.figures.counts;
    const auto it = row.figures.clocks.find("response");
    const auto n = [](std::int64_t v) { return Cell(static_cast<double>(v)); };
    sheet.rows.push_back({stats::FormatMonth(row.key.month), stats::RocLabel(row.key.month), row.key.office,
                          row.key.channel, row.key.category, n(c.received), n(c.closed), n(c.transferred),
                          n(c.merged), n(c.registered_only), n(c.replied), Num(RoundOpt(row.figures.handling_avg, 2)),
                          Num(RoundOpt(it == row.figures.clocks.end() ? std::nullopt : it->second.on_time_rate, 1)),
                          n(c.answers), Num(RoundOpt(row.figures.satisfaction.satisfied_all, 1))});
  }
  return Download({std::move(sheet)}, ExportFormat::kCsv,
                  "petitiond-open-data-" + stats::FormatMonth(from) + "_" + stats::FormatMonth(to));
}

QueryParam MonthQuery(const char* name, const char* description) {
  return {name, R"({"type":"string","pattern":"^[0-9]{4}-[0-9]{2}$"})", description};
}

}  // namespace

void AddStatsRoutes(RouteTable& t, const Services& s) {
  t.Add({.method = "GET",
         .pattern = "/api/v1/stats",
         .who = Who::Roles({"supervisor", "director", "admin"}),
         .handler = [&s](Context& c) { return GetStats(s, c); },
         .summary = "The office's figures per group for months from..to (docs/stats.md); supervisors see their "
                    "own office. format=csv or xlsx downloads them",
         .tag = "stats",
         .query = {MonthQuery("from", "first month, YYYY-MM (default: this month)"),
                   MonthQuery("to", "last month, YYYY-MM (default: from)"),
                   {"group_by", R"({"type":"string","enum":["office","channel","category","month"]})",
                    "default office"},
                   {"office", R"({"type":"string"})", "one office (directors and admins)"},
                   {"format", R"({"type":"string","enum":["json","csv","xlsx"]})", "default json"}},
         .response_schema = schemas::kStatsReport});
  t.Add({.method = "GET",
         .pattern = "/api/v1/open-data/monthly.csv",
         .who = Who::Public(),
         .handler = [&s](Context& c) { return OpenData(s, c); },
         .summary = "Open data: cases and outcomes per month, office, channel and category; no personal data",
         .tag = "stats",
         .query = {MonthQuery("from", "first month (default: 11 months before to)"),
                   MonthQuery("to", "last month (default: last month)")},
         .response_schema = R"({"type":"string"})",
         .response_content_type = "text/csv"});
}

}  // namespace petitiond::api
