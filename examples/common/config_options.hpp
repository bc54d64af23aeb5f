// The model options every host shares (--as-of, --utc-offset, --preset, --bgnbd, --gg) and the
// cbf::Config they make.
#pragma once

#include <cbf/config.hpp>

#include <CLI/CLI.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cbf::host {

/// The shared model options as given on the command line.
struct ConfigOptions {
  std::optional<std::string> as_of;
  int utc_offset = 0;
  std::string preset = "default";
  std::optional<std::string> bgnbd;
  std::optional<std::string> gg;
};

/// Registers --as-of, --utc-offset, --preset, --bgnbd and --gg on `app`, stored into `o`.
inline void add_config_options(CLI::App& app, ConfigOptions& o) {
  app.add_option("--as-of", o.as_of, "Observation cutoff (default: latest record stamp)");
  app.add_option("--utc-offset", o.utc_offset, "Shop-local time offset from UTC, in minutes")
      ->check(CLI::Range(-1439, 1439));
  app.add_option("--preset", o.preset, "Parameter preset")
      ->check(CLI::IsMember({"default", "shopify"}));
  app.add_option("--bgnbd", o.bgnbd, "Fitted BG/NBD parameters r,alpha,a,b (weeks)");
  app.add_option("--gg", o.gg, "Fitted Gamma-Gamma parameters p,q,gamma");
}

/// Splits "a,b,c" into exactly `n` finite numbers, or throws HostError naming `option`.
[[nodiscard]] std::vector<double> parse_list(const std::string& text, std::size_t n,
                                             const char* option);

/// The validated configuration of the options; throws HostError (or cbf::InvalidParameter)
/// naming the option at fault.
[[nodiscard]] cbf::Config make_config(const ConfigOptions& o);

}  // namespace cbf::host
