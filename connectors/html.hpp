#pragma once

#include <string>
#include <string_view>

namespace petitiond::connectors {

// The text a reader sees in an HTML fragment or document (HTML-only mail, feed
// descriptions): parsed by gumbo, the HTML5 parsing algorithm browsers use, so any
// input, however broken, ends in linear time. Scripts, styles and the head are
// dropped; block elements and <br> start a new line; runs of white space inside a
// line collapse to one space, as a browser renders them; entities are decoded.
std::string HtmlToText(std::string_view html);

}  // namespace petitiond::connectors
