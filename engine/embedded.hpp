#pragma once

#include <string_view>
#include <vector>

namespace petitiond {

// A file compiled into the binary by cmake/Embed.cmake.
struct EmbeddedFile {
  std::string_view name;  // file name without directory, e.g. "0001_init.sql"
  std::string_view bytes;
};

// migrations/*.sql, sorted by name (defined in the store target).
const std::vector<EmbeddedFile>& EmbeddedMigrations();
// workflows/calendar/*.csv, the national DGPA calendars shipped with the project.
const std::vector<EmbeddedFile>& EmbeddedCalendars();

}  // namespace petitiond
