// The figures of GET /api/v1/stats (StatsService over the rollups of migration 0014)
// against a direct count over cases, events, clocks, surveys and raw inputs, on data
// seeded through the services across months, offices, channels and categories, with
// paused, extended, transferred, merged, registered-only and overdue cases.
#include "engine/runtime/services/stats_service.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/services/case_service.hpp"
#include "engine/runtime/services/intake_service.hpp"
#include "engine/runtime/services/open311.hpp"
#include "engine/runtime/security/sealer.hpp"
#include "engine/runtime/services/workflow_registry.hpp"
#include "engine/store/session.hpp"
#include "engine/store/stats_store.hpp"
#include "engine/store/survey_store.hpp"
#include "tests/common/pg_fixture.hpp"

namespace petitiond {
namespace {

using namespace std::chrono;
using runtime::CreateCaseInput;
using stats::Month;
using testing_support::FakeClock;
using testing_support::TestDatabase;

Timestamp Taipei(int y, unsigned m, unsigned d, int h) {
  return TaipeiStartOfDay(sys_days(year(y) / month(m) / day(d))) + hours(h);
}
const std::string kWorkflows = std::string(PETITIOND_SOURCE_DIR) + "/workflows";
Month M(int y, unsigned m) { return year(y) / month(m); }
Timestamp MonthStart(Month m) { return TaipeiStartOfDay(sys_days(m / day(1))); }

// What the direct count finds for one group.
struct Direct {
  std::int64_t received = 0, closed = 0, transferred = 0, merged = 0, registered_only = 0, replied = 0;
  std::int64_t open_at_end = 0, overdue_now = 0, extensions = 0;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> clocks;  // stopped, on time
  std::vector<int> handling;
  std::int64_t sent = 0, answers = 0, score_sum = 0, satisfied = 0, online_form = 0, online_webhook = 0;
  std::int64_t online_open311 = 0;
};

class StatsTest : public testing::Test {
 protected:
  StatsTest()
      : clock_(Taipei(2025, 11, 3, 9)),
        registry_(t_.db()),
        cases_(t_.db(), registry_, calendar_, clock_,
               runtime::CaseServiceOptions{runtime::NotifyConfig{{}, "http://petitiond.test", &sealer_}, {}}),
        deployed_(registry_.DeployDirectory(kWorkflows)),
        intake_(t_.db(), cases_, clock_, runtime::LoadRoutingFile(kWorkflows, registry_)),
        stats_(t_.db()),
        open311_(t_.db(), intake_, clock_, runtime::Open311Limits{100000, 10}) {
    runtime::AuthService auth(t_.db(), clock_);
    for (const auto& office : kOffices) auth.AddUser("h-" + office, "handler-pass", {"handler"}, office);
    open311_client_ = open311_.CreateClient(Actor{"root", {"admin"}, "main"}, "縣民 App").first;
  }

  Actor Supervisor(const std::string& office) { return {"s-" + office, {"supervisor"}, office}; }
  Actor Handler(const std::string& office) { return {"h-" + office, {"handler"}, office}; }

  std::int64_t Version(std::int64_t id) { return cases_.Get(director_, id, "test").record.row_version; }
  void Send(const Actor& a, std::int64_t id, const std::string& event, std::map<std::string, std::string> data = {}) {
    cases_.Apply(a, id, Version(id), Command{event, std::move(data), ""});
  }

