#pragma once

#include <condition_variable>
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


// The polling connectors of `serve` (the director's Maildir, the news feeds), each on
// its own thread at its configured interval, all feeding the IntakeService.
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
    void Save(const std::string& url, const connectors::news::Validators& v,
              const std::optional<std::string>& error) override;

   private:
    store::Database& db_;
    const Clock& clock_;
  };

  void Loop(connectors::Source& source);

  runtime::IntakeFeeder feeder_;
  DbFeedMemory memory_;
  std::vector<std::unique_ptr<connectors::Source>> sources_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// `petitiond import hotline FILE.csv`: every row becomes a case (or a duplicate of one)
// in its own transaction; a bad row is stored as rejected and reported FILE:LINE.
// Returns the exit code: 0 if every row was taken, 2 if some were rejected.
int ImportHotlineCsv(runtime::IntakeService& intake, const std::string& path);

}  // namespace petitiond::app
