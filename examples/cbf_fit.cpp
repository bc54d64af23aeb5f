// cbf-fit: fits BG/NBD and Gamma-Gamma by maximum likelihood, from a summary CSV (x,t_x,T[,zbar]
// or lifetimes' frequency,recency,T[,monetary_value]) or from the four input tables of a directory,
// and prints the parameters for `cbf-features --bgnbd r,alpha,a,b --gg p,q,gamma`.
#include "common/config_options.hpp"
#include "common/csv_reader.hpp"
#include "common/errors.hpp"
#include "common/number.hpp"
#include "common/progress.hpp"
#include "common/tables.hpp"
#include "common/timestamp.hpp"

#include <cbf/cbf.hpp>
#include <cbf/models/fit.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace {

using cbf::host::HostError;

/// Exit code when a fit did not converge (the parameters are still printed, except as cli options
/// that cbf-features would reject), or gave such parameters.
constexpr int kNotConverged = 3;

struct Options {
  std::optional<std::string> dir;
  std::optional<std::string> summary;
  std::optional<std::string> as_of;
  std::optional<double> unit_days;
  double penalizer = 0.0;
  std::string format = "lines";
  bool quiet = false;
};

/// The population's summaries and whether they carry a spend (m) for Gamma-Gamma.
struct Population {
  std::vector<cbf::models::Summary> summaries;
  bool has_spend = false;
  /// Gamma-Gamma's (x, m) pairs count every order (x = |P|) in DIR mode, matching the contract's
  /// E[M] (§4.14) that cbf-features predicts with; a summary CSV's pairs are taken as given.
  bool spend_counts_all_orders = false;
};

// ---- summary CSV ---------------------------------------------------------------------------

/// 1-based field number of `name` in the header (first match, as the reader selects), 0 if absent.
std::size_t position(const std::vector<std::string>& names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i + 1;
  return 0;
}

/// Reads a summary CSV: x,t_x,T[,zbar] or frequency,recency,T[,monetary_value], in the model's
/// time unit; other columns are ignored. Every value must be a finite non-negative number and
/// t_x ≤ T; the spend may be blank for a customer without repeat purchases.
Population read_summary_csv(const std::string& file) {
  // The header alone first, so that errors can name a value's field number in the file.
  const std::vector<std::string> names = cbf::host::read_csv_header(file);
  using Columns = std::array<std::string_view, 4>;
  constexpr Columns paper{"x", "t_x", "T", "zbar"};
  constexpr Columns lifetimes{"frequency", "recency", "T", "monetary_value"};
  const auto has_set = [&](const Columns& c) {
    return position(names, c[0]) != 0 && position(names, c[1]) != 0 && position(names, c[2]) != 0;
  };
  const Columns* chosen = has_set(paper) ? &paper : has_set(lifetimes) ? &lifetimes : nullptr;
  if (chosen == nullptr)
    throw cbf::host::CsvError(file, 0, 0,
                              "header lacks the columns x,t_x,T[,zbar] or "
                              "frequency,recency,T[,monetary_value]");
  const Columns& columns = *chosen;
  std::array<std::size_t, 4> at{};
  for (std::size_t i = 0; i < 4; ++i) at[i] = position(names, columns[i]);
  Population population;
  population.has_spend = at[3] != 0;
  const std::size_t used = population.has_spend ? 4 : 3;

  cbf::host::read_csv(
      file, std::span<const std::string_view>(columns.data(), used),
      [&](std::span<const std::string_view> fields, std::size_t line) {
        std::array<double, 4> v{};
        for (std::size_t i = 0; i < used; ++i) {
          const auto error = [&](const std::string& message) {
            return cbf::host::CsvError(file, line, at[i], message);
          };
          const std::optional<double> value = cbf::host::parse_number(fields[i]);
          if (!value) {
            // Without repeat purchases there is no mean repeat spend to give.
            if (i == 3 && v[0] == 0) continue;
            throw error(fmt::format("empty value in column '{}'", columns[i]));
          }
          if (std::isnan(*value))
            throw error(fmt::format("'{}' in column '{}' is not a number", fields[i], columns[i]));
          if (!std::isfinite(*value))
            throw error(fmt::format("'{}' in column '{}' is not finite", fields[i], columns[i]));
          if (*value < 0)
            throw error(fmt::format("'{}' in column '{}' is negative", fields[i], columns[i]));
          v[i] = *value + 0.0;  // -0 → 0
        }
        if (v[1] > v[2])
          throw cbf::host::CsvError(
              file, line, at[1],
              fmt::format("{} = {} exceeds {} = {}", columns[1], v[1], columns[2], v[2]));
        population.summaries.push_back(cbf::models::Summary{v[0], v[1], v[2], v[3], 1.0});
      });
  return population;
}

