#include "api/export.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace petitiond::api {

Cell Num(std::optional<double> v) {
  if (!v) return std::monostate{};
  return *v;
}

namespace {

std::string NumberText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string CsvField(const Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return "";
  if (const double* d = std::get_if<double>(&c)) return NumberText(*d);
  std::string text = std::get<std::string>(c);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos) text = "'" + text;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void CsvLine(std::string& out, const std::vector<Cell>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += CsvField(cells[i]);
  }
  out += "\r\n";
}

// A workbook written to a private temporary file, read back and removed.
class TempPath {
 public:
  TempPath() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir && *dir ? dir : "/tmp") + "/petitiond-export-XXXXXX";
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the XLSX export");
    ::close(fd);
  }
  ~TempPath() { std::remove(path_.c_str()); }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void Check(lxw_error e, const char* what) {
  if (e != LXW_NO_ERROR) throw std::runtime_error(std::string(what) + ": " + lxw_strerror(e));
}

}  // namespace

std::string ToCsv(const Sheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  std::vector<Cell> header(sheet.header.begin(), sheet.header.end());
  CsvLine(out, header);
  for (const auto& row : sheet.rows) CsvLine(out, row);
  return out;
}

std::string ToXlsx(const std::vector<Sheet>& sheets) {
  TempPath file;
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = nullptr;
  lxw_workbook* wb = workbook_new_opt(file.path().c_str(), &options);
  if (!wb) throw std::runtime_error("libxlsxwriter could not start a workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const auto& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
    if (!ws) {
      workbook_close(wb);
      throw std::runtime_error("libxlsxwriter refused the sheet name " + sheet.name);
    }
    for (std::size_t c = 0; c < sheet.header.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), bold);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 14, nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Cell& cell = sheet.rows[r][c];
        if (const double* d = std::get_if<double>(&cell)) {
          worksheet_write_number(ws, row, col, *d, nullptr);
        } else if (const std::string* s = std::get_if<std::string>(&cell)) {
          // write_string: never a formula, whatever the text starts with.
          worksheet_write_string(ws, row, col, s->c_str(), nullptr);
        }
      }
    }
  }
  Check(workbook_close(wb), "libxlsxwriter could not write the workbook");
  std::ifstream in(file.path(), std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Response Download(const std::vector<Sheet>& sheets, ExportFormat format, const std::string& basename) {
  Response r;
  r.status = 200;
  std::string ext;
  if (format == ExportFormat::kCsv) {
    r.content_type = "text/csv; charset=utf-8";
    r.body = ToCsv(sheets.at(0));
    ext = ".csv";
  } else {
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.body = ToXlsx(sheets);
    ext = ".xlsx";
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + basename + ext + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace petitiond::api
