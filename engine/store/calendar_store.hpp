#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/calendar.hpp"

namespace soci {
class session;
}

namespace petitiond::store {

// Inserts or replaces the national days of one DGPA file. Returns the rows written.
int UpsertCalendarDays(soci::session& sql, const BusinessCalendar& days, const std::string& source);

// The national days and every office closure.
BusinessCalendar LoadCalendar(soci::session& sql);

// Records a closure. Returns false if the office was already closed that day.
bool InsertClosure(soci::session& sql, const std::string& office, std::chrono::sys_days day, const std::string& reason,
                   const std::string& created_by);

// Cases of `office` with a running clock whose span (start date, due date] holds `day`.
std::vector<std::int64_t> CasesWithClocksSpanning(soci::session& sql, const std::string& office,
                                                  std::chrono::sys_days day);

// Wakes every node to reload the calendar (delivered on commit).
void NotifyCalendarChanged(soci::session& sql);

std::string IsoDate(std::chrono::sys_days day);  // "2026-11-25"

}  // namespace petitiond::store
