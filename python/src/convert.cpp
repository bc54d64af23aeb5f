#include "convert.hpp"

#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <pybind11/numpy.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace cbf::python {
namespace {

PyObject* missing_na = nullptr;   // pd.NA
PyObject* missing_nat = nullptr;  // pd.NaT

/// None, NaN, pd.NA and pd.NaT: a missing cell.
bool is_missing(PyObject* cell) noexcept {
  return cell == Py_None || cell == missing_na || cell == missing_nat ||
         (PyFloat_Check(cell) && std::isnan(PyFloat_AS_DOUBLE(cell)));
}

/// The UTF-8 bytes of a str cell (cached by Python in the object), or nothing for another type.
std::optional<std::string_view> utf8_of(PyObject* cell) {
  if (!PyUnicode_Check(cell)) return std::nullopt;
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(cell, &size);
  if (!data) throw py::error_already_set();  // a lone surrogate: UnicodeEncodeError
  return std::string_view(data, static_cast<std::size_t>(size));
}

/// Appends the decimal text of an integer.
template <class Int>
void append_decimal(std::string& out, Int value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, result.ptr);
}

}  // namespace

void set_missing_values(py::handle na, py::handle nat) {
  // Kept for the life of the process, as the pandas singletons are.
  missing_na = na.inc_ref().ptr();
  missing_nat = nat.inc_ref().ptr();
}

Converter::Converter(std::string_view table, py::handle spec) : table_(table) {
  if (spec.is_none()) return;
  const auto parts = py::reinterpret_borrow<py::tuple>(spec);
  rows_ = parts[0].cast<std::size_t>();
  columns_ = py::reinterpret_borrow<py::dict>(parts[1]);
}

py::handle Converter::spec_of(std::string_view field) const {
  const py::str key(field.data(), field.size());
  return columns_.contains(key) ? py::handle(columns_[key]) : py::handle(Py_None);
}

void Converter::fail(std::string_view field, std::size_t row, py::handle cell) const {
  throw py::type_error(
      "cbf: " + std::string(table_) + "." + std::string(field) + ": row " + std::to_string(row) +
      " holds a " + std::string(py::str(py::type::handle_of(cell).attr("__name__"))) + " (" +
      std::string(py::repr(cell)).substr(0, 40) + "), which is neither text nor missing");
}

py::array Converter::array_of(std::string_view field, py::handle spec, char kind) const {
  auto array = py::reinterpret_borrow<py::array>(spec);
  if (array.ndim() != 1 || static_cast<std::size_t>(array.shape(0)) != rows_ ||
      array.dtype().kind() != kind || array.itemsize() != (kind == 'b' ? 1 : 8) ||
      !(array.flags() & py::array::c_style))
    throw py::type_error("cbf: " + std::string(table_) + "." + std::string(field) +
                         ": internal error, the column was not prepared as a contiguous array");
  return array;
}

TextColumn Converter::text(std::string_view field, bool id) {
  TextColumn column;
  const py::handle spec = spec_of(field);
  if (spec.is_none()) return column;
  const auto parts = py::reinterpret_borrow<py::tuple>(spec);
  const auto kind = parts[0].cast<std::string>();
  column.offsets.reserve(rows_ + 1);
  column.offsets.push_back(0);
  if (kind == "int" || kind == "uint") {
    const py::array values = array_of(field, parts[1], kind == "int" ? 'i' : 'u');
    const bool* mask = nullptr;
    if (!parts[2].is_none()) mask = static_cast<const bool*>(array_of(field, parts[2], 'b').data());
    column.bytes.reserve(rows_ * 8);
    for (std::size_t i = 0; i < rows_; ++i) {
      if (!mask || !mask[i]) {
        if (kind == "int")
          append_decimal(column.bytes, static_cast<const std::int64_t*>(values.data())[i]);
        else
          append_decimal(column.bytes, static_cast<const std::uint64_t*>(values.data())[i]);
      }
      column.offsets.push_back(column.bytes.size());
    }
    return column;
  }
  const py::array cells = array_of(field, parts[1], 'O');
  const auto* objects = static_cast<PyObject* const*>(cells.data());
  column.bytes.reserve(rows_ * 8);
  for (std::size_t i = 0; i < rows_; ++i) {
    PyObject* cell = objects[i];
    if (const auto utf8 = utf8_of(cell)) {
      column.bytes.append(*utf8);
    } else if (id && PyLong_Check(cell) && !PyBool_Check(cell)) {
      int overflow = 0;
      const long long value = PyLong_AsLongLongAndOverflow(cell, &overflow);
      if (overflow == 0) {
        append_decimal(column.bytes, value);
      } else {
        const unsigned long long big = PyLong_AsUnsignedLongLong(cell);
        if (PyErr_Occurred()) throw py::error_already_set();  // beyond 64 bits: OverflowError
        append_decimal(column.bytes, big);
      }
    } else if (!is_missing(cell)) {
      fail(field, i, cell);
    }
    column.offsets.push_back(column.bytes.size());
  }
  return column;
}