  // One case through one of the paths, its steps on the following working days.
  void Seed(int n, Month m) {
    const std::string office = kOffices[static_cast<std::size_t>(n) % kOffices.size()];
    static const char* const kChannels[] = {"hotline", "mailbox", "counter", "news"};
    const std::string channel = kChannels[static_cast<std::size_t>(n / 4) % 4];
    const std::optional<std::string> category =
        n % 5 == 0 ? std::nullopt : std::optional<std::string>(n % 5 == 1 ? "檢舉" : "戶籍登記");
    const int path = (n / 3) % 8;
    clock_.Set(MonthStart(m) + days(1 + n % 20) + hours(9 + n % 8));
    std::int64_t id = 0;
    if (channel == "hotline" && n % 4 == 3) {  // green-island: routing.yaml sends it there by address
      runtime::Open311Post post;  // an app's GeoReport v2 post
      post.service_code = !category ? "other" : *category == "檢舉" ? "whistleblowing" : "household-registration";
      post.address_string = office == "lanyu" ? "蘭嶼鄉紅頭村" : office == "green-island" ? "綠島鄉南寮村" : "臺東市中華路";
      post.description = "路燈不亮 " + std::to_string(n);
      post.last_name = "張";
      post.email = "o" + std::to_string(n) + "@example.tw";
      post.raw = "service_code=" + post.service_code;
      post.content_type = "application/x-www-form-urlencoded";
      id = open311_.Submit(open311_client_, post).id;
    } else if ((channel == "hotline" || channel == "mailbox") && n % 2 == 0) {
      // The 1999 platform's dispatch, or a confirmed web form.
      const bool webhook = channel == "hotline";
      Intake in;
      in.channel = channel;
      in.source = webhook ? "1999 platform webhook" : "mailbox web form";
      in.origin = webhook ? Origin::kWebhook : Origin::kForm;
      if (webhook) in.external_ref = "1999-" + std::to_string(n);
      in.content_type = webhook ? "application/json" : "application/x-www-form-urlencoded";
      in.raw = webhook ? "{}" : "subject=...";
      in.subject = (webhook ? "路燈不亮 " : "戶籍謄本 ") + std::to_string(n);
      in.body = webhook ? "請派員處理" : "詢問申請方式";
      in.office = office;
      in.category = category;
      in.petitioner.name = webhook ? "王小明" : "陳美玲";
      in.petitioner.email = (webhook ? "p" : "m") + std::to_string(n) + "@example.tw";
      id = intake_.Take(Received{in, std::nullopt}).record->id;
    } else {
      CreateCaseInput in;
      in.channel = channel;
      in.office = office;
      in.category = category;
      in.subject = "陳情 " + std::to_string(n);
      in.body = "內容";
      in.petitioner = Petitioner{"林大同", "", "c" + std::to_string(n) + "@example.tw", ""};
      id = cases_.Create(Actor{"lin", {"intake"}, office}, in).view.record.id;
    }
    const Actor sup = Supervisor(office), handler = Handler(office);
    const auto later = [&](int workdays) { clock_.Advance(days(workdays) + hours(workdays % 3)); };
    const bool news = channel == "news";
    // The director's mailbox signs its replies off (director-mailbox v4): the handler's
    // reply is a draft until the director approves it, when it counts.
    const auto reply = [&] {
      Send(news ? sup : handler, id, "reply", {{"reply", "已答復"}});
      if (channel == "mailbox") Send(director_, id, "approve_draft");
    };
    switch (path) {
      case 0:  // still open; every other one marked overdue by the escalations
        if (n % 2 == 0) {
          t_.db().Transact([&](store::Tx& tx) {
            // What the store writes when an escalation marks it (migrations/0017).
            store::Sql(tx) << "UPDATE cases SET overdue = true WHERE id = :id", soci::use(id, "id");
            store::Sql(tx) << "INSERT INTO overdue_cases (case_id, office, channel, category, received_at, "
                              "next_due_at) SELECT id, office, channel, category, received_at, next_due_at FROM cases "
                              "WHERE id = :id",
                soci::use(id, "id");
          });
        }
        break;
      case 1:
      case 2:  // assigned, replied, closed (case 2 late)
        later(1);
        Send(sup, id, "assign", {{"assignee", handler.login}});
        later(path == 1 ? 2 : 12);
        reply();
        later(1);
        Send(news ? director_ : sup, id, "close");
        break;
      case 3:  // paused waiting for the petitioner, then replied
        later(1);
        Send(sup, id, "assign", {{"assignee", handler.login}});
        if (!news) {
          later(1);
          Send(handler, id, "ask", {{"missing", "戶口名簿影本"}});
          later(4);
          Send(handler, id, "answer");
        }
        later(2);
        reply();
        break;
      case 4:  // extended, then replied
        later(1);
        Send(sup, id, "assign", {{"assignee", handler.login}});
        if (!news) Send(sup, id, "request_extension", {{"clock", "response"}, {"reason", "需會勘"}});
        later(9);
        reply();
        break;
      case 5:  // transferred to another agency (news cannot be) or registered only
        later(1);
        if (news) {
          Send(sup, id, "register_only", {{"reason", "非本所業務"}});
        } else {
          Send(sup, id, "transfer", {{"agency", "地政事務所"}, {"reason", "非本所業務"}});
        }
        break;
      case 6:  // a repeated petition merged into an open case of the same office
        if (last_open_.count(office)) {
          later(1);
          Send(sup, id, "merge", {{"into", std::to_string(last_open_[office])}});
        }
        break;
      case 7:
        later(0);
        Send(sup, id, "register_only", {{"reason", "重複陳情"}});
        break;
    }
    if (path == 0) last_open_[office] = id;
  }

