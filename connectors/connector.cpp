#include "connectors/connector.hpp"

namespace petitiond::connectors {

Received FromResult(Result<Intake> parsed, std::string channel, std::string source, std::string content_type,
                    std::string raw) {
  if (parsed) return Received{std::move(parsed).ValueOrThrow(), std::nullopt};
  Received r;
  r.intake.channel = std::move(channel);
  r.intake.source = std::move(source);
  r.intake.content_type = std::move(content_type);
  r.intake.raw = std::move(raw);
  std::string why = parsed.error().message;
  for (const auto& d : parsed.error().details) why += "; " + d;
  r.error = std::move(why);
  return r;
}

}  // namespace petitiond::connectors
