#include "domain/reconcile/settlement_csv.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <map>

#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"

namespace pay::domain {

// Declared in settlement_line.hpp; the CSV is the only place the names
// appear on a wire.
std::string_view to_string(settlement_type t) {
  switch (t) {
    case settlement_type::charge:
      return "charge";
    case settlement_type::refund:
      return "refund";
    case settlement_type::payout:
      return "payout";
    case settlement_type::fee:
      return "fee";
  }
  return "unknown";
}

bool parse_settlement_type(std::string_view text, settlement_type& out) {
  if (text == "charge") {
    out = settlement_type::charge;
    return true;
  }
  if (text == "refund") {
    out = settlement_type::refund;
    return true;
  }
  if (text == "payout") {
    out = settlement_type::payout;
    return true;
  }
  if (text == "fee") {
    out = settlement_type::fee;
    return true;
  }
  return false;
}

namespace {

constexpr std::size_t columns = 8;
// A settlement line rarely exceeds this; only a reserve() hint.
constexpr std::size_t line_chars_typical = 96;

// Only the exponent matters for formatting; a code outside the table (a
// file written from an intent in an exotic currency) gets two decimals.
currency_info currency_or_default(std::string_view code) {
  if (const auto found = find_currency(code)) return *found;
  return currency_info{"", 2};
}

bool needs_quotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void append_field(std::string& out, std::string_view field) {
  if (!needs_quotes(field)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_amounts(std::string& out, std::int64_t gross, std::int64_t fee,
                    std::int64_t net, const currency_info& currency) {
  out.append(format_minor(gross, currency)).push_back(',');
  out.append(format_minor(fee, currency)).push_back(',');
  out.append(format_minor(net, currency)).push_back(',');
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// [-]digits, with '.' and exactly `exponent` decimals when exponent > 0.
bool parse_signed_amount(std::string_view text, std::uint8_t exponent,
                         std::int64_t& out) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  std::string_view whole = text;
  std::string_view fraction;
  if (exponent > 0) {
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos) return false;
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
    if (fraction.size() != exponent || !all_digits(fraction)) return false;
  }
  if (!all_digits(whole)) return false;
  constexpr std::uint64_t limit = std::numeric_limits<std::int64_t>::max();
  std::uint64_t value = 0;
  for (const std::string_view part : {whole, fraction}) {
    for (const char c : part) {
      const auto digit = static_cast<std::uint64_t>(c - '0');
      if (value > (limit - digit) / 10) return false;
      value = value * 10 + digit;
    }
  }
  const auto magnitude = static_cast<std::int64_t>(value);
  out = negative ? -magnitude : magnitude;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30,
                                            31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// Splits RFC 4180 records off the text one at a time. Unquoted fields are
// views into the text; a quoted field is unescaped into a per-column
// scratch string whose capacity is reused from record to record.
class record_reader {
 public:
  record_reader(std::string_view text, std::size_t pos, std::uint32_t line)
      : text_(text), pos_(pos), line_(line) {}

  bool at_end() const { return pos_ >= text_.size(); }
  std::uint32_t line() const { return line_; }

  // Reads the next record; false with `error` set when it is malformed.
  // `count` may exceed `columns` (the extra fields are not kept).
  bool next(std::array<std::string_view, columns>& fields, std::size_t& count,
            std::string& error) {
    count = 0;
    for (;;) {
      std::string_view field;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        if (!read_quoted(count, field, error)) return false;
      } else {
        const std::size_t end = text_.find_first_of(",\n", pos_);
        const std::size_t stop = end == std::string_view::npos ? text_.size()
                                                               : end;
        field = text_.substr(pos_, stop - pos_);
        if (!field.empty() && field.back() == '\r' && stop < text_.size()
            && text_[stop] == '\n') {
          field.remove_suffix(1);
        }
        if (field.find('"') != std::string_view::npos) {
          error = "a quote inside an unquoted field";
          return false;
        }
        pos_ = stop;
      }
      if (count < columns) fields[count] = field;
      ++count;
      if (pos_ >= text_.size()) return true;
      const char separator = text_[pos_++];
      if (separator == '\n') {
        ++line_;
        return true;
      }
    }
  }

 private:
  bool read_quoted(std::size_t column, std::string_view& field,
                   std::string& error) {
    std::string& out = scratch_[std::min(column, columns - 1)];
    out.clear();
    ++pos_;  // the opening quote
    for (;;) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        error = "a quoted field is not closed";
        return false;
      }
      const std::string_view chunk = text_.substr(pos_, quote - pos_);
      line_ += static_cast<std::uint32_t>(
        std::count(chunk.begin(), chunk.end(), '\n'));
      out.append(chunk);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        out.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ + 1 < text_.size() && text_[pos_] == '\r'
        && text_[pos_ + 1] == '\n') {
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') {
      error = "text after a closing quote";
      return false;
    }
    field = out;
    return true;
  }