  void AnswerSurveys() {
    // Two of three sent questionnaires are answered, scores spread over 1-5.
    t_.db().Transact([&](store::Tx& tx) {
      std::vector<long long> ids(1000);
      store::Sql(tx) << "SELECT case_id FROM surveys ORDER BY case_id", soci::into(ids);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i % 3 == 2) continue;
        const int s = 1 + static_cast<int>(i % 5), r = 1 + static_cast<int>((i + 2) % 5),
                  a = 1 + static_cast<int>((i + 4) % 5);
        store::AnswerSurvey(tx, ids[i], s, r, a, std::nullopt, clock_.Now());
      }
    });
  }

  // The direct count over [from, to] for groups named by `group` (an SQL expression over
  // the case c), from the base tables alone.
  std::map<std::string, Direct> Count(Month from, Month to, const std::string& group) {
    const long long a = duration_cast<seconds>(MonthStart(from).time_since_epoch()).count();
    const long long b = duration_cast<seconds>((MonthStart(to + months(1))).time_since_epoch()).count();
    std::map<std::string, Direct> out;
    const auto calendar = calendar_.Get();
    t_.db().Run([&](store::Tx& tx) {
      auto& sql = store::Sql(tx);
      const std::string range = " BETWEEN to_timestamp(:a) AND to_timestamp(:b) - interval '1 microsecond'";
      const auto each = [&](const std::string& query, const std::function<void(Direct&, const soci::row&)>& add) {
        soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(a, "a"), soci::use(b, "b"));
        for (const auto& r : rows) add(out[r.get<std::string>(0)], r);
      };
      each("SELECT " + group + " FROM cases c WHERE c.received_at" + range,
           [](Direct& d, const soci::row&) { d.received += 1; });
      each("SELECT " + group + ", e.to_state FROM case_events e JOIN cases c ON c.id = e.case_id "
           "WHERE e.from_state IS DISTINCT FROM e.to_state AND e.at" + range,
           [](Direct& d, const soci::row& r) {
             const auto s = r.get<std::string>(1);
             if (s == "closed") d.closed += 1;
             if (s == "transferred") d.transferred += 1;
             if (s == "merged") d.merged += 1;
             if (s == "registered_only") d.registered_only += 1;
           });
      each("SELECT " + group + " FROM cases c WHERE c.received_at < to_timestamp(:b) AND to_timestamp(:a) IS NOT NULL "
           "AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.at < to_timestamp(:b) "
           "AND e.to_state IN ('closed', 'transferred', 'merged', 'registered_only'))",
           [](Direct& d, const soci::row&) { d.open_at_end += 1; });
      each("SELECT " + group + " FROM cases c WHERE c.overdue AND c.state NOT IN ('closed', 'transferred', "
           "'merged', 'registered_only') AND c.received_at" + range,
           [](Direct& d, const soci::row&) { d.overdue_now += 1; });
      each("SELECT " + group + ", k.name, (k.stopped_at <= k.due_at)::int FROM clocks k JOIN cases c ON "
           "c.id = k.case_id WHERE k.stopped_at" + range,
           [](Direct& d, const soci::row& r) {
             auto& [stopped, on_time] = d.clocks[r.get<std::string>(1)];
             stopped += 1;
             on_time += r.get<int>(2);
           });
      each("SELECT " + group + " FROM case_events e JOIN cases c ON c.id = e.case_id "
           "WHERE e.event = 'approve_extension' AND e.at" + range,
           [](Direct& d, const soci::row&) { d.extensions += 1; });
      // Handling time: walk each reply's history day by day on the office calendar.
      each("SELECT " + group + ", c.id, c.office, c.workflow_name, c.workflow_version, "
           "extract(epoch FROM c.received_at)::bigint, extract(epoch FROM e.at)::bigint "
           "FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.event = 'reply' AND e.at" + range,
           [&](Direct& d, const soci::row& r) {
             d.replied += 1;
             const auto wf = registry_.Find(r.get<std::string>(3), r.get<int>(4));
             const auto day_of = [](long long epoch) { return TaipeiDate(Timestamp(seconds(epoch))); };
             const sys_days received = day_of(r.get<long long>(5)), replied = day_of(r.get<long long>(6));
             std::vector<std::pair<sys_days, std::string>> entered;
             soci::rowset<soci::row> ev =
                 (sql.prepare << "SELECT extract(epoch FROM at)::bigint, to_state FROM case_events WHERE case_id = :id "
                                 "AND from_state IS DISTINCT FROM to_state ORDER BY seq",
                  soci::use(r.get<long long>(1), "id"));
             for (const auto& e : ev) entered.emplace_back(day_of(e.get<long long>(0)), e.get<std::string>(1));
             int workdays = 0;
             for (sys_days day = received + days(1); day <= replied; day += days(1)) {
               if (!calendar->IsWorkday(day, r.get<std::string>(2))) continue;
               // A working day counts unless the case began it waiting for the petitioner
               // (the state it was in at the end of the day before).
               std::string state;
               for (const auto& [when, st] : entered) {
                 if (when < day) state = st;
               }
               const StateDef* def = wf->FindState(state);
               const bool waiting_all_day = def && !def->pauses.empty();
               if (!waiting_all_day) workdays += 1;
             }
             d.handling.push_back(workdays);
           });
      each("SELECT " + group + ", (s.answered_at IS NOT NULL)::int, coalesce(s.speed + s.result + s.attitude, 0), "
           "coalesce((s.speed >= 4)::int + (s.result >= 4)::int + (s.attitude >= 4)::int, 0) "
           "FROM surveys s JOIN cases c ON c.id = s.case_id WHERE s.created_at" + range,
           [](Direct& d, const soci::row& r) {
             d.sent += 1;
             d.answers += r.get<int>(1);
             d.score_sum += r.get<int>(2);
             d.satisfied += r.get<int>(3);
           });
      each("SELECT " + group + ", i.source FROM intake_raw i JOIN cases c ON c.id = i.case_id "
           "WHERE i.status = 'accepted' AND c.received_at" + range,
           [](Direct& d, const soci::row& r) {
             if (r.get<std::string>(1) == "mailbox web form") d.online_form += 1;
             if (r.get<std::string>(1) == "1999 platform webhook") d.online_webhook += 1;
             if (r.get<std::string>(1).rfind("open311 client ", 0) == 0) d.online_open311 += 1;
           });
    });
    return out;
  }

  static void Expect(const Direct& d, const stats::GroupFigures& g, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(g.counts.received, d.received);
    EXPECT_EQ(g.counts.closed, d.closed);
    EXPECT_EQ(g.counts.transferred, d.transferred);
    EXPECT_EQ(g.counts.merged, d.merged);
    EXPECT_EQ(g.counts.registered_only, d.registered_only);
    EXPECT_EQ(g.counts.replied, d.replied);
    EXPECT_EQ(g.open_at_end, d.open_at_end);
    EXPECT_EQ(g.overdue_now, d.overdue_now);
    EXPECT_EQ(g.extensions, d.extensions);
    for (const auto& [name, f] : g.clocks) {
      const auto it = d.clocks.find(name);
      const std::pair<std::int64_t, std::int64_t> want = it == d.clocks.end() ? std::pair<std::int64_t, std::int64_t>{0, 0} : it->second;
      EXPECT_EQ(f.stopped, want.first) << name;
      EXPECT_EQ(f.on_time, want.second) << name;
    }
    for (const auto& [name, f] : d.clocks) EXPECT_TRUE(g.clocks.count(name)) << name;
    EXPECT_EQ(g.counts.handling_n, static_cast<std::int64_t>(d.handling.size()));
    if (!d.handling.empty()) {
      std::vector<int> sorted = d.handling;
      std::sort(sorted.begin(), sorted.end());
      const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(sorted.size())));
      EXPECT_EQ(g.handling_p90, sorted[rank - 1]);
      double sum = 0;
      for (int w : sorted) sum += w;
      EXPECT_NEAR(*g.handling_avg, sum / static_cast<double>(sorted.size()), 1e-9);
    } else {
      EXPECT_FALSE(g.handling_avg);
    }
    EXPECT_EQ(g.satisfaction.sent, d.sent);
    EXPECT_EQ(g.satisfaction.answers, d.answers);
    if (d.answers > 0) {
      EXPECT_NEAR(*g.satisfaction.mean_all, static_cast<double>(d.score_sum) / (3.0 * static_cast<double>(d.answers)), 1e-9);
      EXPECT_NEAR(*g.satisfaction.satisfied_all, 100.0 * static_cast<double>(d.satisfied) / (3.0 * static_cast<double>(d.answers)), 1e-9);
    }
    EXPECT_EQ(g.counts.online_form, d.online_form);
    EXPECT_EQ(g.counts.online_webhook, d.online_webhook);
    EXPECT_EQ(g.counts.online_open311, d.online_open311);
  }

  void ExpectReportMatches(const std::string& what) {
    const Actor& who = director_;
    // Per office and per channel over a quarter, and month by month.
    for (const auto& [by, expr] : std::vector<std::pair<stats::GroupBy, std::string>>{
             {stats::GroupBy::kOffice, "c.office"}, {stats::GroupBy::kChannel, "c.channel"},
             {stats::GroupBy::kCategory, "coalesce(c.category, '')"}}) {
      const auto rep = stats_.Report(who, {M(2026, 9), M(2026, 11), by, std::nullopt});
      const auto direct = Count(M(2026, 9), M(2026, 11), expr);
      EXPECT_FALSE(rep.groups.empty());
      for (const auto& g : rep.groups) Expect(direct.count(g.group) ? direct.at(g.group) : Direct{}, g, what + " group " + g.group);
      for (const auto& [name, d] : direct) {
        if (d.received + d.closed + d.replied + d.sent + d.overdue_now > 0) {
          EXPECT_TRUE(std::any_of(rep.groups.begin(), rep.groups.end(), [&](const auto& g) { return g.group == name; }))
              << what << ": group " << name << " missing";
        }
      }
    }
    const auto monthly = stats_.Report(who, {M(2025, 11), M(2026, 11), stats::GroupBy::kMonth, std::nullopt});
    ASSERT_EQ(monthly.groups.size(), 13u);
    for (const auto& g : monthly.groups) {
      const Month m = *stats::ParseMonth(g.group);
      const auto direct = Count(m, m, "''");
      Expect(direct.count("") ? direct.at("") : Direct{}, g, what + " month " + g.group);
    }
    // A supervisor's report is their office's group.
    const auto own = stats_.Report(Supervisor("lanyu"), {M(2026, 9), M(2026, 11), stats::GroupBy::kChannel, std::nullopt});
    const auto direct = Count(M(2026, 9), M(2026, 11), "CASE WHEN c.office = 'lanyu' THEN 'x' ELSE 'other' END");
    Expect(direct.at("x"), own.total, what + " lanyu supervisor");
  }

  const std::vector<std::string> kOffices{"main", "beinan", "lanyu", "green-island"};
  TestDatabase t_;
  runtime::CalendarHolder calendar_{BusinessCalendar::Shipped()};
  FakeClock clock_;
  runtime::WorkflowRegistry registry_;
  runtime::Sealer sealer_;  // declared before cases_, which keeps its address
  runtime::CaseService cases_;
  std::vector<std::string> deployed_;
  runtime::IntakeService intake_;
  runtime::StatsService stats_;
  runtime::Open311Service open311_;
  store::Open311Client open311_client_;
  Actor director_{"boss", {"director"}, "main"};
  std::map<std::string, std::int64_t> last_open_;
};

