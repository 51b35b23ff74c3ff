#pragma once
// Long options for the project's command-line tools (chaos, loadgen):
// "--name value" or "--name=value", looked up in a table of specs whose
// setters return "" or why the value is refused. Header-only, so a tool
// library can use it without linking the rest of testkit.

#include <charconv>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pay::testkit {

template <class Target>
struct option_spec {
  const char* name;  // without the leading "--"
  bool takes_value;
  std::function<std::string(Target&, const std::string&)> set;
};

// A whole number in [min, max], or why not.
inline std::string parse_number(const std::string& text, std::uint64_t min,
                                std::uint64_t max, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                         value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return "not a whole number: '" + text + "'";
  if (value < min || value > max)
    return "out of range [" + std::to_string(min) + ", " + std::to_string(max)
           + "]: " + text;
  return {};
}

// Applies argv[1..] to `target`. Returns "" or the first error; `help` is
// set (and parsing stops) at -h or --help.
template <class Target>
std::string apply_options(int argc, const char* const* argv,
                          const std::vector<option_spec<Target>>& specs,
                          Target& target, bool& help) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      help = true;
      return {};
    }
    if (arg.rfind("--", 0) != 0) return "unexpected argument '" + arg + "'";
    std::string name = arg.substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const option_spec<Target>* spec = nullptr;
    for (const auto& s : specs)
      if (name == s.name) spec = &s;
    if (!spec) return "unknown option --" + name;
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= argc) return "--" + name + " needs a value";
      value = argv[++i];
    } else if (!spec->takes_value && inline_value) {
      return "--" + name + " takes no value";
    }
    if (auto err = spec->set(target, value); !err.empty())
      return "--" + name + ": " + err;
  }
  return {};
}

}  // namespace pay::testkit
