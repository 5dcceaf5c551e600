#include "engine/runtime/intake_feeder.hpp"

#include <spdlog/spdlog.h>

#include "engine/digest.hpp"

namespace petitiond::runtime {

bool IntakeFeeder::Take(const Intake& in, const std::optional<std::string>& connector_error) {
  try {
    if (connector_error) {
      intake_.Reject(in, *connector_error);
    } else {
      auto result = intake_.Submit(Actor::System(), in);
      spdlog::info("{} -> {} case {}", in.source, Name(result.status), result.record ? result.record->public_no : "-");
    }
    std::lock_guard lock(mu_);
    attempts_.erase(Sha256Hex(in.raw));
    return true;
  } catch (const DomainError& e) {
    if (e.error().kind == ErrorKind::kUnavailable) {
      spdlog::error("{} kept for the next round: {}", in.source, e.what());
      return false;
    }
    if (e.error().kind != ErrorKind::kInternal) return true;  // refused and stored as rejected by the pipeline
    return Failed(in, e.what());
  } catch (const std::exception& e) {
    return Failed(in, e.what());
  }
}

bool IntakeFeeder::Failed(const Intake& in, const std::string& why) {
  int attempts = 0;
  {
    std::lock_guard lock(mu_);
    const std::string key = Sha256Hex(in.raw);
    attempts = ++attempts_[key];
    if (attempts >= max_attempts_) attempts_.erase(key);
  }
  if (attempts < max_attempts_) {
    spdlog::error("{} failed (attempt {} of {}), kept for the next round: {}", in.source, attempts, max_attempts_, why);
    return false;
  }
  const std::string reason = "failed " + std::to_string(attempts) + " times: " + why;
  try {
    intake_.Reject(in, reason);
  } catch (const DomainError&) {
    // The raw row itself may be what fails (its external reference): keep the bytes
    // without it rather than lose them.
    Intake bare = in;
    bare.external_ref.reset();
    try {
      intake_.Reject(bare, reason + "; stored without its external reference");
    } catch (const DomainError& e) {
      if (e.error().kind == ErrorKind::kUnavailable) return false;
      spdlog::error("{} could not be stored even as rejected: {}", in.source, e.what());
    }
  }
  spdlog::error("{} set aside as rejected: {}", in.source, reason);
  return true;
}

}  // namespace petitiond::runtime