  std::string_view text_;
  std::size_t pos_;
  std::uint32_t line_;
  std::array<std::string, columns> scratch_;
};

struct amounts {
  std::int64_t gross = 0;
  std::int64_t fee = 0;
  std::int64_t net = 0;
};

// Columns 3..7 (gross, fee, net, currency, settled_date) shared by data and
// TOTAL rows; an empty string means they are fine.
std::string check_amounts(const std::array<std::string_view, columns>& f,
                          amounts& out) {
  const auto currency = find_currency(f[6]);
  if (!currency) return "unknown currency '" + std::string(f[6]) + "'";
  const char* names[] = {"gross", "fee", "net"};
  std::int64_t* targets[] = {&out.gross, &out.fee, &out.net};
  for (std::size_t i = 0; i < 3; ++i) {
    if (!parse_signed_amount(f[3 + i], currency->exponent, *targets[i])) {
      return std::string("bad ") + names[i] + " amount '"
             + std::string(f[3 + i]) + "' for " + std::string(f[6]);
    }
  }
  std::int64_t expected_net = 0;
  if (__builtin_sub_overflow(out.gross, out.fee, &expected_net)
      || expected_net != out.net) {
    return "net is not gross - fee";
  }
  if (!is_settlement_date(f[7])) {
    return "bad settled_date '" + std::string(f[7]) + "'";
  }
  return {};
}

settlement_parse_result failed(std::string error, std::uint32_t line) {
  settlement_parse_result out;
  out.error = std::move(error);
  out.error_line = line;
  return out;
}

}  // namespace

bool is_settlement_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  const std::string_view y = text.substr(0, 4);
  const std::string_view m = text.substr(5, 2);
  const std::string_view d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return false;
  const int year = (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10
                   + (y[3] - '0');
  const int month = (m[0] - '0') * 10 + (m[1] - '0');
  const int day = (d[0] - '0') * 10 + (d[1] - '0');
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false;
  return day <= days_in_month(year, month);
}

std::vector<settlement_total> settlement_totals_of(
  const std::vector<settlement_line>& lines) {
  std::map<std::string_view, settlement_total> by_currency;
  for (const settlement_line& line : lines) {
    settlement_total& total = by_currency[line.currency];
    total.currency = line.currency;
    total.gross_minor += line.gross_minor;
    total.fee_minor += line.fee_minor;
    total.net_minor += line.net_minor;
  }
  std::vector<settlement_total> out;
  out.reserve(by_currency.size());
  for (auto& entry : by_currency) out.push_back(std::move(entry.second));
  return out;
}

