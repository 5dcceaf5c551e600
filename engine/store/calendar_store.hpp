#pragma once

#include "engine/store/database.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/calendar.hpp"

namespace petitiond::store {

// Inserts or replaces the national days of one DGPA file. Returns the rows written.
int UpsertCalendarDays(Tx& tx, const BusinessCalendar& days, const std::string& source);

// The national days and every office closure.
BusinessCalendar LoadCalendar(Tx& tx);

// Every closure of `office` (every office when empty) from `from` on, latest first.
struct ClosureRow {
  std::string office;
  std::chrono::sys_days day{};
  std::string reason;
  std::string created_by;
  Timestamp created_at{};
};
std::vector<ClosureRow> ListClosures(Tx& tx, const std::string& office, std::chrono::sys_days from);

// Records a closure. Returns false if the office was already closed that day.
bool InsertClosure(Tx& tx, const std::string& office, std::chrono::sys_days day, const std::string& reason,
                   const std::string& created_by);

// Cases of `office` with a running clock whose span (start date, due date] holds `day`.
std::vector<std::int64_t> CasesWithClocksSpanning(Tx& tx, const std::string& office,
                                                  std::chrono::sys_days day);

// Wakes every node to reload the calendar (delivered on commit).
void NotifyCalendarChanged(Tx& tx);

std::string IsoDate(std::chrono::sys_days day);  // "2026-11-25"

}  // namespace petitiond::store