TEST_F(StatsTest, FiguresAgreeWithADirectCountOverCasesAndEvents) {
  int n = 0;
  for (Month m : {M(2025, 11), M(2026, 8), M(2026, 9), M(2026, 10), M(2026, 11)}) {
    for (int i = 0; i < 48; ++i) Seed(n++, m);
  }
  AnswerSurveys();
  // The seed reaches every figure, so a figure that stayed zero would not pass unseen.
  const auto quarter = stats_.Report(director_, {M(2026, 9), M(2026, 11), stats::GroupBy::kOffice, std::nullopt});
  const auto& t = quarter.total;
  EXPECT_EQ(quarter.groups.size(), 4u);
  for (auto figure : {t.counts.received, t.counts.closed, t.counts.transferred, t.counts.merged,
                      t.counts.registered_only, t.counts.replied, t.open_at_end, t.overdue_now, t.extensions,
                      t.counts.online_form, t.counts.online_webhook, t.counts.online_open311, t.satisfaction.sent, t.satisfaction.answers}) {
    EXPECT_GT(figure, 0);
  }
  EXPECT_GT(t.satisfaction.sent, t.satisfaction.answers);
  ASSERT_TRUE(t.clocks.count("response"));
  EXPECT_GT(t.clocks.at("response").on_time, 0);
  EXPECT_LT(t.clocks.at("response").on_time, t.clocks.at("response").stopped) << "some replies were late";
  ASSERT_TRUE(t.handling_p90 && t.handling_avg);
  EXPECT_GT(*t.handling_p90, *t.handling_avg);
  ExpectReportMatches("incremental");

  // Recomputing the rollups from the history gives the same figures.
  const auto before = stats_.Report(director_, {M(2026, 9), M(2026, 11), stats::GroupBy::kOffice, std::nullopt});
  t_.db().Transact([](store::Tx& tx) { store::RebuildStats(tx); });
  const auto after = stats_.Report(director_, {M(2026, 9), M(2026, 11), stats::GroupBy::kOffice, std::nullopt});
  ASSERT_EQ(before.groups.size(), after.groups.size());
  for (std::size_t i = 0; i < before.groups.size(); ++i) {
    EXPECT_EQ(before.groups[i].counts.received, after.groups[i].counts.received);
    EXPECT_EQ(before.groups[i].counts.handling_sum, after.groups[i].counts.handling_sum);
    EXPECT_EQ(before.groups[i].counts.answers, after.groups[i].counts.answers);
    EXPECT_EQ(before.groups[i].open_at_end, after.groups[i].open_at_end);
    EXPECT_EQ(before.groups[i].extensions, after.groups[i].extensions);
  }
  ExpectReportMatches("rebuilt");
}

TEST_F(StatsTest, SupervisorsSeeOnlyTheirOwnOffice) {
  Seed(0, M(2026, 11));
  const auto own = stats_.Report(Supervisor("main"), {M(2026, 11), M(2026, 11), stats::GroupBy::kOffice, std::nullopt});
  ASSERT_EQ(own.groups.size(), 1u);
  EXPECT_EQ(own.groups[0].group, "main");
  EXPECT_THROW(stats_.Report(Supervisor("main"), {M(2026, 11), M(2026, 11), stats::GroupBy::kOffice, "beinan"}),
               DomainError);
  EXPECT_THROW(stats_.Report(director_, {M(2026, 11), M(2026, 10), stats::GroupBy::kOffice, std::nullopt}),
               DomainError);
  EXPECT_THROW(stats_.Report(director_, {M(2016, 1), M(2026, 10), stats::GroupBy::kOffice, std::nullopt}),
               DomainError);
  const auto other = stats_.Report(Supervisor("beinan"), {M(2026, 11), M(2026, 11), stats::GroupBy::kOffice, std::nullopt});
  EXPECT_TRUE(other.groups.empty());
  EXPECT_EQ(other.total.counts.received, 0);
}

}  // namespace
}  // namespace petitiond
