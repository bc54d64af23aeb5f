// The input tables as compact columns (converted once from pandas), and the record types that
// adapt one row of them to cbf (docs/adapting-your-records.md): no per-record string or copy.
#pragma once

#include <cbf/access.hpp>
#include <cbf/time.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::python {

/// Text cells: cell i is bytes[offsets[i] .. offsets[i+1]) (UTF-8); a missing cell is empty. No
/// offsets: the table has no such column.
struct TextColumn {
  std::string bytes;
  std::vector<std::size_t> offsets;

  [[nodiscard]] std::string_view at(std::size_t i) const noexcept {
    if (offsets.empty()) return {};
    return {bytes.data() + offsets[i], offsets[i + 1] - offsets[i]};
  }
};

/// Timestamp cells: datetime64[ns] values viewed in place (NaT = missing), or text parsed by the
/// contract's §5 grammar. Neither: the table has no such column.
struct TimeColumn {
  const std::int64_t* nanoseconds = nullptr;
  std::vector<TimeField> parsed;

  [[nodiscard]] TimeField at(std::size_t i) const noexcept {
    if (nanoseconds) {
      const std::int64_t ns = nanoseconds[i];
      if (ns == std::numeric_limits<std::int64_t>::min()) return {};  // NaT
      return TimeField(
          std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds{ns}));
    }
    return parsed.empty() ? TimeField{} : parsed[i];
  }
};

/// Number cells (seconds, money): float64 values viewed in place (NaN = missing, as pandas marks
/// it), or text parsed by the §5 money grammar (blank = missing, unreadable = NaN, which cbf
/// counts).
struct NumberColumn {
  const double* values = nullptr;
  std::vector<std::optional<double>> parsed;

  [[nodiscard]] std::optional<double> at(std::size_t i) const noexcept {
    if (values) {
      const double v = values[i];
      return std::isnan(v) ? std::nullopt : std::optional<double>(v);
    }
    return parsed.empty() ? std::nullopt : parsed[i];
  }
};

// Only the fields the library reads are converted; the equality tests with cbf-features would
// show a field it starts reading.

struct CustomerTable {
  std::size_t rows = 0;
  TextColumn shop_id, customer_id;
  TimeColumn created_at;
};

struct InteractionTable {
  std::size_t rows = 0;
  TextColumn shop_id, customer_id, session_id, event_type, product_id, category_id, search_query,
      device_type;
  NumberColumn view_duration;
  TimeColumn created_at;
};

struct SessionTable {
  std::size_t rows = 0;
  TextColumn shop_id, customer_id, session_id, device_type, referrer_type;
  TimeColumn start_time, end_time;
};

struct AttributionTable {
  std::size_t rows = 0;
  TextColumn shop_id, customer_id, order_id, session_id, attribution_type;
  NumberColumn attribution_value;
  TimeColumn created_at;
};

/// Row `index` of a table: the record type cbf reads through the record_traits tables below.
template <class Table>
struct Row {
  const Table* table;
  std::size_t index;
};

/// One Row per row of `table`, in table order.
template <class Table>
[[nodiscard]] std::vector<Row<Table>> rows_of(const Table& table) {
  std::vector<Row<Table>> rows(table.rows);
  for (std::size_t i = 0; i < table.rows; ++i) rows[i] = Row<Table>{&table, i};
  return rows;
}

}  // namespace cbf::python

// Each field reads one cell of its column of the same name (a view, a TimeField, or a number).
#define CBF_PYTHON_CELL(NAME) \
  cbf::field::NAME = [](const Row& r) noexcept { return r.table->NAME.at(r.index); }

template <>
struct cbf::record_traits<cbf::python::Row<cbf::python::CustomerTable>> {
  using Row = cbf::python::Row<cbf::python::CustomerTable>;
  static constexpr auto fields = cbf::fields(CBF_PYTHON_CELL(shop_id), CBF_PYTHON_CELL(customer_id),
                                             CBF_PYTHON_CELL(created_at));
};

template <>
struct cbf::record_traits<cbf::python::Row<cbf::python::InteractionTable>> {
  using Row = cbf::python::Row<cbf::python::InteractionTable>;
  static constexpr auto fields = cbf::fields(
      CBF_PYTHON_CELL(shop_id), CBF_PYTHON_CELL(customer_id), CBF_PYTHON_CELL(session_id),
      CBF_PYTHON_CELL(event_type), CBF_PYTHON_CELL(product_id), CBF_PYTHON_CELL(category_id),
      CBF_PYTHON_CELL(search_query), CBF_PYTHON_CELL(device_type), CBF_PYTHON_CELL(view_duration),
      CBF_PYTHON_CELL(created_at));
};

template <>
struct cbf::record_traits<cbf::python::Row<cbf::python::SessionTable>> {
  using Row = cbf::python::Row<cbf::python::SessionTable>;
  static constexpr auto fields = cbf::fields(
      CBF_PYTHON_CELL(shop_id), CBF_PYTHON_CELL(customer_id), CBF_PYTHON_CELL(session_id),
      CBF_PYTHON_CELL(device_type), CBF_PYTHON_CELL(referrer_type), CBF_PYTHON_CELL(start_time),
      CBF_PYTHON_CELL(end_time));
};

template <>
struct cbf::record_traits<cbf::python::Row<cbf::python::AttributionTable>> {
  using Row = cbf::python::Row<cbf::python::AttributionTable>;
  static constexpr auto fields =
      cbf::fields(CBF_PYTHON_CELL(shop_id), CBF_PYTHON_CELL(customer_id), CBF_PYTHON_CELL(order_id),
                  CBF_PYTHON_CELL(session_id), CBF_PYTHON_CELL(attribution_type),
                  CBF_PYTHON_CELL(attribution_value), CBF_PYTHON_CELL(created_at));
};

#undef CBF_PYTHON_CELL
