#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/time.hpp"

namespace soci {
class session;
}

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
std::int64_t InsertUser(soci::session& sql, const std::string& login, const std::string& password_hash,
                        const std::vector<std::string>& roles, const std::string& office);
std::optional<UserRecord> FindUser(soci::session& sql, const std::string& login);
bool AnyUserWithRole(soci::session& sql, const std::string& role);

// Where a member of staff receives notices.
struct Contact {
  std::string login;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};
std::optional<Contact> ContactOf(soci::session& sql, const std::string& login);
// Enabled users holding `role`; only those of `office` unless it is empty.
std::vector<Contact> ContactsWithRole(soci::session& sql, const std::string& role, const std::string& office);
void SetContact(soci::session& sql, const std::string& login, const std::optional<std::string>& email,
                const std::optional<std::string>& phone);

void InsertSession(soci::session& sql, const std::string& token_hash, std::int64_t user_id, Timestamp expires_at);
// The enabled user behind an unexpired session, or nullopt.
std::optional<UserRecord> UserForSession(soci::session& sql, const std::string& token_hash, Timestamp now);

}  // namespace petitiond::store
