#include "common/db_tables.hpp"

#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

namespace cbf::host::sqlite {
namespace {

// A column of one input table: its name, whether the contract requires it, and how a value is
// stored into the record.
template <class Record>
struct Column {
  std::string_view name;
  bool required;
  void (*store)(Record&, const Statement&, int);
};

template <auto Member>
void text(auto& record, const Statement& s, int column) {
  record.*Member = text_value(s, column);
}

template <auto Member>
void stamp(auto& record, const Statement& s, int column) {
  record.*Member = timestamp_value(s, column);
}

template <auto Member>
void number(auto& record, const Statement& s, int column) {
  record.*Member = number_value(s, column);
}

using C = cbf::Customer;
using I = cbf::Interaction;
using S = cbf::Session;
using A = cbf::Attribution;

constexpr std::array<Column<C>, 7> customer_columns{{
    {"shop_id", false, text<&C::shop_id>},
    {"customer_id", true, text<&C::customer_id>},
    {"created_at", false, stamp<&C::created_at>},
    {"updated_at", false, stamp<&C::updated_at>},
    {"tags", false, text<&C::tags>},
    {"currency_code", false, text<&C::currency_code>},
    {"locale", false, text<&C::locale>},
}};

constexpr std::array<Column<I>, 11> interaction_columns{{
    {"shop_id", false, text<&I::shop_id>},
    {"customer_id", true, text<&I::customer_id>},
    {"session_id", false, text<&I::session_id>},
    {"event_type", true, text<&I::event_type>},
    {"page_type", false, text<&I::page_type>},
    {"product_id", false, text<&I::product_id>},
    {"category_id", false, text<&I::category_id>},
    {"search_query", false, text<&I::search_query>},
    {"view_duration", false, number<&I::view_duration>},
    {"device_type", false, text<&I::device_type>},
    {"created_at", true, stamp<&I::created_at>},
}};

constexpr std::array<Column<S>, 9> session_columns{{
    {"shop_id", false, text<&S::shop_id>},
    {"customer_id", true, text<&S::customer_id>},
    {"session_id", true, text<&S::session_id>},
    {"start_time", true, stamp<&S::start_time>},
    {"end_time", false, stamp<&S::end_time>},
    {"device_type", false, text<&S::device_type>},
    {"browser_type", false, text<&S::browser_type>},
    {"referrer_type", false, text<&S::referrer_type>},
    {"created_at", false, stamp<&S::created_at>},
}};

constexpr std::array<Column<A>, 8> attribution_columns{{
    {"shop_id", false, text<&A::shop_id>},
    {"customer_id", true, text<&A::customer_id>},
    {"order_id", true, text<&A::order_id>},
    {"product_id", false, text<&A::product_id>},
    {"session_id", false, text<&A::session_id>},
    {"attribution_type", false, text<&A::attribution_type>},
    {"attribution_value", false, number<&A::attribution_value>},
    {"created_at", true, stamp<&A::created_at>},
}};

/// One input table: its SQL name, its columns, and which of them the database has.
template <class Record, std::size_t N>
struct Table {
  std::string_view name;
  const std::array<Column<Record>, N>& columns;
  std::array<bool, N> present{};

  /// Looks the columns up; throws when the table or a required column is missing.
  void check(Database& db) {
    const std::vector<std::string> names = table_columns(db, name);
    if (names.empty()) throw HostError(fmt::format("the database has no table {}", name));
    for (std::size_t i = 0; i < N; ++i) {
      present[i] = std::find(names.begin(), names.end(), columns[i].name) != names.end();
      if (columns[i].required && !present[i])
        throw HostError(fmt::format("table {} has no column {}", name, columns[i].name));
    }
  }

  /// Appends every row of the table to `out`.
  void read(Database& db, std::vector<Record>& out) const {
    std::string list;
    for (std::size_t i = 0; i < N; ++i) {
      if (!present[i]) continue;
      if (!list.empty()) list += ", ";
      list += fmt::format("\"{}\"", columns[i].name);
    }
    Statement select(db, fmt::format("SELECT {} FROM \"{}\"", list, name));
    while (select.step()) {
      Record& record = out.emplace_back();
      int column = 0;
      for (std::size_t i = 0; i < N; ++i)
        if (present[i]) columns[i].store(record, select, column++);
    }
  }
};

}  // namespace

std::string text_value(const Statement& s, int column) {
  return std::string(s.column_text(column));
}

cbf::TimeField timestamp_value(const Statement& s, int column) {
  switch (s.column_type(column)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_INTEGER:
      return std::chrono::sys_seconds{std::chrono::seconds{s.column_int64(column)}};
    case SQLITE_TEXT:
      return parse_timestamp(s.column_text(column));
    default:
      return cbf::TimeField::invalid();
  }
}

std::optional<double> number_value(const Statement& s, int column) {
  switch (s.column_type(column)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER:
      return static_cast<double>(s.column_int64(column));
    case SQLITE_FLOAT:
      return s.column_double(column);
    case SQLITE_TEXT:
      return parse_number(s.column_text(column));
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

std::vector<std::string> table_columns(Database& db, std::string_view table) {
  Statement info(db, "SELECT name FROM pragma_table_info(?)");
  info.bind_text(1, table);
  std::vector<std::string> names;
  while (info.step()) names.emplace_back(info.column_text(0));
  return names;
}

Tables read_tables(Database& db) {
  Table<C, 7> customers{"customer_data", customer_columns};
  Table<I, 11> interactions{"user_interactions", interaction_columns};
  Table<S, 9> sessions{"user_sessions", session_columns};
  Table<A, 8> attributions{"purchase_attributions", attribution_columns};
  customers.check(db);
  interactions.check(db);
  sessions.check(db);
  attributions.check(db);
  Tables t;
  customers.read(db, t.customers);
  interactions.read(db, t.interactions);
  sessions.read(db, t.sessions);
  attributions.read(db, t.attributions);
  return t;
}

}  // namespace cbf::host::sqlite
