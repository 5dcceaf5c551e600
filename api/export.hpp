#pragma once

// Spreadsheet downloads: CSV that Excel opens in Chinese (UTF-8 with BOM, CRLF) and
// XLSX written by libxlsxwriter. One Sheet is one table; CSV carries the first.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/http_types.hpp"

namespace petitiond::api {

// A cell: text, a number, or empty.
using Cell = std::variant<std::monostate, std::string, double>;
Cell Num(std::optional<double> v);

struct Sheet {
  std::string name;  // XLSX tab, at most 31 characters
  std::vector<std::string> header;
  std::vector<std::vector<Cell>> rows;
};

enum class ExportFormat { kCsv, kXlsx };

// RFC 4180 with a UTF-8 BOM and CRLF line ends. Text that a spreadsheet would run as a
// formula (starting = + - @, tab or CR) is prefixed with ' (OWASP CSV injection).
std::string ToCsv(const Sheet& sheet);
// The workbook's bytes. Throws std::runtime_error if libxlsxwriter fails.
std::string ToXlsx(const std::vector<Sheet>& sheets);

// A download named `basename`.csv or .xlsx (Content-Disposition with the RFC 5987 name).
Response Download(const std::vector<Sheet>& sheets, ExportFormat format, const std::string& basename);

}  // namespace petitiond::api
