#pragma once

#include <optional>
#include <string>

namespace petitiond::store {

// Builds a PostgreSQL array literal ("{...}") for binding as one text parameter and
// CAST(:p AS type[]) in SQL, so a batch of rows goes in one statement via unnest.
// Elements are double-quoted and escaped; an absent optional is NULL.
class PgArray {
 public:
  PgArray& Add(const std::string& value) {
    Sep();
    text_ += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  PgArray& Add(const std::optional<std::string>& value) {
    if (value) return Add(*value);
    Sep();
    text_ += "NULL";
    return *this;
  }
  PgArray& Add(long long value) { return Add(std::to_string(value)); }
  PgArray& Add(int value) { return Add(std::to_string(value)); }
  PgArray& Add(bool value) { return Add(std::string(value ? "true" : "false")); }
  PgArray& AddNull() { return Add(std::optional<std::string>()); }

  bool empty() const { return empty_; }
  std::string str() const { return "{" + text_ + "}"; }

 private:
  void Sep() {
    if (!empty_) text_ += ',';
    empty_ = false;
  }
  std::string text_;
  bool empty_ = true;
};

}  // namespace petitiond::store
