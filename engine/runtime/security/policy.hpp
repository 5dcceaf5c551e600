#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/intake.hpp"
#include "engine/machine.hpp"

namespace petitiond::runtime {

// Office scope, the one rule every service applies to reads, lists and writes
// (docs/roles.md): directors and admins act on every office; everyone else only on
// their own. The system actor (connectors, timers) is not a caller and is never
// scoped through these; services that run for it decide by the case's own office.
inline bool SeesAllOffices(const Actor& a) { return a.HasRole("director") || a.HasRole("admin"); }

// The office the caller's reads are limited to; nullopt for every office.
inline std::optional<std::string> OfficeScope(const Actor& a) {
  if (SeesAllOffices(a)) return std::nullopt;
  return a.office;
}

inline bool InScope(const Actor& a, std::string_view office) { return SeesAllOffices(a) || a.office == office; }

// Confidential petitioners (DOMAIN.md, docs/roles.md): their identity is shown only to
// the director and the privacy officer; everyone else sees the name 保密 and no contact
// fields, in views, lists, events, the outbox and the intake log.
inline bool SeesIdentity(const Actor& a) { return a.HasRole("director") || a.HasRole("privacy_officer"); }
inline constexpr const char* kRedacted = "保密";
// What those who may not see a confidential petitioner see of them: the name 保密.
inline Petitioner RedactedPetitioner() { return Petitioner{kRedacted, "", "", ""}; }

}  // namespace petitiond::runtime
