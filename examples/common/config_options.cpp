#include "common/config_options.hpp"

#include "common/errors.hpp"
#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <string_view>

namespace cbf::host {

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
  if (o.bgnbd) {
    const auto v = parse_list(*o.bgnbd, 4, "--bgnbd");
    config.bg_nbd = cbf::BgNbdParameters{v[0], v[1], v[2], v[3]};
  }
  if (o.gg && !o.bgnbd)
    throw HostError("--gg refines the BG/NBD lifetime value: pass --bgnbd as well");
  if (o.gg) {
    const auto v = parse_list(*o.gg, 3, "--gg");
    config.gamma_gamma = cbf::GammaGammaParameters{v[0], v[1], v[2]};
  }
  cbf::validate(config);
  return config;
}

}  // namespace cbf::host
