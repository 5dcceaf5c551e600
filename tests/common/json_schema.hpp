#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace petitiond::testing_support {

// Checks `value` against a JSON Schema (the subset api/schemas.cpp uses: $ref into
// components, allOf, type (one or a list), const, enum, properties, required, items,
// additionalProperties). Returns one message per violation, each with its JSON path;
// an unsupported keyword is itself reported, so a schema cannot pass by being ignored.
std::vector<std::string> CheckSchema(const boost::json::value& schema, const boost::json::value& value,
                                     const boost::json::object& components);

}  // namespace petitiond::testing_support
