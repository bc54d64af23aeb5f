// pandas columns (as cbf/_frames.py prepares them) into the compact columns of columns.hpp. Runs
// with the GIL held; what it views in place it keeps referenced until the tables are dropped.
#pragma once

#include "columns.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf::python {

namespace py = pybind11;

/// Remembers pandas' missing-value singletons (pd.NA, pd.NaT), read as missing in text cells.
void set_missing_values(py::handle na, py::handle nat);

/// Converts the column specs of one table. A spec is a tuple (kind, array, mask): kind "text"
/// (a 1-D object array), "int" or "uint" (int64 / uint64 values and a bool mask or None, True =
/// missing), "datetime" (datetime64[ns] as int64 nanoseconds, NaT = missing) or "float"
/// (float64, NaN = missing). Throws TypeError naming table.column for an unusable cell.
class Converter {
 public:
  /// The converter of one table spec: (rows, {field: spec}), or None for an absent table.
  Converter(std::string_view table, py::handle spec);

  /// The table's rows (0 for an absent table).
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// A text or id column (ids may be integers: their decimal text); empty when absent.
  [[nodiscard]] TextColumn text(std::string_view field, bool id);
  /// A timestamp column: datetime64 viewed in place, or text by the §5 grammar.
  [[nodiscard]] TimeColumn time(std::string_view field);
  /// A number column: float64 viewed in place, or text by the §5 money grammar.
  [[nodiscard]] NumberColumn number(std::string_view field);

  /// The arrays viewed in place: they must outlive the columns.
  [[nodiscard]] std::vector<py::object> take_kept() { return std::move(kept_); }

 private:
  [[noreturn]] void fail(std::string_view field, std::size_t row, py::handle cell) const;
  [[nodiscard]] py::array array_of(std::string_view field, py::handle spec, char kind) const;
  /// The spec of `field`, None when the table lacks it.
  [[nodiscard]] py::handle spec_of(std::string_view field) const;

  std::string_view table_;
  std::size_t rows_ = 0;
  py::dict columns_;
  std::vector<py::object> kept_;
};

/// The four tables of one computation, and the arrays their columns view.
struct Tables {
  CustomerTable customers;
  InteractionTable interactions;
  SessionTable sessions;
  AttributionTable attributions;
  std::vector<py::object> kept;
};

/// Builds the tables from (rows, {field: spec}) pairs, or None for an absent table.
[[nodiscard]] Tables make_tables(py::handle customers, py::handle interactions, py::handle sessions,
                                 py::handle attributions);

}  // namespace cbf::python
