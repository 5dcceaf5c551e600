#include "app/channels.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "connectors/hotline/hotline.hpp"
#include "engine/runtime/services/files.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "engine/store/database.hpp"
#include "engine/store/intake_store.hpp"

namespace petitiond::app {

ChannelPollers::ChannelPollers(store::Database& db, runtime::IntakeService& intake, const app::Config& config,
                               const Clock& clock)
    : feeder_(intake, config.intake_max_attempts), memory_(db, clock) {
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

void ChannelPollers::Start() {
  for (auto& source : sources_) threads_.emplace_back([this, s = source.get()] { Loop(*s); });
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

void ChannelPollers::Loop(connectors::Source& source) {
  for (;;) {
    try {
      source.Poll([this](const connectors::Received& r) { return feeder_.Take(r); });
    } catch (const std::exception& e) {
      spdlog::error("{}: poll failed: {}", source.name(), e.what());
    }
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, source.interval(), [this] { return stopping_; })) return;
  }
}

connectors::news::Validators ChannelPollers::DbFeedMemory::Load(const std::string& url) {
  store::FeedState s;
  db_.Run([&](store::Tx& tx) { s = store::LoadFeedState(tx, url); });
  return {s.etag, s.last_modified};
}

void ChannelPollers::DbFeedMemory::Save(const std::string& url, const connectors::news::Validators& v,
                                        const std::optional<std::string>& error) {
  if (error) spdlog::warn("news feed {}: {}", url, *error);
  db_.Run([&](store::Tx& tx) {
    store::SaveFeedState(tx, url, store::FeedState{v.etag, v.last_modified}, error, clock_.Now());
  });
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
