#include "engine/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <tuple>

namespace petitiond::stats {

std::optional<Month> ParseMonth(std::string_view t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (i != 4 && (t[i] < '0' || t[i] > '9')) return std::nullopt;
  }
  const int y = std::stoi(std::string(t.substr(0, 4)));
  const unsigned m = static_cast<unsigned>(std::stoi(std::string(t.substr(5, 2))));
  if (m < 1 || m > 12 || y < 1912) return std::nullopt;
  return std::chrono::year(y) / std::chrono::month(m);
}

std::string FormatMonth(Month m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(m.year()), static_cast<unsigned>(m.month()));
  return buf;
}

std::string RocLabel(Month m) {
  return std::to_string(static_cast<int>(m.year()) - 1911) + "年" + std::to_string(static_cast<unsigned>(m.month())) +
         "月";
}

int MonthsBetween(Month from, Month to) {
  return (static_cast<int>(to.year()) - static_cast<int>(from.year())) * 12 +
         (static_cast<int>(static_cast<unsigned>(to.month())) - static_cast<int>(static_cast<unsigned>(from.month())));
}

std::int64_t& Counts::Finished(CaseOutcome o) {
  switch (o) {
    case CaseOutcome::kAnswered: return closed;
    case CaseOutcome::kTransferred: return transferred;
    case CaseOutcome::kMerged: return merged;
    case CaseOutcome::kRegisteredOnly: return registered_only;
    case CaseOutcome::kWithdrawn: return withdrawn;
  }
  return closed;  // unreachable: every outcome is listed
}

std::int64_t* Counts::Counted(EventMeaning m) {
  switch (m) {
    case EventMeaning::kReply: return &replied;
    case EventMeaning::kExtensionGranted: return nullptr;  // counted per clock (stats_clocks)
  }
  return nullptr;
}

Counts& Counts::operator+=(const Counts& o) {
  received += o.received, closed += o.closed, transferred += o.transferred, merged += o.merged;
  registered_only += o.registered_only, withdrawn += o.withdrawn, replied += o.replied, handling_n += o.handling_n;
  handling_sum += o.handling_sum, online_form += o.online_form, online_webhook += o.online_webhook;
  online_open311 += o.online_open311;
  surveys_sent += o.surveys_sent, answers += o.answers, speed_sum += o.speed_sum, result_sum += o.result_sum;
  attitude_sum += o.attitude_sum, speed_sat += o.speed_sat, result_sat += o.result_sat;
  attitude_sat += o.attitude_sat;
  return *this;
}

Month FirstMonthNeeded(Month from, Month to) {
  const int length = MonthsBetween(from, to) + 1;
  return from - std::chrono::months(std::max(12, length));
}

std::optional<GroupBy> ParseGroupBy(std::string_view t) {
  if (t == "office") return GroupBy::kOffice;
  if (t == "channel") return GroupBy::kChannel;
  if (t == "category") return GroupBy::kCategory;
  if (t == "month") return GroupBy::kMonth;
  return std::nullopt;
}

std::optional<int> Percentile(const std::map<int, std::int64_t>& histogram, double p) {
  std::int64_t n = 0;
  for (const auto& [v, c] : histogram) n += c;
  if (n == 0) return std::nullopt;
  const auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  std::int64_t seen = 0;
  for (const auto& [v, c] : histogram) {
    seen += c;
    if (seen >= std::max<std::int64_t>(rank, 1)) return v;
  }
  return histogram.rbegin()->first;
}

