// The model options every host shares (--as-of, --utc-offset, --preset, --bgnbd, --gg), the
// cbf::Config they make, and the range checks of every host's numeric options.
#pragma once

#include <cbf/config.hpp>

#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
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

/// A CLI11 transform for an integer option: accepts decimal text (digits, after a '-' for a
/// negative value) of a value within min..max and rewrites it as plain decimal, because CLI11's
/// own conversion reads "010" as octal and saturates or wraps text beyond the type's range. Any
/// other text fails with "TEXT is not an integer in MIN..MAX", after the option's name.
[[nodiscard]] CLI::Validator integer_in(std::int64_t min, std::int64_t max);

/// integer_in for an unsigned 64-bit option.
[[nodiscard]] CLI::Validator unsigned_in(std::uint64_t min, std::uint64_t max);

/// The same for a number by the contract's grammar (§5: digits, a point, an exponent; no "nan",
/// "inf" or hexadecimal) within min..max, rewritten so that CLI11 reads exactly its value.
[[nodiscard]] CLI::Validator number_in(double min, double max);

/// The parameters of `p` that cbf::validate rejects ("r", "alpha", "a", "b"); empty when usable.
[[nodiscard]] std::vector<std::string> unusable_parameters(const cbf::BgNbdParameters& p);

/// The parameters of `p` that cbf::validate rejects ("p", "q", "gamma"); empty when usable.
[[nodiscard]] std::vector<std::string> unusable_parameters(const cbf::GammaGammaParameters& p);

/// What cbf::validate requires of the model parameters, for messages.
inline constexpr const char* model_parameter_rule =
    "each parameter must be within 1e-100..1e100, and BG/NBD's a must not be 1";

/// Registers --as-of, --utc-offset, --preset, --bgnbd and --gg on `app`, stored into `o`.
inline void add_config_options(CLI::App& app, ConfigOptions& o) {
  app.add_option("--as-of", o.as_of, "Observation cutoff (default: latest record stamp)");
  app.add_option("--utc-offset", o.utc_offset,
                 "Shop-local time offset from UTC, in minutes, -1439..1439")
      ->transform(integer_in(-1439, 1439));
  app.add_option("--preset", o.preset, "Parameter preset")
      ->check(CLI::IsMember({"default", "shopify"}));
  app.add_option(
      "--bgnbd", o.bgnbd,
      "Fitted BG/NBD parameters r,alpha,a,b (weeks), each within 1e-100..1e100, a not 1");
  app.add_option("--gg", o.gg,
                 "Fitted Gamma-Gamma parameters p,q,gamma, each within 1e-100..1e100");
}

/// Splits "a,b,c" into exactly `n` finite numbers, or throws HostError naming `option`.
[[nodiscard]] std::vector<double> parse_list(const std::string& text, std::size_t n,
                                             const char* option);

/// The validated configuration of the options; throws HostError (or cbf::InvalidParameter)
/// naming the option at fault.
[[nodiscard]] cbf::Config make_config(const ConfigOptions& o);

}  // namespace cbf::host
