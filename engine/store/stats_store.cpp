#include "engine/store/stats_store.hpp"

#include "engine/store/session.hpp"

#include "engine/status.hpp"

namespace petitiond::store {

namespace {

// The key columns a report keeps; a dropped one reads '' and its rows are summed
// (together with the 8 slots of every counter).
std::string KeyColumns(const StatsDims& d, const char* category = "category") {
  return std::string(d.office ? "office" : "''") + ", " + (d.channel ? "channel" : "''") + ", " +
         (d.category ? category : "''");
}

constexpr const char* kRange = " WHERE month BETWEEN CAST(:a AS date) AND CAST(:b AS date) AND (:o = '' OR office = :o2)";

// The rollup's counter of an outcome, and of an event meaning (migrations/0016).
std::string Counter(CaseOutcome o) { return "outcome_" + std::string(Name(o)); }
std::string Counter(EventMeaning m) { return "events_" + std::string(Name(m)); }

// In the order LoadRollups reads them.
std::vector<std::string> MonthlyCounters() {
  std::vector<std::string> c = {"receipts"};
  for (auto o : kCaseOutcomes) {
    c.push_back(Counter(o));
  }
  c.push_back(Counter(EventMeaning::kReply));
  for (const char* n : {"handling_n", "handling_sum", "online_form", "online_webhook", "online_open311", "surveys_sent",
                        "answers", "speed_sum", "result_sum", "attitude_sum", "speed_sat", "result_sat",
                        "attitude_sat"}) {
    c.emplace_back(n);
  }
  return c;
}

std::string Monthly(const StatsDims& d) {
  std::string sql = "SELECT to_char(month, 'YYYY-MM'), " + KeyColumns(d);
  for (const auto& c : MonthlyCounters()) sql += ", sum(" + c + ")::bigint";
  return sql + " FROM stats_monthly" + kRange + " GROUP BY 1, 2, 3, 4";
}
std::string Clocks(const StatsDims& d) {
  return "SELECT to_char(month, 'YYYY-MM'), " + KeyColumns(d) +
         ", clock, sum(stopped)::bigint, sum(on_time)::bigint, sum(extensions)::bigint FROM stats_clocks" + kRange +
         " GROUP BY 1, 2, 3, 4, 5";
}
std::string Handling(const StatsDims& d) {
  return "SELECT to_char(month, 'YYYY-MM'), " + KeyColumns(d) + ", workdays, sum(replies)::bigint FROM stats_handling" +
         kRange + " GROUP BY 1, 2, 3, 4, 5";
}
std::string OpenBefore(const StatsDims& d) {
  std::string open = "receipts";
  for (auto o : kCaseOutcomes) {
    open += " - " + Counter(o);
  }
  return "SELECT " + KeyColumns(d) + ", sum(" + open +
         ")::bigint FROM stats_monthly WHERE month < CAST(:a AS date) AND (:o = '' OR office = :o2) GROUP BY 1, 2, 3";
}
std::string Overdue(const StatsDims& d) {
  return "SELECT to_char(stats_month(received_at), 'YYYY-MM'), " + KeyColumns(d, "coalesce(category, '')") +
         ", count(*)::bigint FROM overdue_cases WHERE NOT finished"
         " AND received_at >= CAST(:a AS date)::timestamp AT TIME ZONE 'Asia/Taipei' "
         "AND received_at < (CAST(:b AS date) + interval '1 month')::timestamp AT TIME ZONE 'Asia/Taipei' "
         "AND (:o = '' OR office = :o2) GROUP BY 1, 2, 3, 4";
}

stats::Key KeyOf(const soci::row& r) {
  return stats::Key{*stats::ParseMonth(r.get<std::string>(0)), r.get<std::string>(1), r.get<std::string>(2),
                    r.get<std::string>(3)};
}

std::int64_t Int(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer: return r.get<int>(i);
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    default: return static_cast<std::int64_t>(r.get<double>(i));
  }
}

}  // namespace

stats::Rollups LoadRollups(Tx& tx, stats::Month first, stats::Month from, stats::Month to,
                           const std::optional<std::string>& office, const StatsDims& dims) {
  soci::session& sql = Sql(tx);
  stats::Rollups out;
  out.loaded_from = first;
  // Clocks, handling times and overdue cases are reported for [from, to] only; the
  // months before feed the changes in satisfaction, the channel growth and the open.
  const std::string a = stats::FormatMonth(first) + "-01", f = stats::FormatMonth(from) + "-01",
                    b = stats::FormatMonth(to) + "-01",
                    o = office.value_or("");
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << Monthly(dims), soci::use(a, "a"), soci::use(b, "b"), soci::use(o, "o"), soci::use(o, "o2"));
    for (const auto& r : rows) {
      stats::Counts c;
      // In the order of MonthlyCounters().
      std::vector<std::int64_t*> fields = {&c.received};
      for (auto outcome : kCaseOutcomes) fields.push_back(&c.Finished(outcome));
      fields.push_back(c.Counted(EventMeaning::kReply));
      for (auto* counter : {&c.handling_n, &c.handling_sum, &c.online_form, &c.online_webhook, &c.online_open311,
                      &c.surveys_sent, &c.answers, &c.speed_sum, &c.result_sum, &c.attitude_sum, &c.speed_sat,
                      &c.result_sat, &c.attitude_sat}) {
        fields.push_back(counter);
      }
      for (std::size_t i = 0; i < fields.size(); ++i) *fields[i] = Int(r, 4 + i);
      out.monthly.push_back({KeyOf(r), c});
    }
  }
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << Clocks(dims), soci::use(f, "a"), soci::use(b, "b"), soci::use(o, "o"), soci::use(o, "o2"));
    for (const auto& r : rows) {
      out.clocks.push_back({KeyOf(r), r.get<std::string>(4), Int(r, 5), Int(r, 6), Int(r, 7)});
    }
  }
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << Handling(dims), soci::use(f, "a"), soci::use(b, "b"), soci::use(o, "o"), soci::use(o, "o2"));
    for (const auto& r : rows) out.handling.push_back({KeyOf(r), static_cast<int>(Int(r, 4)), Int(r, 5)});
  }
  if (!dims.open) return out;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << Overdue(dims), soci::use(f, "a"), soci::use(b, "b"), soci::use(o, "o"), soci::use(o, "o2"));
    for (const auto& r : rows) out.overdue.push_back({KeyOf(r), Int(r, 4)});
  }
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << OpenBefore(dims), soci::use(a, "a"), soci::use(o, "o"), soci::use(o, "o2"));
    for (const auto& r : rows) {
      out.open_before.push_back(
          {stats::Key{first, r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)}, Int(r, 3)});
    }
  }
  return out;
}

void RebuildStats(Tx& tx) { Sql(tx) << "SELECT stats_rebuild()"; }

}  // namespace petitiond::store
