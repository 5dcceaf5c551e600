#include "connectors/connector.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

namespace petitiond::connectors {

Received FromResult(Result<Intake> parsed, std::string channel, std::string source, std::string content_type,
                    std::string raw) {
  if (parsed) return Received{std::move(parsed).ValueOrThrow(), std::nullopt};
  Received r;
  r.intake.channel = std::move(channel);
  r.intake.source = std::move(source);
  r.intake.content_type = std::move(content_type);
  r.intake.raw = std::move(raw);
  r.error = parsed.error();
  return r;
}

Result<std::map<std::string, std::string>> ParseUrlEncoded(const std::string& body) {
  std::string encoded = body;  // HTML forms write spaces as '+'
  for (std::size_t at = encoded.find('+'); at != std::string::npos; at = encoded.find('+', at)) {
    encoded.replace(at, 1, "%20");
  }
  auto params = boost::urls::parse_query(encoded);
  if (!params) return Error{ErrorKind::kInvalid, "the form is not application/x-www-form-urlencoded", {}};
  std::map<std::string, std::string> out;
  for (const auto& p : *params) {
    const boost::urls::decode_view key = *p.key;
    const boost::urls::decode_view value = *p.value;
    out[std::string(key.begin(), key.end())] = std::string(value.begin(), value.end());
  }
  return out;
}

}  // namespace petitiond::connectors
