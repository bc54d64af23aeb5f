#include "common/config_options.hpp"

#include "common/errors.hpp"
#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace cbf::host {
namespace {

template <class Int>
CLI::Validator integer_validator(Int min, Int max) {
  const std::string range = fmt::format("{}..{}", min, max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        Int value{};
        const char* end = text.data() + text.size();
        const auto [stop, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc{} || stop != end || value < min || value > max)
          return fmt::format("{} is not an integer in {}", text, range);
        text = std::to_string(value);
        return {};
      },
      // The help text states the range: CLI11 would show the description after the type too.
      "");
}

/// Whether `params` passes cbf::validate as the model `set` sets it in a default config.
template <class Parameters, class Set>
bool usable(const Parameters& params, Set set) {
  cbf::Config config = cbf::default_config();
  set(config, params);
  try {
    cbf::validate(config);
  } catch (const cbf::InvalidParameter&) {
    return false;
  }
  return true;
}

/// The names of the members of `params` that make it fail cbf::validate: each is tried alone in
/// `valid`, a set that passes, so the rule is the library's own.
template <class Parameters, class Set, std::size_t N>
std::vector<std::string> unusable(
    const Parameters& params, const Parameters& valid, Set set,
    const std::array<std::pair<const char*, double Parameters::*>, N>& members) {
  std::vector<std::string> names;
  for (const auto& [name, member] : members) {
    Parameters one = valid;
    one.*member = params.*member;
    if (!usable(one, set)) names.emplace_back(name);
  }
  return names;
}

}  // namespace

CLI::Validator integer_in(std::int64_t min, std::int64_t max) {
  return integer_validator(min, max);
}

CLI::Validator unsigned_in(std::uint64_t min, std::uint64_t max) {
  return integer_validator(min, max);
}

CLI::Validator number_in(double min, double max) {
  const std::string range = fmt::format("{}..{}", min, max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        const std::optional<double> value = parse_number(text);
        if (!value || !(*value >= min && *value <= max))
          return fmt::format("{} is not a number in {}", text, range);
        // Hexadecimal is exact: CLI11 reads it with strtold, then rounds to double losslessly.
        text = fmt::format("{:a}", *value + 0.0);
        return {};
      },
      "");
}

std::vector<std::string> unusable_parameters(const cbf::BgNbdParameters& p) {
  using P = cbf::BgNbdParameters;
  constexpr std::array<std::pair<const char*, double P::*>, 4> members{
      {{"r", &P::r}, {"alpha", &P::alpha}, {"a", &P::a}, {"b", &P::b}}};
  return unusable(
      p, P{1.0, 1.0, 0.5, 1.0}, [](cbf::Config& c, const P& x) { c.bg_nbd = x; }, members);
}

std::vector<std::string> unusable_parameters(const cbf::GammaGammaParameters& p) {
  using P = cbf::GammaGammaParameters;
  constexpr std::array<std::pair<const char*, double P::*>, 3> members{
      {{"p", &P::p}, {"q", &P::q}, {"gamma", &P::gamma}}};
  // Gamma-Gamma refines the BG/NBD value: validated beside a usable BG/NBD set.
  return unusable(
      p, P{1.0, 1.0, 1.0},
      [](cbf::Config& c, const P& x) {
        c.bg_nbd = cbf::BgNbdParameters{1.0, 1.0, 0.5, 1.0};
        c.gamma_gamma = x;
      },
      members);
}

std::vector<double> parse_list(const std::string& text, std::size_t n, const char* option) {
  std::vector<double> values;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = text.find(',', begin);
    const auto value = parse_number(std::string_view(text).substr(begin, end - begin));
    if (!value || !std::isfinite(*value))
      throw HostError(fmt::format("{}: '{}' is not a list of {} numbers", option, text, n));
    values.push_back(*value);
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  if (values.size() != n)
    throw HostError(
        fmt::format("{}: expected {} comma-separated numbers, got {}", option, n, values.size()));
  return values;
}

cbf::Config make_config(const ConfigOptions& o) {
  cbf::Config config = o.preset == "shopify" ? cbf::shopify_config() : cbf::default_config();
  if (o.as_of) {
    const cbf::TimeField t = parse_timestamp(*o.as_of);
    if (!t.is_valid())
      throw HostError(fmt::format("--as-of: '{}' is not a valid timestamp", *o.as_of));
    config.as_of = t.value();
  }
  config.utc_offset = std::chrono::minutes{o.utc_offset};
  // Each parameter named with the rule, rather than cbf::validate's config.bg_nbd.
  const auto check = [](const char* option, const std::string& text,
                        const std::vector<std::string>& bad) {
    if (!bad.empty())
      throw HostError(fmt::format("{}: '{}' has unusable {}: {}", option, text,
                                  fmt::join(bad, ", "), model_parameter_rule));
  };
  if (o.bgnbd) {
    const auto v = parse_list(*o.bgnbd, 4, "--bgnbd");
    config.bg_nbd = cbf::BgNbdParameters{v[0], v[1], v[2], v[3]};
    check("--bgnbd", *o.bgnbd, unusable_parameters(*config.bg_nbd));
  }
  if (o.gg && !o.bgnbd)
    throw HostError("--gg refines the BG/NBD lifetime value: pass --bgnbd as well");
  if (o.gg) {
    const auto v = parse_list(*o.gg, 3, "--gg");
    config.gamma_gamma = cbf::GammaGammaParameters{v[0], v[1], v[2]};
    check("--gg", *o.gg, unusable_parameters(*config.gamma_gamma));
  }
  cbf::validate(config);
  return config;
}

}  // namespace cbf::host
