#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/config.hpp"
#include "engine/runtime/intake_service.hpp"

namespace petitiond::app {

// The polling connectors of `serve`: the director's Maildir and the news feeds, each
// on its own thread at its configured interval. Input goes through the IntakeService.
class ChannelPollers {
 public:
  ChannelPollers(store::Database& db, runtime::IntakeService& intake, const runtime::Config& config)
      : db_(db), intake_(intake), config_(config) {}
  ~ChannelPollers() { Stop(); }

  void Start();
  void Stop();

  // One pass, for tests and the first round: returns how many inputs were taken.
  int PollMaildirOnce();
  int PollFeedOnce(const runtime::NewsFeedConfig& feed);

 private:
  void Loop(std::chrono::seconds interval, const std::function<void()>& pass);

  store::Database& db_;
  runtime::IntakeService& intake_;
  const runtime::Config& config_;
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