namespace {

std::optional<double> Ratio(std::int64_t part, std::int64_t whole, double scale) {
  if (whole <= 0) return std::nullopt;
  return scale * static_cast<double>(part) / static_cast<double>(whole);
}

Change Compare(std::optional<double> now, std::optional<double> before) {
  Change c;
  if (!now || !before) return c;
  c.diff = *now - *before;
  if (*before != 0) c.percent = 100.0 * (*now - *before) / *before;
  return c;
}

Satisfaction SatisfactionOf(const Counts& c) {
  Satisfaction s;
  s.sent = c.surveys_sent;
  s.answers = c.answers;
  s.response_rate = Ratio(c.answers, c.surveys_sent, 100);
  s.mean_speed = Ratio(c.speed_sum, c.answers, 1);
  s.mean_result = Ratio(c.result_sum, c.answers, 1);
  s.mean_attitude = Ratio(c.attitude_sum, c.answers, 1);
  s.mean_all = Ratio(c.speed_sum + c.result_sum + c.attitude_sum, 3 * c.answers, 1);
  s.satisfied_speed = Ratio(c.speed_sat, c.answers, 100);
  s.satisfied_result = Ratio(c.result_sat, c.answers, 100);
  s.satisfied_attitude = Ratio(c.attitude_sat, c.answers, 100);
  s.satisfied_all = Ratio(c.speed_sat + c.result_sat + c.attitude_sat, 3 * c.answers, 100);
  return s;
}

SatisfactionChange CompareSatisfaction(const Satisfaction& now, const Satisfaction& before) {
  return {Compare(static_cast<double>(now.answers), static_cast<double>(before.answers)),
          Compare(now.response_rate, before.response_rate), Compare(now.mean_all, before.mean_all),
          Compare(now.satisfied_all, before.satisfied_all)};
}

std::string GroupOf(const Key& k, GroupBy g) {
  switch (g) {
    case GroupBy::kOffice: return k.office;
    case GroupBy::kChannel: return k.channel;
    case GroupBy::kCategory: return k.category;
    case GroupBy::kMonth: return FormatMonth(k.month);
  }
  return {};
}

bool Within(Month m, Month a, Month b) { return !(m < a) && !(b < m); }

// Sums the counters of the rows in [a, b] that `keep` accepts.
Counts SumCounts(const Rollups& r, Month a, Month b, const std::function<bool(const Key&)>& keep) {
  Counts c;
  for (const auto& row : r.monthly) {
    if (Within(row.key.month, a, b) && keep(row.key)) c += row.counts;
  }
  return c;
}

void AddClock(GroupFigures& g, const ClockRow& row) {
  auto& f = g.clocks[row.clock];
  f.stopped += row.stopped;
  f.on_time += row.on_time;
  f.extensions += row.extensions;
  g.extensions += row.extensions;
}

// The figures that follow from the sums: rates, satisfaction, mean handling time.
void Derive(GroupFigures& g) {
  for (auto& [name, f] : g.clocks) f.on_time_rate = Ratio(f.on_time, f.stopped, 100);
  g.satisfaction = SatisfactionOf(g.counts);
  g.handling_avg = Ratio(g.counts.handling_sum, g.counts.handling_n, 1);
}

void Fill(const Rollups& r, Month a, Month b, Month open_at, const std::function<bool(const Key&)>& keep,
          GroupFigures& g) {
  g.counts = SumCounts(r, a, b, keep);
  for (const auto& row : r.open_before) {
    if (keep(Key{a, row.key.office, row.key.channel, row.key.category})) g.open_at_end += row.open;
  }
  const Counts upto = SumCounts(r, r.loaded_from, open_at, keep);
  g.open_at_end += upto.received - upto.Finished();
  for (const auto& row : r.overdue) {
    if (Within(row.key.month, a, b) && keep(row.key)) g.overdue_now += row.cases;
  }
  for (const auto& row : r.clocks) {
    if (Within(row.key.month, a, b) && keep(row.key)) AddClock(g, row);
  }
  std::map<int, std::int64_t> histogram;
  for (const auto& row : r.handling) {
    if (Within(row.key.month, a, b) && keep(row.key)) histogram[row.workdays] += row.replies;
  }
  g.handling_p90 = Percentile(histogram, 90);
  Derive(g);
}

}  // namespace

