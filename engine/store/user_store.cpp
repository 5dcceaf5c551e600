#include "engine/store/user_store.hpp"
#include "engine/store/session.hpp"

#include <soci/soci.h>

#include <sstream>

#include "engine/store/database.hpp"
#include "engine/store/pg_array.hpp"

namespace petitiond::store {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (login, password_hash, roles, office) "
    "VALUES (:login, :hash, CAST(:roles AS text[]), :office) RETURNING id";
constexpr const char* kUserColumns =
    "SELECT u.id, u.login, array_to_string(u.roles, ','), u.office, u.disabled::int, u.password_hash FROM users u";
constexpr const char* kAnyWithRole = "SELECT count(*) FROM users WHERE :role = ANY(roles) AND NOT disabled";
constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (:hash, :user_id, to_timestamp(:expires))";

UserRecord ReadUser(const soci::row& r) {
  UserRecord u;
  u.id = r.get<long long>(0);
  u.login = r.get<std::string>(1);
  std::stringstream roles(r.get<std::string>(2));
  for (std::string role; std::getline(roles, role, ',');) u.roles.push_back(role);
  u.office = r.get<std::string>(3);
  u.disabled = r.get<int>(4) != 0;
  u.password_hash = r.get<std::string>(5);
  return u;
}

}  // namespace

std::int64_t InsertUser(Tx& tx, const std::string& login, const std::string& password_hash,
                        const std::vector<std::string>& roles, const std::string& office) {
  soci::session& sql = Sql(tx);
  PgArray role_array;
  for (const auto& r : roles) role_array.Add(r);
  const std::string array = role_array.str();
  long long id = 0;
  sql << kInsertUser, soci::use(login, "login"), soci::use(password_hash, "hash"), soci::use(array, "roles"),
      soci::use(office, "office"), soci::into(id);
  return id;
}

std::optional<UserRecord> FindUser(Tx& tx, const std::string& login) {
  soci::session& sql = Sql(tx);
  const std::string query = std::string(kUserColumns) + " WHERE u.login = :login";
  soci::row r;
  sql << query, soci::use(login, "login"), soci::into(r);
  if (!sql.got_data()) return std::nullopt;
  return ReadUser(r);
}

bool AnyUserWithRole(Tx& tx, const std::string& role) {
  soci::session& sql = Sql(tx);
  long long n = 0;
  sql << kAnyWithRole, soci::use(role, "role"), soci::into(n);
  return n > 0;
}

namespace {

constexpr const char* kContactColumns = "SELECT login, email, phone FROM users";

Contact ReadContact(const soci::row& r) {
  Contact c;
  c.login = r.get<std::string>(0);
  if (r.get_indicator(1) != soci::i_null) c.email = r.get<std::string>(1);
  if (r.get_indicator(2) != soci::i_null) c.phone = r.get<std::string>(2);
  return c;
}

}  // namespace

std::optional<Contact> ContactOf(Tx& tx, const std::string& login) {
  soci::session& sql = Sql(tx);
  const std::string query = std::string(kContactColumns) + " WHERE login = :login AND NOT disabled";
  soci::rowset<soci::row> rows = (sql.prepare << query, soci::use(login, "login"));
  for (const auto& r : rows) return ReadContact(r);
  return std::nullopt;
}

std::vector<Contact> ContactsWithRole(Tx& tx, const std::string& role, const std::string& office) {
  soci::session& sql = Sql(tx);
  const std::string query = std::string(kContactColumns) +
                            " WHERE :role = ANY(roles) AND NOT disabled AND (:o1 = '' OR office = :o2) ORDER BY login";
  std::vector<Contact> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << query, soci::use(role, "role"), soci::use(office, "o1"), soci::use(office, "o2"));
  for (const auto& r : rows) out.push_back(ReadContact(r));
  return out;
}

void SetContact(Tx& tx, const std::string& login, const std::optional<std::string>& email,
                const std::optional<std::string>& phone) {
  soci::session& sql = Sql(tx);
  std::string e = email.value_or(""), p = phone.value_or("");
  soci::indicator e_ind = email ? soci::i_ok : soci::i_null, p_ind = phone ? soci::i_ok : soci::i_null;
  sql << "UPDATE users SET email = :email, phone = :phone WHERE login = :login", soci::use(e, e_ind, "email"),
      soci::use(p, p_ind, "phone"), soci::use(login, "login");
}

bool DailyDigestOf(Tx& tx, const std::string& login) {
  int on = 0;
  Sql(tx) << "SELECT daily_digest::int FROM users WHERE login = :login", soci::use(login, "login"), soci::into(on);
  return on != 0;
}

void SetDailyDigest(Tx& tx, const std::string& login, bool on) {
  const int flag = on ? 1 : 0;
  Sql(tx) << "UPDATE users SET daily_digest = (:on <> 0) WHERE login = :login", soci::use(flag, "on"),
      soci::use(login, "login");
}

void InsertSession(Tx& tx, const std::string& token_hash, std::int64_t user_id, Timestamp expires_at) {
  soci::session& sql = Sql(tx);
  const long long expires = Epoch(expires_at);
  const long long uid = user_id;
  sql << kInsertSession, soci::use(token_hash, "hash"), soci::use(uid, "user_id"), soci::use(expires, "expires");
}

