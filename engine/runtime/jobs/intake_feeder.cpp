#include "engine/runtime/jobs/intake_feeder.hpp"

#include <spdlog/spdlog.h>

#include "engine/digest.hpp"

namespace petitiond::runtime {

bool IntakeFeeder::Take(const Received& in) {
  try {
    auto result = intake_.Take(in);
    spdlog::info("{} -> {} case {}", in.intake.source, Name(result.status),
                 result.record ? result.record->public_no : "-");
    std::lock_guard lock(mu_);
    attempts_.erase(Sha256Hex(in.intake.raw));
    return true;
  } catch (const DomainError& e) {
    if (e.error().kind == ErrorKind::kUnavailable) {
      spdlog::error("{} kept for the next round: {}", in.intake.source, e.what());
      return false;
    }
    return Failed(in, e.what());
  } catch (const std::exception& e) {
    return Failed(in, e.what());
  }
}

bool IntakeFeeder::Failed(const Received& in, const std::string& why) {
  int attempts = 0;
  {
    std::lock_guard lock(mu_);
    const std::string key = Sha256Hex(in.intake.raw);
    attempts = ++attempts_[key];
    if (attempts >= max_attempts_) attempts_.erase(key);
  }
  if (attempts < max_attempts_) {
    spdlog::error("{} failed (attempt {} of {}), kept for the next round: {}", in.intake.source, attempts,
                  max_attempts_, why);
    return false;
  }
  const std::string reason = "failed " + std::to_string(attempts) + " times: " + why;
  try {
    intake_.Take(Received{in.intake, Error{ErrorKind::kInternal, reason, {}}});
  } catch (const DomainError&) {
    // The raw row itself may be what fails (its external reference): keep the bytes
    // without it rather than lose them.
    Received bare{in.intake, Error{ErrorKind::kInternal, reason + "; stored without its external reference", {}}};
    bare.intake.external_ref.reset();
    try {
      intake_.Take(bare);
    } catch (const DomainError& e) {
      if (e.error().kind == ErrorKind::kUnavailable) return false;
      spdlog::error("{} could not be stored even as rejected: {}", in.intake.source, e.what());
    }
  }
  spdlog::error("{} set aside as rejected: {}", in.intake.source, reason);
  return true;
}

}  // namespace petitiond::runtime