// ---- input tables --------------------------------------------------------------------------

cbf::Config make_config(const Options& o) {
  cbf::Config config = cbf::default_config();
  if (o.as_of) {
    const cbf::TimeField t = cbf::host::parse_timestamp(*o.as_of);
    if (!t.is_valid())
      throw HostError(fmt::format("--as-of: '{}' is not a valid timestamp", *o.as_of));
    config.as_of = t.value();
  }
  if (o.unit_days) {
    // A model time unit from a microsecond to about 100,000 years.
    const double micros = *o.unit_days * 86400e6;
    if (!std::isfinite(micros) || micros < 1 || micros > 3e18)
      throw HostError(
          fmt::format("--unit-days: {} is not a positive number of days", *o.unit_days));
    config.model_time_unit = cbf::Duration{std::llround(micros)};
  }
  cbf::validate(config);
  return config;
}

// ---- output --------------------------------------------------------------------------------

/// Prints the fit as `name = value` lines (or as cbf-features options); returns the exit code.
int report(const Options& o, const Population& population) {
  cbf::models::FitOptions fit;
  fit.penalizer = o.penalizer;
  const auto bg = cbf::models::fit_bg_nbd(population.summaries, fit);
  std::optional<cbf::models::FitResult<cbf::GammaGammaParameters>> gg;
  if (population.has_spend) {
    std::vector<cbf::models::Summary> spend = population.summaries;
    if (population.spend_counts_all_orders)
      for (cbf::models::Summary& s : spend) s.x += 1;
    gg = cbf::models::fit_gamma_gamma(spend, fit);
  }
  const bool converged = bg.converged && (!gg || gg->converged);

  std::string out;
  const auto& b = bg.parameters;
  if (o.format == "cli") {
    // Options that cbf-features would reject are not printed (exit code 3): an error says why.
    std::vector<std::string> unusable;
    const auto note = [&](std::string_view model, const std::vector<std::string>& names,
                          const std::map<std::string, double>& values) {
      std::vector<std::string> items;
      for (const std::string& name : names)
        items.push_back(fmt::format("{} = {}", name, values.at(name)));
      if (!items.empty()) unusable.push_back(fmt::format("{} {}", model, fmt::join(items, ", ")));
    };
    note("BG/NBD", cbf::host::unusable_parameters(b),
         {{"r", b.r}, {"alpha", b.alpha}, {"a", b.a}, {"b", b.b}});
    if (gg) {
      const auto& g = gg->parameters;
      note("Gamma-Gamma", cbf::host::unusable_parameters(g),
           {{"p", g.p}, {"q", g.q}, {"gamma", g.gamma}});
    }
    if (!unusable.empty()) {
      fmt::print(stderr,
                 "cbf-fit: error: the fit {}gave parameters that cbf-features rejects: {} ({}); "
                 "no options printed\n",
                 converged ? "" : "did not converge and ", fmt::join(unusable, "; "),
                 cbf::host::model_parameter_rule);
      return kNotConverged;
    }
    out += fmt::format("--bgnbd {},{},{},{}\n", b.r, b.alpha, b.a, b.b);
    if (gg) {
      const auto& g = gg->parameters;
      out += fmt::format("--gg {},{},{}\n", g.p, g.q, g.gamma);
    }
    if (!o.quiet) {
      if (!bg.converged) fmt::print(stderr, "cbf-fit: warning: the BG/NBD fit did not converge\n");
      if (gg && !gg->converged)
        fmt::print(stderr, "cbf-fit: warning: the Gamma-Gamma fit did not converge\n");
    }
  } else {
    out += fmt::format("customers = {}\n", population.summaries.size());
    out += fmt::format("r = {}\nalpha = {}\na = {}\nb = {}\nlog_likelihood = {}\n", b.r, b.alpha,
                       b.a, b.b, bg.log_likelihood);
    if (!bg.converged) out += "bg_nbd_converged = false\n";
    if (gg) {
      const auto& g = gg->parameters;
      out += fmt::format("p = {}\nq = {}\ngamma = {}\ngg_log_likelihood = {}\n", g.p, g.q, g.gamma,
                         gg->log_likelihood);
      if (!gg->converged) out += "gamma_gamma_converged = false\n";
    }
  }
  std::cout << out;
  std::cout.flush();
  if (!std::cout) throw HostError("standard output: write failed");
  return converged ? 0 : kNotConverged;
}

