#include "app/channels.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <random>

#include "connectors/hotline/hotline.hpp"
#include "engine/runtime/services/files.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/store/database.hpp"
#include "engine/store/intake_store.hpp"

namespace petitiond::app {

ChannelPollers::ChannelPollers(store::Database& db, runtime::IntakeService& intake, const app::Config& config,
                               const Clock& clock)
    : feeder_(intake, config.intake_max_attempts), memory_(db, clock), workers_(config.news_workers) {
  if (!config.mailbox.maildir.empty()) {
    connectors::mailbox::ParseLimits limits;
    limits.max_attachment = config.mailbox.max_attachment;
    sources_.push_back(
        std::make_unique<connectors::mailbox::MaildirSource>(config.mailbox.maildir, limits, config.mailbox.interval));
  }
  for (const auto& f : config.news_feeds) {
    sources_.push_back(std::make_unique<connectors::news::FeedSource>(
        connectors::news::FeedConfig{f.url, f.office, f.keywords, f.exclude, f.interval, f.allow_private}, memory_));
  }
}

namespace {

// A random share of `span` between `low` and `high` (jitter; not security).
std::chrono::milliseconds Jitter(std::chrono::milliseconds span, double low, double high) {
  thread_local std::mt19937 random(std::random_device{}());
  std::uniform_real_distribution<double> share(low, high);
  return std::chrono::milliseconds(static_cast<long long>(span.count() * share(random)));
}

}  // namespace

void ChannelPollers::Start() {
  if (sources_.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    const auto first = std::min<std::chrono::milliseconds>(sources_[i]->interval(), std::chrono::seconds(30));
    due_.emplace(now + Jitter(first, 0.0, 1.0), i);
  }
  const int n = std::max(1, std::min<int>(workers_ + 1, static_cast<int>(sources_.size())));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
}

void ChannelPollers::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ChannelPollers::Work() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      wake_.wait_until(lock, next);
      continue;
    }
    const std::size_t i = due_.begin()->second;
    due_.erase(due_.begin());
    lock.unlock();
    connectors::Source& source = *sources_[i];
    std::chrono::milliseconds wait = Jitter(source.interval(), 0.9, 1.1);
    try {
      if (source.Poll([this](const connectors::Received& r) { return feeder_.Take(r); }) < 0) {
        wait = std::min<std::chrono::milliseconds>(wait, std::chrono::minutes(1));  // did not answer: soon again
      }
    } catch (const std::exception& e) {
      spdlog::error("{}: poll failed: {}", source.name(), e.what());
      wait = std::min<std::chrono::milliseconds>(wait, std::chrono::minutes(1));
    }
    lock.lock();
    due_.emplace(std::chrono::steady_clock::now() + wait, i);
    wake_.notify_one();
  }
}

connectors::news::Validators ChannelPollers::DbFeedMemory::Load(const std::string& url) {
  store::FeedState s;
  db_.Run([&](store::Tx& tx) { s = store::LoadFeedState(tx, url); });
  return {s.etag, s.last_modified};
}

void ChannelPollers::DbFeedMemory::Save(const std::string& url, const connectors::news::Validators& v,
                                        const std::optional<std::string>& error, int items_taken) {
  if (error) spdlog::warn("news feed {}: {}", url, *error);
  db_.Run([&](store::Tx& tx) {
    store::SaveFeedState(tx, url, store::FeedState{v.etag, v.last_modified}, error, clock_.Now(), items_taken);
  });
}

std::string ChannelPollers::DbFeedMemory::KeepDocument(const std::string& url, const std::string& body) {
  std::string digest;
  db_.Run([&](store::Tx& tx) { digest = store::KeepFeedDocument(tx, url, body, clock_.Now()); });
  return digest;
}

int ImportHotlineCsv(runtime::IntakeService& intake, const std::string& path) {
  auto rows = connectors::hotline::ReadCsv(runtime::ReadFileText(path), path);
  if (!rows) {
    std::cerr << rows.error().message << "\n";
    for (const auto& d : rows.error().details) std::cerr << d << "\n";
    return 2;
  }
  int accepted = 0, duplicates = 0, rejected = 0;
  for (const auto& row : rows.value()) {
    const auto r = intake.Take(row.input);
    if (r.refused) {
      std::cerr << path << ":" << row.line << ": " << r.reason.value_or("") << "\n";
      ++rejected;
    } else {
      (r.status == IntakeStatus::kDuplicate ? duplicates : accepted) += 1;
    }
  }
  std::cout << path << ": " << accepted << " cases created, " << duplicates << " already known, " << rejected
            << " rows rejected\n";
  return rejected == 0 ? 0 : 2;
}

}  // namespace petitiond::app
