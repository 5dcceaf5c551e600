#pragma once

#include "engine/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace petitiond::store {

struct UserRecord {
  std::int64_t id = 0;
  std::string login;
  std::vector<std::string> roles;
  std::string office;
  bool disabled = false;
  std::string password_hash;
};

// Throws DomainError(kConflict) if the login exists. REQUIRES: roles are validated names.
std::int64_t InsertUser(Tx& tx, const std::string& login, const std::string& password_hash,
                        const std::vector<std::string>& roles, const std::string& office);
std::optional<UserRecord> FindUser(Tx& tx, const std::string& login);
bool AnyUserWithRole(Tx& tx, const std::string& role);

// Where a member of staff receives notices.
struct Contact {
  std::string login;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};
std::optional<Contact> ContactOf(Tx& tx, const std::string& login);
// Enabled users holding `role`; only those of `office` unless it is empty.
std::vector<Contact> ContactsWithRole(Tx& tx, const std::string& role, const std::string& office);
void SetContact(Tx& tx, const std::string& login, const std::optional<std::string>& email,
                const std::optional<std::string>& phone);

// The user's own settings (migration 0020): whether they get the morning digest.
bool DailyDigestOf(Tx& tx, const std::string& login);
void SetDailyDigest(Tx& tx, const std::string& login, bool on);

void InsertSession(Tx& tx, const std::string& token_hash, std::int64_t user_id, Timestamp expires_at);
// Ends a session (sign out); false if there was none.
bool DeleteSession(Tx& tx, const std::string& token_hash);
// The enabled user behind an unexpired session, or nullopt.
std::optional<UserRecord> UserForSession(Tx& tx, const std::string& token_hash, Timestamp now);

// Accounts as admins manage them (no password hashes).
struct Account {
  std::string login;
  std::vector<std::string> roles;
  std::string office;
  bool disabled = false;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  Timestamp created_at{};
};
std::vector<Account> ListAccounts(Tx& tx);
std::optional<Account> FindAccount(Tx& tx, const std::string& login);
// Each writes one column of `login`'s row. REQUIRES: roles are validated names.
void SetRoles(Tx& tx, const std::string& login, const std::vector<std::string>& roles);
void SetOffice(Tx& tx, const std::string& login, const std::string& office);
void SetDisabled(Tx& tx, const std::string& login, bool disabled);
void SetPasswordHash(Tx& tx, const std::string& login, const std::string& password_hash);
// Ends every session of `login` (disabled, password reset).
void DeleteSessionsOf(Tx& tx, const std::string& login);

// The account audit (migration 0010; append-only).
struct AccountEvent {
  std::int64_t id = 0;
  std::string login;
  std::string actor;
  std::string action;
  std::string detail_json = "{}";
  Timestamp at{};
};
void InsertAccountEvent(Tx& tx, const AccountEvent& e);
std::vector<AccountEvent> ListAccountEvents(Tx& tx, const std::optional<std::string>& login,
                                            std::optional<std::int64_t> before_id, int limit);

}  // namespace petitiond::store
