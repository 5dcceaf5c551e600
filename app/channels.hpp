#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "connectors/connector.hpp"
#include "connectors/news/news.hpp"
#include "app/config.hpp"
#include "engine/runtime/jobs/intake_feeder.hpp"
#include "engine/runtime/services/intake_service.hpp"

namespace petitiond::app {


// The polling connectors of `serve` (the director's Maildir, the news feeds), all
// feeding the IntakeService. A few worker threads (config news.workers; the Maildir one
// more) take the sources as they fall due: each source first at a random moment in its
// first 30 s (every feed fetched within a minute of start, without all at once), then
// every interval give or take a tenth (jitter, so feeds polled together drift apart),
// and a minute after a poll that failed outright.
class ChannelPollers {
 public:
  // REQUIRES: all references outlive the pollers.
  ChannelPollers(store::Database& db, runtime::IntakeService& intake, const app::Config& config,
                 const Clock& clock);
  ~ChannelPollers() { Stop(); }

  void Start();
  void Stop();

 private:
  // Feed validators in the news_feeds table.
  class DbFeedMemory : public connectors::news::FeedMemory {
   public:
    DbFeedMemory(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
    connectors::news::Validators Load(const std::string& url) override;
    void Save(const std::string& url, const connectors::news::Validators& v, const std::optional<std::string>& error,
              int items_taken) override;
    std::string KeepDocument(const std::string& url, const std::string& body) override;

   private:
    store::Database& db_;
    const Clock& clock_;
  };

  void Work();

  runtime::IntakeFeeder feeder_;
  DbFeedMemory memory_;
  std::vector<std::unique_ptr<connectors::Source>> sources_;
  int workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  // When each source (by index) is next due; a source being polled is not in it.
  std::multimap<std::chrono::steady_clock::time_point, std::size_t> due_;
  std::vector<std::thread> threads_;
};

// `petitiond import hotline FILE.csv`: every row becomes a case (or a duplicate of one)
// in its own transaction; a bad row is stored as rejected and reported FILE:LINE.
// Returns the exit code: 0 if every row was taken, 2 if some were rejected.
int ImportHotlineCsv(runtime::IntakeService& intake, const std::string& path);

}  // namespace petitiond::app
