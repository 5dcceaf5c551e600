#include "app/channels.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

#include "connectors/hotline/hotline.hpp"
#include "connectors/mailbox/mailbox.hpp"
#include "connectors/news/news.hpp"
#include "engine/store/database.hpp"
#include "engine/store/intake_store.hpp"

namespace petitiond::app {

void ChannelPollers::Start() {
  if (!config_.mailbox.maildir.empty()) {
    threads_.emplace_back([this] { Loop(config_.mailbox.interval, [this] { PollMaildirOnce(); }); });
  }
  for (const auto& feed : config_.news_feeds) {
    threads_.emplace_back([this, &feed] { Loop(feed.interval, [this, &feed] { PollFeedOnce(feed); }); });
  }
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

void ChannelPollers::Loop(std::chrono::seconds interval, const std::function<void()>& pass) {
  for (;;) {
    try {
      pass();
    } catch (const std::exception& e) {
      spdlog::error("channel poll failed: {}", e.what());
    }
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
  }
}

int ChannelPollers::PollMaildirOnce() {
  connectors::mailbox::ParseLimits limits;
  limits.max_attachment = config_.mailbox.max_attachment;
  return connectors::mailbox::DrainMaildir(config_.mailbox.maildir, [&](const std::string& path, const std::string& raw) {
    try {
      auto parsed = connectors::mailbox::ParseMessage(raw, "maildir " + path, limits);
      if (!parsed) {
        Intake in;
        in.channel = "mailbox";
        in.source = "maildir " + path;
        in.content_type = "message/rfc822";
        in.raw = raw;
        intake_.Reject(in, parsed.error().message);
      } else {
        auto r = intake_.Submit(Actor::System(), parsed.value());
        spdlog::info("mail {} -> {} case {}", path, r.status, r.record ? r.record->public_no : "-");
      }
      return true;  // committed: the message may leave new/
    } catch (const DomainError& e) {
      if (e.error().kind == ErrorKind::kUnavailable || e.error().kind == ErrorKind::kInternal) {
        spdlog::error("mail {} stays in new/: {}", path, e.what());
        return false;  // the database is down: try again next round
      }
      return true;  // stored as rejected by the intake service
    }
  });
}

int ChannelPollers::PollFeedOnce(const runtime::NewsFeedConfig& feed) {
  store::FeedState state;
  db_.Run([&](soci::session& sql) { state = store::LoadFeedState(sql, feed.url); });
  auto fetched = connectors::news::Fetch(feed.url, state.etag, state.last_modified);
  if (!fetched) {
    db_.Run([&](soci::session& sql) { store::SaveFeedState(sql, feed.url, state, fetched.error().message, SystemClock().Now()); });
    spdlog::warn("news feed {}: {}", feed.url, fetched.error().message);
    return 0;
  }
  if (fetched.value().status == 304) {
    db_.Run([&](soci::session& sql) { store::SaveFeedState(sql, feed.url, state, std::nullopt, SystemClock().Now()); });
    return 0;
  }
  const auto& body = fetched.value().body;
  auto items = connectors::news::ParseFeed(body);
  store::FeedState next{fetched.value().etag, fetched.value().last_modified};
  if (!items) {
    Intake in;
    in.channel = "news";
    in.source = feed.url;
    in.content_type = "application/xml";
    in.raw = body;
    intake_.Reject(in, items.error().message);
    // No validators kept: a broken feed is fetched (and recorded) again next round.
    db_.Run([&](soci::session& sql) {
      store::SaveFeedState(sql, feed.url, store::FeedState{}, items.error().message, SystemClock().Now());
    });
    return 0;
  }
  connectors::news::FeedConfig match{feed.url, feed.office, feed.keywords, feed.exclude, feed.interval};
  int taken = 0;
  for (const auto& item : items.value()) {
    auto keyword = connectors::news::Match(item, match);
    if (!keyword) continue;
    const std::string raw = "<item><title>" + item.title + "</title><link>" + item.link + "</link><guid>" + item.id +
                            "</guid><summary>" + item.summary + "</summary></item>";
    auto r = intake_.Submit(Actor::System(), connectors::news::ToIntake(item, match, *keyword, raw));
    if (r.status != "duplicate") ++taken;
  }
  db_.Run([&](soci::session& sql) { store::SaveFeedState(sql, feed.url, next, std::nullopt, SystemClock().Now()); });
  return taken;
}

int ImportHotlineCsv(runtime::IntakeService& intake, const std::string& path) {
  const std::string text = runtime::ReadFileText(path);
  auto rows = connectors::hotline::ReadCsv(text, path);
  if (!rows) {
    std::cerr << rows.error().message << "\n";
    for (const auto& d : rows.error().details) std::cerr << d << "\n";
    return 2;
  }
  int accepted = 0, duplicates = 0, rejected = 0;
  for (const auto& row : rows.value()) {
    if (!row.intake) {
      Intake raw;
      raw.channel = "hotline";
      raw.source = path + ":" + std::to_string(row.line);
      raw.content_type = "text/csv";
      raw.raw = row.raw;
      intake.Reject(raw, row.error);
      std::cerr << path << ":" << row.line << ": " << row.error << "\n";
      ++rejected;
      continue;
    }
    try {
      auto r = intake.Submit(Actor::System(), *row.intake);
      (r.status == "duplicate" ? duplicates : accepted) += 1;
    } catch (const DomainError& e) {
      if (e.error().kind == ErrorKind::kUnavailable || e.error().kind == ErrorKind::kInternal) throw;
      std::cerr << path << ":" << row.line << ": " << e.what() << "\n";
      ++rejected;
    }
  }
  std::cout << path << ": " << accepted << " cases created, " << duplicates << " already known, " << rejected
            << " rows rejected\n";
  return rejected == 0 ? 0 : 2;
}

}  // namespace petitiond::app