std::string format_settlement_csv(const settlement_file& file) {
  std::string out;
  out.reserve(settlement_csv_header.size() + 1
              + (file.lines.size() + file.totals.size()) * line_chars_typical);
  out.append(settlement_csv_header).push_back('\n');
  for (const settlement_line& line : file.lines) {
    append_field(out, line.psp_reference);
    out.push_back(',');
    append_field(out, line.idempotency_key);
    out.push_back(',');
    out.append(to_string(line.type)).push_back(',');
    append_amounts(out, line.gross_minor, line.fee_minor, line.net_minor,
                   currency_or_default(line.currency));
    append_field(out, line.currency);
    out.push_back(',');
    append_field(out, line.settled_date);
    out.push_back('\n');
  }
  for (const settlement_total& total : file.totals) {
    out.append(settlement_total_reference).append(",,");
    out.append(settlement_total_type).push_back(',');
    append_amounts(out, total.gross_minor, total.fee_minor, total.net_minor,
                   currency_or_default(total.currency));
    append_field(out, total.currency);
    out.push_back(',');
    append_field(out, file.date);
    out.push_back('\n');
  }
  return out;
}

settlement_parse_result parse_settlement_csv(std::string_view text) {
  const std::size_t header_end = text.find('\n');
  std::string_view header = text.substr(0, header_end);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  if (header != settlement_csv_header) {
    return failed(
      "the header is not '" + std::string(settlement_csv_header) + "'", 1);
  }
  settlement_parse_result result;
  settlement_file& file = result.file;
  if (header_end == std::string_view::npos) return result;
  record_reader reader(text, header_end + 1, 2);
  std::array<std::string_view, columns> fields;
  std::string error;
  // Currencies with lines; totals seen (a small map: a file has few currencies).
  std::map<std::string, bool, std::less<>> has_lines;
  std::map<std::string, bool, std::less<>> has_total;
  // One pass of memchr is cheaper than growing (and moving) the vector.
  file.lines.reserve(
    static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  while (!reader.at_end()) {
    const std::uint32_t line_no = reader.line();
    std::size_t count = 0;
    if (!reader.next(fields, count, error)) return failed(error, line_no);
    if (count != columns) {
      return failed("expected 8 fields, found " + std::to_string(count),
                    line_no);
    }
    amounts a;
    const bool total_row = fields[0] == settlement_total_reference
                           && fields[2] == settlement_total_type;
    if (!total_row) {
      settlement_type type{};
      if (!parse_settlement_type(fields[2], type)) {
        return failed("unknown type '" + std::string(fields[2]) + "'", line_no);
      }
      if (!file.totals.empty())
        return failed("a line after the TOTAL rows", line_no);
      if (std::string e = check_amounts(fields, a); !e.empty()) {
        return failed(std::move(e), line_no);
      }
      settlement_line& line = file.lines.emplace_back();
      line.line_no = static_cast<std::uint32_t>(file.lines.size());
      line.psp_reference = std::string(fields[0]);
      line.idempotency_key = std::string(fields[1]);
      line.type = type;
      line.gross_minor = a.gross;
      line.fee_minor = a.fee;
      line.net_minor = a.net;
      line.currency = std::string(fields[6]);
      line.settled_date = std::string(fields[7]);
      if (file.date.empty()) file.date = line.settled_date;
      if (auto it = has_lines.find(fields[6]); it == has_lines.end()) {
        has_lines.emplace(std::string(fields[6]), true);
      }
      continue;
    }
    if (std::string e = check_amounts(fields, a); !e.empty()) {
      return failed(std::move(e), line_no);
    }
    if (!has_total.emplace(std::string(fields[6]), true).second) {
      return failed("a second TOTAL row for " + std::string(fields[6]),
                    line_no);
    }
    if (file.totals.empty()) file.date = std::string(fields[7]);
    file.totals.push_back({std::string(fields[6]), a.gross, a.fee, a.net});
  }
  for (const auto& entry : has_lines) {
    if (has_total.count(entry.first) == 0) {
      return failed("no TOTAL row for " + entry.first, reader.line());
    }
  }
  return result;
}

}  // namespace pay::domain
