#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "engine/intake.hpp"
#include "engine/runtime/services/intake_service.hpp"

namespace petitiond::runtime {

// What the polling connectors hand their inputs to. An input the pipeline refuses is
// stored as rejected there; one that fails for a reason of its own (an internal error
// it provokes) is tried `max_attempts` times, then stored raw as rejected with the
// error, so the inputs after it flow. Only an unreachable database keeps an input
// waiting without limit: that is no fault of the input.
class IntakeFeeder {
 public:
  IntakeFeeder(IntakeService& intake, int max_attempts) : intake_(intake), max_attempts_(max_attempts) {}

  // True when the input is settled (a case, a duplicate, or stored as rejected): the
  // connector may move it aside. False: keep it for the next round.
  bool Take(const Received& in);

 private:
  bool Failed(const Received& in, const std::string& why);

  IntakeService& intake_;
  int max_attempts_;
  std::mutex mu_;
  std::map<std::string, int> attempts_;  // by digest of the raw input
};

}  // namespace petitiond::runtime
