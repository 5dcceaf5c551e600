#include "engine/runtime/security/accounts.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "engine/contact.hpp"
#include "engine/error.hpp"
#include "engine/runtime/security/auth.hpp"
#include "engine/runtime/security/policy.hpp"
#include "engine/store/database.hpp"
#include "engine/workflow.hpp"

namespace petitiond::runtime {
namespace {

void RequireAdmin(const Actor& actor) {
  if (!actor.HasRole("admin")) throw DomainError(ErrorKind::kForbidden, "accounts are managed by admins");
}

DomainError UnknownLogin(const std::string& login) {
  return DomainError(ErrorKind::kNotFound, "there is no account '" + login + "'");
}

boost::json::array Array(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

void Audit(store::Tx& tx, const std::string& login, const Actor& actor, const std::string& action,
           const boost::json::object& detail, Timestamp at) {
  store::InsertAccountEvent(tx, {0, login, actor.login, action, boost::json::serialize(detail), at});
}

std::optional<std::string> ContactValue(const std::optional<std::string>& v) {
  return v && !v->empty() ? v : std::nullopt;
}

void CheckContact(const std::optional<std::string>& email, const std::optional<std::string>& phone) {
  Error invalid{ErrorKind::kInvalid, "the account has invalid fields", {}};
  if (email && !email->empty()) {
    if (auto why = EmailProblem(*email)) invalid.details.push_back("email: " + *why);
  }
  if (phone && !phone->empty()) {
    if (auto why = PhoneProblem(*phone)) invalid.details.push_back("phone: " + *why);
  }
  if (!invalid.details.empty()) throw DomainError(invalid);
}

}  // namespace

void CheckRoles(const std::vector<std::string>& roles) {
  if (roles.empty()) throw DomainError(ErrorKind::kInvalid, "give at least one role");
  for (const auto& r : roles) {
    if (!IsKnown(KnownRoles(), r)) {
      std::string known;
      for (const auto& k : KnownRoles()) known += (known.empty() ? "" : ", ") + k;
      throw DomainError(ErrorKind::kInvalid, "unknown role '" + r + "'; roles are " + known);
    }
  }
}

void CheckOffice(const std::string& office) {
  const bool ok = !office.empty() && office.size() <= 40 &&
                  office.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!ok) throw DomainError(ErrorKind::kInvalid, "office must be a lower-case name such as main or green-island");
}

void CheckPassword(std::string_view password) {
  if (password.size() < 8) throw DomainError(ErrorKind::kInvalid, "the password must have at least 8 characters");
  if (password.size() > 256) throw DomainError(ErrorKind::kInvalid, "the password must have at most 256 characters");
}

std::vector<store::Account> AccountService::List(const Actor& actor) {
  RequireAdmin(actor);
  std::vector<store::Account> out;
  db_.Run([&](store::Tx& tx) { out = store::ListAccounts(tx); });
  return out;
}

std::vector<store::Account> AccountService::Staff(const Actor& actor, const std::string& office) {
  if (!InScope(actor, office)) throw DomainError(ErrorKind::kForbidden, "you see the staff of your own office only");
  std::vector<store::Account> out;
  db_.Run([&](store::Tx& tx) {
    for (auto& a : store::ListAccounts(tx)) {
      if (a.office != office || a.disabled) continue;
      a.email.reset();
      a.phone.reset();
      out.push_back(std::move(a));
    }
  });
  return out;
}

std::pair<store::Account, std::optional<std::string>> AccountService::Create(const Actor& actor,
                                                                             const NewAccount& in) {
  RequireAdmin(actor);
  const bool plain_login = !in.login.empty() && in.login.size() <= 64 &&
                           in.login.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
  if (!plain_login) {
    throw DomainError(ErrorKind::kInvalid, "login must be 1-64 lower-case letters, digits, '.', '_' or '-'");
  }
  CheckRoles(in.roles);
  CheckOffice(in.office);
  CheckContact(in.email, in.phone);
  std::optional<std::string> generated;
  if (!in.password) generated = NewPassword();
  const std::string password = in.password.value_or(generated.value_or(""));
  CheckPassword(password);
  const std::string hash = HashPassword(password);
  store::Account account;
  db_.Transact([&](store::Tx& tx) {
    try {
      store::InsertUser(tx, in.login, hash, in.roles, in.office);
    } catch (const DomainError& e) {
      if (e.error().kind == ErrorKind::kConflict) {
        throw DomainError(ErrorKind::kConflict, "user '" + in.login + "' already exists");
      }
      throw;
    }
    if (ContactValue(in.email) || ContactValue(in.phone)) {
      store::SetContact(tx, in.login, ContactValue(in.email), ContactValue(in.phone));
    }
    Audit(tx, in.login, actor, "created", {{"roles", Array(in.roles)}, {"office", in.office}}, clock_.Now());
    account = *store::FindAccount(tx, in.login);
  });
  return {account, generated};
}

store::Account AccountService::Change(const Actor& actor, const std::string& login, const AccountChange& change) {
  RequireAdmin(actor);
  if (change.roles) CheckRoles(*change.roles);
  if (change.office) CheckOffice(*change.office);
  CheckContact(change.email, change.phone);
  if (login == actor.login) {
    if (change.disabled.value_or(false)) throw DomainError(ErrorKind::kConflict, "you cannot disable your own account");
    if (change.roles && std::find(change.roles->begin(), change.roles->end(), "admin") == change.roles->end()) {
      throw DomainError(ErrorKind::kConflict, "you cannot take the admin role from your own account");
    }
  }
  store::Account account;
  db_.Transact([&](store::Tx& tx) {
    auto before = store::FindAccount(tx, login);
    if (!before) throw UnknownLogin(login);
    const Timestamp now = clock_.Now();
    if (change.roles && *change.roles != before->roles) {
      store::SetRoles(tx, login, *change.roles);
      Audit(tx, login, actor, "roles_changed", {{"from", Array(before->roles)}, {"to", Array(*change.roles)}}, now);
    }
    if (change.office && *change.office != before->office) {
      store::SetOffice(tx, login, *change.office);
      Audit(tx, login, actor, "office_changed", {{"from", before->office}, {"to", *change.office}}, now);
    }
    if (change.disabled && *change.disabled != before->disabled) {
      store::SetDisabled(tx, login, *change.disabled);
      if (*change.disabled) store::DeleteSessionsOf(tx, login);
      Audit(tx, login, actor, *change.disabled ? "disabled" : "enabled", {}, now);
    }
    if (change.email || change.phone) {
      const auto email = change.email ? ContactValue(change.email) : before->email;
      const auto phone = change.phone ? ContactValue(change.phone) : before->phone;
      if (email != before->email || phone != before->phone) {
        store::SetContact(tx, login, email, phone);
        // Which fields changed, not their values: the audit holds no contact data.
        boost::json::array fields;
        if (email != before->email) fields.emplace_back("email");
        if (phone != before->phone) fields.emplace_back("phone");
        Audit(tx, login, actor, "contact_changed", {{"fields", fields}}, now);
      }
    }
    account = *store::FindAccount(tx, login);
  });
  return account;
}

std::optional<std::string> AccountService::ResetPassword(const Actor& actor, const std::string& login,
                                                         const std::optional<std::string>& password) {
  RequireAdmin(actor);
  std::optional<std::string> generated;
  if (!password) generated = NewPassword();
  const std::string chosen = password.value_or(generated.value_or(""));
  CheckPassword(chosen);
  const std::string hash = HashPassword(chosen);
  db_.Transact([&](store::Tx& tx) {
    if (!store::FindAccount(tx, login)) throw UnknownLogin(login);
    store::SetPasswordHash(tx, login, hash);
    store::DeleteSessionsOf(tx, login);
    Audit(tx, login, actor, "password_reset", {{"generated", generated.has_value()}}, clock_.Now());
  });
  return generated;
}

std::vector<store::AccountEvent> AccountService::Events(const Actor& actor, const std::optional<std::string>& login,
                                                        std::optional<std::int64_t> before_id, int limit) {
  RequireAdmin(actor);
  std::vector<store::AccountEvent> out;
  db_.Run([&](store::Tx& tx) { out = store::ListAccountEvents(tx, login, before_id, limit); });
  return out;
}

Preferences AccountService::PreferencesOf(const Actor& actor) {
  Preferences p;
  db_.Run([&](store::Tx& tx) { p.daily_digest = store::DailyDigestOf(tx, actor.login); });
  return p;
}

Preferences AccountService::SetPreferences(const Actor& actor, std::optional<bool> daily_digest) {
  Preferences p;
  db_.Transact([&](store::Tx& tx) {
    if (daily_digest) store::SetDailyDigest(tx, actor.login, *daily_digest);
    p.daily_digest = store::DailyDigestOf(tx, actor.login);
  });
  return p;
}

}  // namespace petitiond::runtime