bool DeleteSession(Tx& tx, const std::string& token_hash) {
  soci::statement st = (Sql(tx).prepare << "DELETE FROM sessions WHERE token_hash = :hash", soci::use(token_hash, "hash"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::optional<UserRecord> UserForSession(Tx& tx, const std::string& token_hash, Timestamp now) {
  soci::session& sql = Sql(tx);
  const std::string query = std::string(kUserColumns) +
                            " JOIN sessions s ON s.user_id = u.id"
                            " WHERE s.token_hash = :hash AND s.expires_at > to_timestamp(:now) AND NOT u.disabled";
  const long long at = Epoch(now);
  // One-shot (no named prepared statement): every request runs this, once.
  soci::row r;
  sql << query, soci::use(token_hash, "hash"), soci::use(at, "now"), soci::into(r);
  if (!sql.got_data()) return std::nullopt;
  return ReadUser(r);
}

namespace {

constexpr const char* kAccountColumns =
    "SELECT login, array_to_string(roles, ','), office, disabled::int, email, phone, "
    "extract(epoch FROM created_at)::bigint FROM users";

Account ReadAccount(const soci::row& r) {
  Account a;
  a.login = r.get<std::string>(0);
  std::stringstream roles(r.get<std::string>(1));
  for (std::string role; std::getline(roles, role, ',');) a.roles.push_back(role);
  a.office = r.get<std::string>(2);
  a.disabled = r.get<int>(3) != 0;
  if (r.get_indicator(4) != soci::i_null) a.email = r.get<std::string>(4);
  if (r.get_indicator(5) != soci::i_null) a.phone = r.get<std::string>(5);
  a.created_at = Timestamp(std::chrono::seconds(r.get<long long>(6)));
  return a;
}

}  // namespace

std::vector<Account> ListAccounts(Tx& tx) {
  std::vector<Account> out;
  soci::rowset<soci::row> rows = (Sql(tx).prepare << std::string(kAccountColumns) + " ORDER BY office, login");
  for (const auto& r : rows) out.push_back(ReadAccount(r));
  return out;
}

std::optional<Account> FindAccount(Tx& tx, const std::string& login) {
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << std::string(kAccountColumns) + " WHERE login = :login", soci::use(login, "login"));
  for (const auto& r : rows) return ReadAccount(r);
  return std::nullopt;
}

void SetRoles(Tx& tx, const std::string& login, const std::vector<std::string>& roles) {
  PgArray role_array;
  for (const auto& r : roles) role_array.Add(r);
  const std::string array = role_array.str();
  Sql(tx) << "UPDATE users SET roles = CAST(:roles AS text[]) WHERE login = :login", soci::use(array, "roles"),
      soci::use(login, "login");
}

void SetOffice(Tx& tx, const std::string& login, const std::string& office) {
  Sql(tx) << "UPDATE users SET office = :office WHERE login = :login", soci::use(office, "office"),
      soci::use(login, "login");
}

void SetDisabled(Tx& tx, const std::string& login, bool disabled) {
  const int flag = disabled ? 1 : 0;
  Sql(tx) << "UPDATE users SET disabled = (:d <> 0) WHERE login = :login", soci::use(flag, "d"),
      soci::use(login, "login");
}

void SetPasswordHash(Tx& tx, const std::string& login, const std::string& password_hash) {
  Sql(tx) << "UPDATE users SET password_hash = :h WHERE login = :login", soci::use(password_hash, "h"),
      soci::use(login, "login");
}

void DeleteSessionsOf(Tx& tx, const std::string& login) {
  Sql(tx) << "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = :login)",
      soci::use(login, "login");
}

void InsertAccountEvent(Tx& tx, const AccountEvent& e) {
  const long long at = Epoch(e.at);
  Sql(tx) << "INSERT INTO account_events (login, actor, action, detail, at) "
             "VALUES (:login, :actor, :action, CAST(:detail AS jsonb), to_timestamp(:at))",
      soci::use(e.login, "login"), soci::use(e.actor, "actor"), soci::use(e.action, "action"),
      soci::use(e.detail_json, "detail"), soci::use(at, "at");
}

std::vector<AccountEvent> ListAccountEvents(Tx& tx, const std::optional<std::string>& login,
                                            std::optional<std::int64_t> before_id, int limit) {
  const std::string l = login.value_or("");
  const long long before = before_id.value_or(0);
  soci::indicator l1 = login ? soci::i_ok : soci::i_null, l2 = l1, b1 = before_id ? soci::i_ok : soci::i_null,
                  b2 = b1;
  soci::rowset<soci::row> rows =
      (Sql(tx).prepare << "SELECT id, login, actor, action, detail::text, extract(epoch FROM at)::bigint "
                          "FROM account_events WHERE (CAST(:l1 AS text) IS NULL OR login = :l2) "
                          "AND (CAST(:b1 AS bigint) IS NULL OR id < :b2) ORDER BY id DESC LIMIT :limit",
       soci::use(l, l1, "l1"), soci::use(l, l2, "l2"), soci::use(before, b1, "b1"), soci::use(before, b2, "b2"),
       soci::use(limit, "limit"));
  std::vector<AccountEvent> out;
  for (const auto& r : rows) {
    out.push_back(AccountEvent{r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2),
                               r.get<std::string>(3), r.get<std::string>(4),
                               Timestamp(std::chrono::seconds(r.get<long long>(5)))});
  }
  return out;
}

}  // namespace petitiond::store
