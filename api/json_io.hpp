#pragma once

// Request parsing and response building shared by the handler files. Every parse
// failure throws DomainError(kInvalid) naming the field, which api/problem.cpp turns
// into a 400 problem+json.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"
#include "api/route.hpp"
#include "engine/error.hpp"
#include "engine/intake.hpp"

namespace petitiond::runtime {
class IntakeService;
struct IntakeResult;
struct ChannelPolicy;
}

namespace petitiond::api {

inline constexpr int kMaxPageSize = 200;

// `v` as JSON text with integral numbers written as integers and other numbers in
// plain decimal form (not Boost.JSON's "0E0"); every JSON answer goes through it.
std::string TidyJson(const boost::json::value& v);
Response Json(int status, const boost::json::value& v);

[[noreturn]] void Invalid(const std::string& message, std::vector<std::string> details = {});

// The body as a JSON object; kInvalid if it is not one.
boost::json::object ParseObject(const std::string& body);

// Optional string field; a present field of another type adds to `errors`.
std::optional<std::string> OptString(const boost::json::object& o, const char* key, std::vector<std::string>& errors);
// Required non-empty string field; a missing or empty one adds "KEY is required".
std::string ReqString(const boost::json::object& o, const char* key, std::vector<std::string>& errors);
// Adds "KEY is not a field of this request" for every key of `o` not in `known`.
void RefuseUnknown(const boost::json::object& o, std::initializer_list<const char*> known,
                   std::vector<std::string>& errors);

// A positive decimal id ("7"); nullopt for anything else.
std::optional<std::int64_t> ParseId(std::string_view s);
// The path parameter {name} as an id; kNotFound if it is not one.
std::int64_t PathId(const Context& ctx, const std::string& name, std::string_view what);

// A non-empty query parameter.
std::optional<std::string> QueryValue(const Request& r, const char* key);
// ?cursor= as the id it encodes; kInvalid if malformed.
std::optional<std::int64_t> Cursor(const Request& r);
// ?limit= within 1..kMaxPageSize, default `fallback`.
int Limit(const Request& r, int fallback = 50);

// A page of a list ordered by id, newest first: {items, next}. `next` is the id of the
// last row shown when the page is full (more may follow), else null; `shown` rows.
Response IdPage(boost::json::array items, std::size_t shown, int limit, std::int64_t last_id);
// The ?limit= and ?cursor= every such list takes, for its route's `query`.
QueryParam LimitParam();
QueryParam CursorParam();

// Values built into `sp` (a list page builds its whole tree in one monotonic resource).
boost::json::value OptJson(const std::optional<std::string>& s, boost::json::storage_ptr sp = {});
// An event body's `data`: flat strings (numbers and booleans as their JSON text); each
// bad value is added to `errors`.
std::map<std::string, std::string> EventData(const boost::json::object& o, std::vector<std::string>& errors);
// A flat JSON object of strings stored as text; {} if it does not parse.
boost::json::value StoredJson(const std::string& text);
// A petitioner as the API shows it: the parts it has.
boost::json::object PetitionerJson(const Petitioner& p, boost::json::storage_ptr sp = {});

// A pushed input (staff form, webhook, web form) through the intake's one door; one it
// refuses is stored as rejected there and answers with its problem (the parser's
// errors, or the pipeline's). Defined in api/intake.cpp.
runtime::IntakeResult TakeOrRefuse(runtime::IntakeService& intake, const Received& in,
                                   const runtime::ChannelPolicy& policy);

// {id, status, reason, possible_duplicates} of one input. Defined in api/intake.cpp.
boost::json::object IntakeJson(const runtime::IntakeResult& r);

}  // namespace petitiond::api
