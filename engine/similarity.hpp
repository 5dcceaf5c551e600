#pragma once

#include <string_view>

namespace petitiond {

// How alike two short texts (subjects, headlines) are, from 0 (nothing shared) to 1:
// the Jaccard index of their character bigrams, taken over letters, digits and CJK
// ideographs only (punctuation, spaces and case are ignored). Chinese has no spaces
// between words, so bigrams of characters are the usual unit for this comparison.
double Similarity(std::string_view a, std::string_view b);

// Whether `text` holds any letter, digit or CJK ideograph (punctuation and spaces alone
// are no content).
bool HasLetters(std::string_view text);

}  // namespace petitiond
