#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/machine.hpp"
#include "engine/store/user_store.hpp"
#include "engine/time.hpp"

namespace petitiond::store {
class Database;
}

namespace petitiond::runtime {

// A member of staff's own settings.
struct Preferences {
  bool daily_digest = true;  // the morning digest of the office (supervisors)
};

struct NewAccount {
  std::string login;
  std::vector<std::string> roles;
  std::string office;
  std::optional<std::string> password;  // none: one is generated and returned once
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

// What a PATCH changes; absent fields stay as they are.
struct AccountChange {
  std::optional<std::vector<std::string>> roles;
  std::optional<std::string> office;
  std::optional<bool> disabled;
  std::optional<std::string> email;  // "" clears it
  std::optional<std::string> phone;  // "" clears it
};

// Staff accounts as admins manage them. Every change is one transaction with its row in
// account_events (who, when, what, before and after). Disabling an account or resetting
// its password ends its sessions. An admin cannot disable their own account or take
// the admin role from it (kConflict), so an office cannot lock itself out.
// kForbidden unless the actor is an admin; kNotFound for an unknown login.
// Blocking (database, argon2id).
class AccountService {
 public:
  AccountService(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  std::vector<store::Account> List(const Actor& actor);
  // Active staff of `office` (the caller's own unless they see every office), for
  // supervisors choosing an assignee; no contact fields. kForbidden for other offices.
  std::vector<store::Account> Staff(const Actor& actor, const std::string& office);
  // Returns the account and, when it was generated, the password (shown once).
  std::pair<store::Account, std::optional<std::string>> Create(const Actor& actor, const NewAccount& in);
  store::Account Change(const Actor& actor, const std::string& login, const AccountChange& change);
  // Returns the new password when it was generated.
  std::optional<std::string> ResetPassword(const Actor& actor, const std::string& login,
                                           const std::optional<std::string>& password);
  std::vector<store::AccountEvent> Events(const Actor& actor, const std::optional<std::string>& login,
                                          std::optional<std::int64_t> before_id, int limit);

  // The caller's own settings; any member of staff.
  Preferences PreferencesOf(const Actor& actor);
  // Changes what is given; returns the settings after.
  Preferences SetPreferences(const Actor& actor, std::optional<bool> daily_digest);

 private:
  store::Database& db_;
  const Clock& clock_;
};

// kInvalid naming each problem: unknown roles, an office that is not a lower-case
// name, a password shorter than 8 characters, a bad e-mail or phone.
void CheckRoles(const std::vector<std::string>& roles);
void CheckOffice(const std::string& office);
void CheckPassword(std::string_view password);

}  // namespace petitiond::runtime
