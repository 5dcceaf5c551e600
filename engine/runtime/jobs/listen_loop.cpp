#include "engine/runtime/jobs/listen_loop.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "engine/error.hpp"
#include "engine/store/database.hpp"

namespace petitiond::runtime {

ListenLoop::ListenLoop(std::string name, store::Database& db, const Clock& clock, std::vector<std::string> channels,
                       std::chrono::milliseconds max_sleep, Work work)
    : name_(std::move(name)),
      db_(db),
      clock_(clock),
      channels_(std::move(channels)),
      max_sleep_(max_sleep),
      work_(std::move(work)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw DomainError(ErrorKind::kInternal, "eventfd failed");
}

ListenLoop::~ListenLoop() {
  Stop();
  close(wake_fd_);
}

void ListenLoop::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ListenLoop::Stop() {
  stop_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  std::uint64_t drained = 0;
  [[maybe_unused]] auto m = read(wake_fd_, &drained, sizeof drained);
}

void ListenLoop::Sleep(std::chrono::milliseconds max, int listen_fd) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {listen_fd, POLLIN, 0}};
  poll(fds, listen_fd >= 0 ? 2 : 1, static_cast<int>(std::max<long long>(0, max.count())));
}

void ListenLoop::Loop() {
  std::set<std::string> notified(channels_.begin(), channels_.end());  // first round: as if told everything
  while (!stop_) {
    try {
      // A connection of its own: LISTEN holds it for the life of the loop.
      store::Listener listener(db_, channels_);
      while (!stop_) {
        std::optional<Timestamp> next;
        listener.Run([&](store::Tx& tx) { next = work_(tx, notified); });
        notified.clear();
        auto wait = max_sleep_;
        if (next) {
          const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.Now());
          wait = std::clamp(until + std::chrono::milliseconds(5), std::chrono::milliseconds(0), max_sleep_);
        }
        Sleep(wait, listener.socket());
        notified.merge(listener.Drain());
      }
    } catch (const std::exception& e) {
      spdlog::warn("{}: {}; retrying", name_, e.what());
      notified.insert(channels_.begin(), channels_.end());
      Sleep(std::min(max_sleep_, std::chrono::milliseconds(1000)), -1);
    }
  }
}

}  // namespace petitiond::runtime