int run(const Options& o) {
  cbf::host::Progress progress("cbf-fit", o.quiet);
  Population population;
  if (o.summary) {
    if (o.dir) throw HostError("pass either DIR or --summary FILE, not both");
    if (o.as_of || o.unit_days)
      throw HostError("--as-of and --unit-days apply to DIR; a summary file is already summarised");
    population = read_summary_csv(*o.summary);
    progress.done(
        "read", fmt::format("read {} summaries from {}", population.summaries.size(), *o.summary));
  } else {
    if (!o.dir) throw HostError("pass DIR or --summary FILE");
    const cbf::Config config = make_config(o);
    if (!std::filesystem::is_directory(*o.dir))
      throw HostError(fmt::format("{}: not a directory", *o.dir));
    const cbf::host::Tables tables = cbf::host::read_tables(*o.dir);
    cbf::host::print_warnings("cbf-fit", tables.warnings, o.quiet);
    progress.done("read", fmt::format("read {} records from {}", tables.record_count(), *o.dir));
    population.summaries = cbf::model_summaries(tables.customers, tables.interactions,
                                                tables.sessions, tables.attributions, config);
    population.has_spend = true;
    population.spend_counts_all_orders = true;
    progress.done("summarise",
                  fmt::format("summarised {} customers with orders", population.summaries.size()));
  }
  if (population.summaries.empty())
    throw HostError(o.summary ? fmt::format("{}: no customer rows to fit", *o.summary)
                              : fmt::format("{}: no customer has an order to fit", *o.dir));
  const int code = report(o, population);
  progress.done("fit", "fitted");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "Fits BG/NBD and Gamma-Gamma by maximum likelihood, for cbf-features --bgnbd and --gg.",
      "cbf-fit"};
  app.add_option("DIR", o.dir,
                 "Directory with the four input tables (customers.csv, user_interactions.csv, "
                 "user_sessions.csv, purchase_attributions.csv)");
  app.add_option("--summary", o.summary,
                 "Summary CSV with columns x,t_x,T[,zbar] or frequency,recency,T[,monetary_value]");
  app.add_option("--as-of", o.as_of, "DIR: observation cutoff (default: latest record stamp)");
  app.add_option("--unit-days", o.unit_days,
                 "DIR: the model time unit in days, 1e-06..1e+06 (default: 7)")
      ->transform(cbf::host::number_in(1e-6, 1e6));
  app.add_option("--penalizer", o.penalizer, "L2 penalty on the parameters, 0..1e+06 (default: 0)")
      ->transform(cbf::host::number_in(0, 1e6));
  app.add_option("--format", o.format,
                 "lines: one 'name = value' line each; cli: options for cbf-features")
      ->check(CLI::IsMember({"lines", "cli"}));
  app.add_flag("--quiet,-q", o.quiet, "No progress messages on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cbf::host::report_errors("cbf-fit", [&] { return run(o); });
}
