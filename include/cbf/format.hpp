// fmt::formatter for CustomerBehaviorFeatures and Diagnostics: `{name: value, …}`, null for empty.
#pragma once

#include <cbf/features.hpp>

#include <fmt/format.h>

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>

namespace cbf::detail {

// fmt 9 cannot format std::optional, and a generic formatter here would clash with fmt ≥ 10's.
template <class Out, class T>
Out format_value(Out out, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return fmt::format_to(out, "\"{}\"", value);
  } else {
    return fmt::format_to(out, "{}", value);
  }
}

template <class Out, class T>
Out format_value(Out out, const std::optional<T>& value) {
  return value ? format_value(out, *value) : fmt::format_to(out, "null");
}

template <class Out, class Struct, class Fields>
Out format_fields(Out out, const Struct& s, const Fields& fields) {
  out = fmt::format_to(out, "{{");
  bool first = true;
  std::apply(
      [&](const auto&... f) {
        ((out = fmt::format_to(out, "{}{}: ", first ? "" : ", ", f.name),
          out = format_value(out, s.*(f.member)), first = false),
         ...);
      },
      fields);
  return fmt::format_to(out, "}}");
}

}  // namespace cbf::detail

/// Formats the 30 features as `{total_purchases: 3, avg_purchase_value: 41.5, …}`.
template <>
struct fmt::formatter<cbf::CustomerBehaviorFeatures> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const cbf::CustomerBehaviorFeatures& f, FormatContext& ctx) const {
    return cbf::detail::format_fields(ctx.out(), f, cbf::feature_fields);
  }
};

/// Formats the twelve counters of one record kind.
template <>
struct fmt::formatter<cbf::RecordCounts> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const cbf::RecordCounts& c, FormatContext& ctx) const {
    return cbf::detail::format_fields(ctx.out(), c, cbf::record_count_fields);
  }
};

/// Formats the counters of every record kind.
template <>
struct fmt::formatter<cbf::Diagnostics> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const cbf::Diagnostics& d, FormatContext& ctx) const {
    return cbf::detail::format_fields(ctx.out(), d, cbf::diagnostics_kinds);
  }
};
