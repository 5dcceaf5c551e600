#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.hpp"
#include "engine/error.hpp"
#include "engine/intake.hpp"
#include "engine/time.hpp"

namespace petitiond::connectors::hotline {

// The county 1999 platform's dispatch webhook (issue #4 contract): headers
// How far X-Timestamp may be from the server's clock, either way.
inline constexpr std::chrono::seconds kSignatureWindow{300};

// `X-Timestamp: <unix seconds>` and `X-Signature: sha256=<hex HMAC-SHA256 of
// "<timestamp>.<body>">`. Returns the reason to refuse it (bad signature, clock skew
// over 5 minutes), or nullopt when it is genuine (engine/digest.hpp WebhookSignature).
// Compares in constant time.
std::optional<std::string> VerifySignature(std::string_view secret, std::string_view timestamp,
                                           std::string_view signature, std::string_view body, Timestamp now);

// Body {case_id, service_name, subject, description, district, address,
// petitioner: {name, phone, email}, created_at}. kInvalid names each bad field.
Result<Intake> ParseWebhook(const std::string& body);

// One row of a 1999 open-data batch file: its Intake, or its text and why it was refused.
struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  Received input;
};

// A 1999 open-data CSV file (UTF-8, optional BOM, RFC 4180 quoting) with a header of
// case_id, status, district, service_name, subject, agency, description, address,
// lat, long, created_at, updated_at (or the Chinese names 案件編號, 案件狀態, 行政區,
// 服務名稱, 主旨, 受理單位, 描述, 地址, 緯度, 經度, 建立時間, 更新時間). Every row is
// returned; a bad row carries its error. kInvalid if the header lacks a column.
Result<std::vector<CsvRow>> ReadCsv(std::string_view text, std::string_view file_name);

}  // namespace petitiond::connectors::hotline
