#include "http/form.hpp"

namespace pay::http {
namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
         || c == '~';
}

// -1 for a character that is not a hex digit.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string url_encode_component(std::string_view text) {
  static constexpr char hex_digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(hex_digits[byte >> 4]);
    out.push_back(hex_digits[byte & 0x0F]);
  }
  return out;
}

std::optional<std::string> url_decode_component(std::string_view text,
                                                bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_as_space) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;  // "%" or "%A" at the end
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>((high << 4) | low));
    i += 2;
  }
  return out;
}

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += url_encode_component(key);
    out.push_back('=');
    out += url_encode_component(value);
  }
  return out;
}

std::optional<form_fields> form_decode(std::string_view body) {
  form_fields fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{}
                                         : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = url_decode_component(pair.substr(0, eq));
    auto value = url_decode_component(
      eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::optional<form_fields> parse_query(std::string_view target) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return form_fields{};
  std::string_view query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  return form_decode(query);
}

std::optional<std::string_view> form_value(const form_fields& fields,
                                           std::string_view key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return std::string_view{value};
  }
  return std::nullopt;
}

}  // namespace pay::http
