#include "connectors/html.hpp"

#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace petitiond::connectors {
namespace {

bool Skipped(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_TEMPLATE ||
         tag == GUMBO_TAG_NOSCRIPT;
}

bool Block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_BR: case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_TABLE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE: case GUMBO_TAG_HR: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
      return true;
    default:
      return false;
  }
}

bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

class Writer {
 public:
  void Text(const char* text) {
    for (const char* p = text; *p; ++p) {
      if (Space(*p)) {
        pending_space_ = true;
      } else {
        if (pending_space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
        pending_space_ = false;
        out_ += *p;
      }
    }
  }
  void Break() {
    pending_space_ = false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  std::string Take() {
    while (!out_.empty() && (out_.back() == '\n' || out_.back() == ' ')) out_.pop_back();
    return std::move(out_);
  }

 private:
  std::string out_;
  bool pending_space_ = false;
};

bool Letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// gumbo's tree construction checks scope through the stack of open elements, so its
// time grows with nesting depth times element count: 16,000 nested <div>s take
// seconds. Real mail and feeds nest a few dozen deep. Past this depth, estimated
// with one linear pass, the tags are dropped before parsing and the text is kept.
constexpr int kMaxDepth = 500;

// Void elements, and those a sibling closes implicitly (<p>, <li>, <td>, ...), never
// deepen the tree.
bool Shallow(std::string_view name) {
  static constexpr std::string_view kShallow[] = {"area", "base", "br", "col", "embed", "hr", "img", "input",
                                                "link", "meta", "param", "source", "track", "wbr", "p",
                                                "li", "dt", "dd", "tr", "td", "th", "option"};
  for (auto v : kShallow) {
    if (name.size() == v.size() &&
        std::equal(name.begin(), name.end(), v.begin(), [](char a, char b) { return (a | 0x20) == b; })) {
      return true;
    }
  }
  return false;
}

bool TooDeep(std::string_view html) {
  int depth = 0;
  for (std::size_t i = 0; i + 1 < html.size(); ++i) {
    if (html[i] != '<') continue;
    if (html[i + 1] == '/') {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (Letter(html[i + 1])) {
      std::size_t end = i + 1;
      while (end < html.size() && Letter(html[end])) ++end;
      if (!Shallow(html.substr(i + 1, end - i - 1)) && ++depth > kMaxDepth) return true;
    }
  }
  return false;
}

// Every tag removed, up to its '>' (the rest kept when a tag never closes).
std::string WithoutTags(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] == '<' && i + 1 < html.size() && (Letter(html[i + 1]) || html[i + 1] == '/' || html[i + 1] == '!')) {
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) {
        out.append(html.substr(i));
        break;
      }
      out += ' ';
      i = end;
    } else {
      out += html[i];
    }
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view input) {
  std::string flattened;
  std::string_view html = input;
  if (TooDeep(input)) {
    flattened = WithoutTags(input);
    html = flattened;
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 100;  // the error list is never read; do not let it grow with the input
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> doc(
      gumbo_parse_with_options(&options, html.data(), html.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  if (!doc) return "";
  Writer w;
  // Depth-first with an explicit stack: nesting depth cannot exhaust the call stack.
  // A null entry marks the end of an element (where a block ends its line).
  std::vector<const GumboNode*> stack{doc->root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (!n) {
      w.Break();
      continue;
    }
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        w.Text(n->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
      case GUMBO_NODE_DOCUMENT: {
        const GumboVector& children = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
        if (n->type != GUMBO_NODE_DOCUMENT) {
          const GumboTag tag = n->v.element.tag;
          if (Skipped(tag)) break;
          if (Block(tag)) {
            w.Break();
            stack.push_back(nullptr);
          }
        }
        for (unsigned i = children.length; i > 0; --i) {
          stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
        }
        break;
      }
      case GUMBO_NODE_COMMENT:
        break;
    }
  }
  return w.Take();
}

}  // namespace petitiond::connectors