Report BuildReport(const Rollups& r, Month from, Month to, GroupBy group_by) {
  Report rep;
  rep.from = from;
  rep.to = to;
  rep.group_by = group_by;
  const auto length = std::chrono::months(MonthsBetween(from, to) + 1);
  const auto year = std::chrono::months(12);

  std::set<std::string> names;
  if (group_by == GroupBy::kMonth) {
    for (Month m = from; !(to < m); m += std::chrono::months(1)) names.insert(FormatMonth(m));
  } else {
    for (const auto& row : r.monthly) {
      if (Within(row.key.month, from, to)) names.insert(GroupOf(row.key, group_by));
    }
    for (const auto& row : r.overdue) {
      if (Within(row.key.month, from, to)) names.insert(GroupOf(row.key, group_by));
    }
  }
  const auto earlier = [&r](Month a, Month b, const std::function<bool(const Key&)>& keep) {
    return SatisfactionOf(SumCounts(r, a, b, keep));
  };
  for (const auto& name : names) {
    GroupFigures g;
    g.group = name;
    if (group_by == GroupBy::kMonth) {
      const Month m = *ParseMonth(name);
      const auto all = [](const Key&) { return true; };
      Fill(r, m, m, m, all, g);
      const auto one = std::chrono::months(1);
      g.mom = CompareSatisfaction(g.satisfaction, earlier(m - one, m - one, all));
      g.yoy = CompareSatisfaction(g.satisfaction, earlier(m - year, m - year, all));
    } else {
      const auto keep = [&](const Key& k) { return GroupOf(k, group_by) == name; };
      Fill(r, from, to, to, keep, g);
      g.mom = CompareSatisfaction(g.satisfaction, earlier(from - length, to - length, keep));
      g.yoy = CompareSatisfaction(g.satisfaction, earlier(from - year, to - year, keep));
    }
    rep.groups.push_back(std::move(g));
  }
  const auto all = [](const Key&) { return true; };
  Fill(r, from, to, to, all, rep.total);
  rep.total.mom = CompareSatisfaction(rep.total.satisfaction, earlier(from - length, to - length, all));
  rep.total.yoy = CompareSatisfaction(rep.total.satisfaction, earlier(from - year, to - year, all));

  // Received per channel, month by month, with the growth over the month before.
  std::map<Month, ChannelMonth> by_month;
  for (Month m = from - std::chrono::months(1); !(to < m); m += std::chrono::months(1)) by_month[m].month = m;
  std::set<std::string> channels;
  for (const auto& row : r.monthly) {
    auto it = by_month.find(row.key.month);
    if (it == by_month.end()) continue;
    it->second.cases[row.key.channel] += row.counts.received;
    it->second.online_form += row.counts.online_form;
    it->second.online_webhook += row.counts.online_webhook;
    it->second.online_open311 += row.counts.online_open311;
    channels.insert(row.key.channel);
  }
  const auto growth = [](std::int64_t now, std::int64_t before) {
    return Compare(static_cast<double>(now), static_cast<double>(before)).percent;
  };
  const ChannelMonth* prev = nullptr;
  for (auto& [m, cm] : by_month) {
    for (const auto& ch : channels) cm.cases.emplace(ch, 0);
    if (prev) {
      for (const auto& ch : channels) cm.growth[ch] = growth(cm.cases[ch], prev->cases.at(ch));
      cm.online_form_growth = growth(cm.online_form, prev->online_form);
      cm.online_webhook_growth = growth(cm.online_webhook, prev->online_webhook);
      cm.online_open311_growth = growth(cm.online_open311, prev->online_open311);
      cm.online_growth = growth(cm.online_form + cm.online_webhook + cm.online_open311,
                                prev->online_form + prev->online_webhook + prev->online_open311);
      rep.channels.push_back(cm);
    }
    prev = &cm;
  }
  return rep;
}

std::vector<KeyFigures> PerKey(const Rollups& r, Month from, Month to) {
  const auto tie = [](const Key& k) { return std::tie(k.month, k.office, k.channel, k.category); };
  const auto less = [&tie](const Key& a, const Key& b) { return tie(a) < tie(b); };
  std::map<Key, GroupFigures, decltype(less)> by_key(less);
  for (const auto& row : r.monthly) {
    if (Within(row.key.month, from, to)) by_key[row.key].counts += row.counts;
  }
  for (const auto& row : r.clocks) {
    if (Within(row.key.month, from, to)) AddClock(by_key[row.key], row);
  }
  std::vector<KeyFigures> out;
  for (auto& [key, g] : by_key) {
    Derive(g);
    out.push_back({key, std::move(g)});
  }
  return out;
}

}  // namespace petitiond::stats