TimeColumn Converter::time(std::string_view field) {
  TimeColumn column;
  const py::handle spec = spec_of(field);
  if (spec.is_none()) return column;
  const auto parts = py::reinterpret_borrow<py::tuple>(spec);
  if (parts[0].cast<std::string>() == "datetime") {
    py::array values = array_of(field, parts[1], 'i');
    column.nanoseconds = static_cast<const std::int64_t*>(values.data());
    kept_.push_back(std::move(values));
    return column;
  }
  const py::array cells = array_of(field, parts[1], 'O');
  const auto* objects = static_cast<PyObject* const*>(cells.data());
  column.parsed.resize(rows_);
  for (std::size_t i = 0; i < rows_; ++i) {
    if (const auto utf8 = utf8_of(objects[i])) {
      column.parsed[i] = cbf::host::parse_timestamp(*utf8);
    } else if (!is_missing(objects[i])) {
      fail(field, i, objects[i]);
    }
  }
  return column;
}

NumberColumn Converter::number(std::string_view field) {
  NumberColumn column;
  const py::handle spec = spec_of(field);
  if (spec.is_none()) return column;
  const auto parts = py::reinterpret_borrow<py::tuple>(spec);
  if (parts[0].cast<std::string>() == "float") {
    py::array values = array_of(field, parts[1], 'f');
    column.values = static_cast<const double*>(values.data());
    kept_.push_back(std::move(values));
    return column;
  }
  const py::array cells = array_of(field, parts[1], 'O');
  const auto* objects = static_cast<PyObject* const*>(cells.data());
  column.parsed.resize(rows_);
  for (std::size_t i = 0; i < rows_; ++i) {
    PyObject* cell = objects[i];
    if (const auto utf8 = utf8_of(cell)) {
      column.parsed[i] = cbf::host::parse_number(*utf8);
    } else if (PyFloat_Check(cell) && !std::isnan(PyFloat_AS_DOUBLE(cell))) {
      column.parsed[i] = PyFloat_AS_DOUBLE(cell);  // numbers in a mixed column are numbers
    } else if (PyLong_Check(cell) && !PyBool_Check(cell)) {
      column.parsed[i] = PyLong_AsDouble(cell);
      if (PyErr_Occurred()) throw py::error_already_set();
    } else if (!is_missing(cell)) {
      fail(field, i, cell);
    }
  }
  return column;
}

namespace {

void keep(Tables& t, Converter& c) {
  for (py::object& o : c.take_kept()) t.kept.push_back(std::move(o));
}

}  // namespace

Tables make_tables(py::handle customers, py::handle interactions, py::handle sessions,
                   py::handle attributions) {
  Tables t;
  {
    auto& x = t.customers;
    Converter c("customers", customers);
    x.rows = c.rows();
    x.shop_id = c.text("shop_id", true);
    x.customer_id = c.text("customer_id", true);
    x.created_at = c.time("created_at");
    keep(t, c);
  }
  {
    auto& x = t.interactions;
    Converter c("interactions", interactions);
    x.rows = c.rows();
    x.shop_id = c.text("shop_id", true);
    x.customer_id = c.text("customer_id", true);
    x.session_id = c.text("session_id", true);
    x.event_type = c.text("event_type", false);
    x.product_id = c.text("product_id", true);
    x.category_id = c.text("category_id", true);
    x.search_query = c.text("search_query", false);
    x.device_type = c.text("device_type", false);
    x.view_duration = c.number("view_duration");
    x.created_at = c.time("created_at");
    keep(t, c);
  }
  {
    auto& x = t.sessions;
    Converter c("sessions", sessions);
    x.rows = c.rows();
    x.shop_id = c.text("shop_id", true);
    x.customer_id = c.text("customer_id", true);
    x.session_id = c.text("session_id", true);
    x.device_type = c.text("device_type", false);
    x.referrer_type = c.text("referrer_type", false);
    x.start_time = c.time("start_time");
    x.end_time = c.time("end_time");
    keep(t, c);
  }
  {
    auto& x = t.attributions;
    Converter c("attributions", attributions);
    x.rows = c.rows();
    x.shop_id = c.text("shop_id", true);
    x.customer_id = c.text("customer_id", true);
    x.order_id = c.text("order_id", true);
    x.session_id = c.text("session_id", true);
    x.attribution_type = c.text("attribution_type", false);
    x.attribution_value = c.number("attribution_value");
    x.created_at = c.time("created_at");
    keep(t, c);
  }
  return t;
}

}  // namespace cbf::python
