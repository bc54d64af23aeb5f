// cbf._cbf: the compiled half of the Python package. cbf/_frames.py prepares pandas columns; this
// converts them (convert.cpp), runs cbf::compute_batch without the GIL, and returns the result
// column by column for cbf/_frames.py to make a DataFrame of.
#include "columns.hpp"
#include "convert.hpp"

#include "common/timestamp.hpp"

#include <cbf/batch.hpp>
#include <cbf/config.hpp>
#include <cbf/context.hpp>
#include <cbf/features.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace py = pybind11;

namespace cbf::python {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The configuration of the Python arguments (the command line's, contract §5 Options).
cbf::Config make_config(std::optional<std::int64_t> as_of_us, int utc_offset,
                        const std::string& preset, std::optional<std::vector<double>> bgnbd,
                        std::optional<std::vector<double>> gg) {
  if (preset != "default" && preset != "shopify")
    throw py::value_error("cbf: preset must be 'default' or 'shopify', not '" + preset + "'");
  cbf::Config config = preset == "shopify" ? cbf::shopify_config() : cbf::default_config();
  if (as_of_us) config.as_of = cbf::Timestamp{std::chrono::microseconds{*as_of_us}};
  config.utc_offset = std::chrono::minutes{utc_offset};
  if (bgnbd) {
    if (bgnbd->size() != 4) throw py::value_error("cbf: bgnbd must be (r, alpha, a, b)");
    config.bg_nbd = cbf::BgNbdParameters{(*bgnbd)[0], (*bgnbd)[1], (*bgnbd)[2], (*bgnbd)[3]};
  }
  if (gg) {
    if (gg->size() != 3) throw py::value_error("cbf: gg must be (p, q, gamma)");
    if (!bgnbd)
      throw py::value_error("cbf: gg refines the BG/NBD lifetime value: pass bgnbd as well");
    config.gamma_gamma = cbf::GammaGammaParameters{(*gg)[0], (*gg)[1], (*gg)[2]};
  }
  cbf::validate(config);  // InvalidParameter is a std::invalid_argument: ValueError
  return config;
}

/// A text column of the result as a list of str (None for a missing label); repeated values
/// share one str object when `shared` (labels, shops).
template <class Get>
py::list text_column(std::size_t n, Get get, bool shared) {
  py::list out(n);
  std::unordered_map<std::string_view, py::object> seen;
  for (std::size_t i = 0; i < n; ++i) {
    const std::optional<std::string_view> value = get(i);
    if (!value) {
      out[i] = py::none();
    } else if (!shared) {
      out[i] = py::str(value->data(), value->size());
    } else {
      auto [it, fresh] = seen.try_emplace(*value);
      if (fresh) it->second = py::str(value->data(), value->size());
      out[i] = it->second;
    }
  }
  return out;
}

/// One feature's column: (name, kind, values, mask). Kinds: "int" (int64), "float" (float64, NaN
/// for null), "Int64" (int64 values and a bool mask, True = null), "text" (list of str or None).
template <class Member>
py::tuple feature_column(std::string_view name, const std::vector<cbf::CustomerResult>& rows,
                         Member cbf::CustomerBehaviorFeatures::*member) {
  const std::size_t n = rows.size();
  const auto& at = [&](std::size_t i) -> const Member& { return rows[i].features.*member; };
  if constexpr (std::is_same_v<Member, std::int64_t>) {
    py::array_t<std::int64_t> values(static_cast<py::ssize_t>(n));
    auto* v = values.mutable_data();
    for (std::size_t i = 0; i < n; ++i) v[i] = at(i);
    return py::make_tuple(name, "int", values, py::none());
  } else if constexpr (std::is_same_v<Member, double> ||
                       std::is_same_v<Member, std::optional<double>>) {
    py::array_t<double> values(static_cast<py::ssize_t>(n));
    auto* v = values.mutable_data();
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<Member, double>)
        v[i] = at(i);
      else
        v[i] = at(i) ? *at(i) : std::numeric_limits<double>::quiet_NaN();
    }
    return py::make_tuple(name, "float", values, py::none());
  } else if constexpr (std::is_same_v<Member, std::optional<int>>) {
    py::array_t<std::int64_t> values(static_cast<py::ssize_t>(n));
    py::array_t<bool> mask(static_cast<py::ssize_t>(n));
    auto* v = values.mutable_data();
    auto* m = mask.mutable_data();
    for (std::size_t i = 0; i < n; ++i) {
      m[i] = !at(i);
      v[i] = at(i) ? *at(i) : 0;
    }
    return py::make_tuple(name, "Int64", values, mask);
  } else {
    static_assert(
        std::is_same_v<Member, std::string> || std::is_same_v<Member, std::optional<std::string>>,
        "a feature of a type the Python module does not convert yet");
    auto get = [&](std::size_t i) -> std::optional<std::string_view> {
      if constexpr (std::is_same_v<Member, std::string>)
        return std::string_view(at(i));
      else
        return at(i) ? std::optional<std::string_view>(*at(i)) : std::nullopt;
    };
    return py::make_tuple(name, "text", text_column(n, get, true), py::none());
  }
}

