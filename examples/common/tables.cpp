#include "common/tables.hpp"

#include "common/csv_reader.hpp"
#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <cbf/features.hpp>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>

namespace cbf::host {
namespace {

// A column of one input file: its header name, whether the contract requires it, and how a
// field is stored into the record.
template <class Record>
struct Column {
  std::string_view name;
  bool required;
  void (*store)(Record&, std::string_view);
};

template <auto Member>
void text(auto& record, std::string_view value) {
  record.*Member = std::string(value);
}

template <auto Member>
void stamp(auto& record, std::string_view value) {
  record.*Member = parse_timestamp(value);
}

template <auto Member>
void number(auto& record, std::string_view value) {
  record.*Member = parse_number(value);
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

template <class Record, std::size_t N>
void read_table(const std::filesystem::path& file, const std::array<Column<Record>, N>& columns,
                std::vector<Record>& out) {
  std::array<std::string_view, N> names;
  for (std::size_t i = 0; i < N; ++i) names[i] = columns[i].name;
  std::size_t rows = 0;
  const CsvHeader header = read_csv(
      file, names,
      [&](std::span<const std::string_view> fields, std::size_t) {
        Record& record = out.emplace_back();
        for (std::size_t i = 0; i < N; ++i) columns[i].store(record, fields[i]);
        ++rows;
      },
      /*missing_ok=*/true);
  // A file with a header must name every required column: absent and empty are not the same.
  const bool has_header = rows > 0 || std::find(header.present.begin(), header.present.end(),
                                                true) != header.present.end();
  for (std::size_t i = 0; i < N; ++i) {
    if (has_header && columns[i].required && !header.present[i])
      throw CsvError(file.string(), 0, 0,
                     fmt::format("header lacks the required column '{}'", columns[i].name));
  }
}

void write_cell(std::string& line, const std::string& v) { append_csv_text(line, v); }
void write_cell(std::string& line, std::int64_t v) { append_csv_number(line, v); }
void write_cell(std::string& line, int v) { append_csv_number(line, std::int64_t{v}); }
void write_cell(std::string& line, double v) { append_csv_number(line, v); }
template <class T>
void write_cell(std::string& line, const std::optional<T>& v) {
  if (v) write_cell(line, *v);
}

}  // namespace

// RFC 4180: quote a field that holds a comma, a quote or a line break.
void append_csv_text(std::string& line, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

void append_csv_number(std::string& line, double value) {
  fmt::format_to(std::back_inserter(line), "{}", value);
}

void append_csv_number(std::string& line, std::int64_t value) {
  fmt::format_to(std::back_inserter(line), "{}", value);
}

Tables read_tables(const std::filesystem::path& dir) {
  Tables t;
  read_table(dir / "customers.csv", customer_columns, t.customers);
  read_table(dir / "user_interactions.csv", interaction_columns, t.interactions);
  read_table(dir / "user_sessions.csv", session_columns, t.sessions);
  read_table(dir / "purchase_attributions.csv", attribution_columns, t.attributions);
  return t;
}

void write_features_csv(std::ostream& out, const cbf::BatchResult& batch) {
  std::string line = "shop_id,customer_id";
  std::apply([&](const auto&... f) { ((line += ',', line += f.name), ...); }, cbf::feature_fields);
  line += ",as_of\n";
  out << line;
  const std::string as_of = format_timestamp(batch.as_of);
  for (const cbf::CustomerResult& row : batch.customers) {
    line.clear();
    append_csv_text(line, row.shop_id);
    line += ',';
    append_csv_text(line, row.customer_id);
    cbf::for_each_feature(row.features, [&](std::string_view, const auto& value) {
      line += ',';
      write_cell(line, value);
    });
    line += ',';
    line += as_of;
    line += '\n';
    out << line;
  }
}

void write_diagnostics_csv(std::ostream& out, const cbf::Diagnostics& diagnostics) {
  out << "record_kind,counter,value\n";
  const auto write_kind = [&](std::string_view kind, const cbf::RecordCounts& counts) {
    std::apply(
        [&](const auto&... counter) {
          ((out << kind << ',' << counter.name << ',' << counts.*(counter.member) << '\n'), ...);
        },
        cbf::record_count_fields);
  };
  std::apply([&](const auto&... kind) { (write_kind(kind.name, diagnostics.*(kind.member)), ...); },
             cbf::diagnostics_kinds);
}

}  // namespace cbf::host