/// compute(customers, interactions, sessions, attributions, as_of_us, utc_offset, preset, bgnbd,
/// gg, threads) → dict(columns, as_of, diagnostics, timings). Each table is (rows, {field: spec})
/// or None (convert.hpp).
py::dict compute(py::handle customers, py::handle interactions, py::handle sessions,
                 py::handle attributions, std::optional<std::int64_t> as_of_us, int utc_offset,
                 const std::string& preset, std::optional<std::vector<double>> bgnbd,
                 std::optional<std::vector<double>> gg, unsigned threads) {
  const cbf::Config config = make_config(as_of_us, utc_offset, preset, bgnbd, gg);
  auto start = Clock::now();
  const Tables tables = make_tables(customers, interactions, sessions, attributions);
  const auto c = rows_of(tables.customers);
  const auto i = rows_of(tables.interactions);
  const auto s = rows_of(tables.sessions);
  const auto a = rows_of(tables.attributions);
  const double convert_time = seconds_since(start);

  start = Clock::now();
  cbf::BatchResult batch;
  try {
    const py::gil_scoped_release release;
    cbf::BatchOptions options;
    options.threads = threads;
    batch = cbf::compute_batch(c, i, s, a, config, options);
  } catch (const cbf::MissingAsOf&) {
    throw py::value_error("cbf: no record has a valid timestamp to take as_of from; pass as_of");
  }
  const double compute_time = seconds_since(start);

  start = Clock::now();
  const auto& rows = batch.customers;
  py::list columns;
  columns.append(py::make_tuple(
      "shop_id", "text",
      text_column(
          rows.size(),
          [&](std::size_t k) { return std::optional<std::string_view>(rows[k].shop_id); }, true),
      py::none()));
  columns.append(py::make_tuple(
      "customer_id", "text",
      text_column(
          rows.size(),
          [&](std::size_t k) { return std::optional<std::string_view>(rows[k].customer_id); },
          false),
      py::none()));
  std::apply(
      [&](const auto&... field) {
        (columns.append(feature_column(field.name, rows, field.member)), ...);
      },
      cbf::feature_fields);
  py::list diagnostics;
  cbf::for_each_count(batch.diagnostics,
                      [&](std::string_view kind, std::string_view counter, std::int64_t value) {
                        diagnostics.append(py::make_tuple(kind, counter, value));
                      });
  const double output_time = seconds_since(start);

  py::dict result;
  result["columns"] = columns;
  result["as_of"] = cbf::host::format_timestamp(batch.as_of);
  result["as_of_us"] = batch.as_of.time_since_epoch().count();
  result["diagnostics"] = diagnostics;
  py::dict timings;
  timings["convert"] = convert_time;
  timings["compute"] = compute_time;
  timings["output"] = output_time;
  result["timings"] = timings;
  return result;
}

/// The latest valid stamp (contract §4.1) of the tables, in µs, or None.
std::optional<std::int64_t> latest_stamp(py::handle interactions, py::handle sessions,
                                         py::handle attributions) {
  const Tables tables = make_tables(py::none(), interactions, sessions, attributions);
  const auto i = rows_of(tables.interactions);
  const auto s = rows_of(tables.sessions);
  const auto a = rows_of(tables.attributions);
  std::optional<cbf::Timestamp> latest;
  {
    const py::gil_scoped_release release;
    latest = cbf::latest_stamp(i, s, a);
  }
  if (!latest) return std::nullopt;
  return latest->time_since_epoch().count();
}

/// cbf::shard_of of each key, blank ids read as empty (as compute_batch reads keys).
py::array_t<std::uint32_t> shard_of(std::size_t rows, py::handle shop_ids, py::handle customer_ids,
                                    std::int64_t count) {
  if (count < 1 || count > std::numeric_limits<std::uint32_t>::max())
    throw py::value_error("cbf: shard_of: count must be within 1..4294967295");
  py::dict columns;
  columns["shop_ids"] = shop_ids;
  columns["customer_ids"] = customer_ids;
  Converter convert("shard_of", py::make_tuple(rows, columns));
  const TextColumn shop = convert.text("shop_ids", true);
  const TextColumn customer = convert.text("customer_ids", true);
  py::array_t<std::uint32_t> out(static_cast<py::ssize_t>(rows));
  auto* o = out.mutable_data();
  for (std::size_t k = 0; k < rows; ++k)  // blank ids are empty, as compute_batch reads keys
    o[k] = cbf::shard_of(shop.at(k), customer.at(k), static_cast<std::uint32_t>(count));
  return out;
}

/// A §5 timestamp's instant in µs, or None when the text is not one.
std::optional<std::int64_t> parse_timestamp(const std::string& text) {
  const cbf::TimeField t = cbf::host::parse_timestamp(text);
  if (!t.is_valid()) return std::nullopt;
  return t.value().time_since_epoch().count();
}

py::list feature_names() {
  py::list names;
  std::apply(
      [&](const auto&... field) {
        (names.append(py::str(field.name.data(), field.name.size())), ...);
      },
      cbf::feature_fields);
  return names;
}

}  // namespace
}  // namespace cbf::python

PYBIND11_MODULE(_cbf, m) {
  using namespace cbf::python;
  m.doc() = "cbf's compiled core; use the cbf package (docs/python.md)";
  m.def("set_missing_values", &set_missing_values);
  m.def("compute", &compute, py::arg("customers"), py::arg("interactions"), py::arg("sessions"),
        py::arg("attributions"), py::kw_only(), py::arg("as_of_us"), py::arg("utc_offset"),
        py::arg("preset"), py::arg("bgnbd"), py::arg("gg"), py::arg("threads"));
  m.def("latest_stamp", &latest_stamp);
  m.def("shard_of", &shard_of);
  m.def("parse_timestamp", &parse_timestamp);
  m.def("format_timestamp", [](std::int64_t us) {
    return cbf::host::format_timestamp(cbf::Timestamp{std::chrono::microseconds{us}});
  });
  m.def("feature_names", &feature_names);
}
