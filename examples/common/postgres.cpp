#include "common/postgres.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace cbf::host::pg {
namespace {

/// libpq's message on one line: its further lines (DETAIL, HINT, CONTEXT) joined by "; ".
std::string message_of(const char* text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  std::string message;
  for (const char* p = text != nullptr ? text : ""; *p != '\0'; ++p) {
    if (*p != '\n') {
      message += *p;
      continue;
    }
    while (!message.empty() && blank(message.back())) message.pop_back();
    while (blank(p[1])) ++p;
    if (p[1] != '\0' && !message.empty()) message += "; ";
  }
  while (!message.empty() && blank(message.back())) message.pop_back();
  return message.empty() ? "unknown error" : message;
}

constexpr bool is_octal(char c) noexcept { return c >= '0' && c <= '7'; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string redact_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto authority = scheme + 3;
  const auto at = url.find('@', authority);
  const auto slash = url.find('/', authority);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at))
    return std::string(url);
  const auto colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}***{}", url.substr(0, colon + 1), url.substr(at));
}

Connection::Connection(const std::string& url)
    : name_(redact_url(url)), connection_(PQconnectdb(url.c_str())) {
  if (!connection_) throw HostError(fmt::format("{}: cannot connect: out of memory", name_));
  if (PQstatus(connection_.get()) != CONNECTION_OK)
    throw HostError(fmt::format("{}: cannot connect: {}", name_,
                                message_of(PQerrorMessage(connection_.get()))));
  // The host's reading relies on these: timestamps as contract §5 text in UTC, exact floats.
  exec(
      "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
      "SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 1; SET client_min_messages = "
      "warning");
}

void Connection::fail(std::string_view what) const {
  throw HostError(
      fmt::format("{}: {}: {}", name_, what, message_of(PQerrorMessage(connection_.get()))));
}

Result Connection::check(PGresult* raw, ExecStatusType expected, std::string_view what) const {
  Result result(raw);
  if (raw == nullptr) fail(what);
  if (PQresultStatus(raw) != expected)
    throw HostError(fmt::format("{}: {}: {}", name_, what, message_of(PQresultErrorMessage(raw))));
  return result;
}

void Connection::exec(const std::string& sql) {
  // PQexec stops at the first failing statement and returns its result.
  const Result result(PQexec(connection_.get(), sql.c_str()));
  const PGresult* raw = result.raw();
  if (raw == nullptr) fail("cannot run a statement");
  const ExecStatusType status = PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw HostError(fmt::format("{}: {}", name_, message_of(PQresultErrorMessage(raw))));
}

namespace {

/// PQexecParams with text parameters (nullopt → NULL).
PGresult* exec_params(PGconn* connection, const std::string& sql,
                      std::span<const std::optional<std::string>> parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& p : parameters) values.push_back(p ? p->c_str() : nullptr);
  return PQexecParams(connection, sql.c_str(), static_cast<int>(values.size()), nullptr,
                      values.data(), nullptr, nullptr, 0);
}

}  // namespace

Result Connection::query(const std::string& sql,
                         std::span<const std::optional<std::string>> parameters) {
  return check(exec_params(connection_.get(), sql, parameters), PGRES_TUPLES_OK, "a query failed");
}

std::int64_t Connection::command(const std::string& sql,
                                 std::span<const std::optional<std::string>> parameters) {
  const Result result = check(exec_params(connection_.get(), sql, parameters), PGRES_COMMAND_OK,
                              "a statement failed");
  // PQcmdTuples: the affected rows as text, empty for commands that affect none.
  return std::strtoll(PQcmdTuples(const_cast<PGresult*>(result.raw())), nullptr, 10);
}

void Connection::copy_out(const std::string& sql,
                          const std::function<void(std::string_view)>& on_row) {
  check(PQexec(connection_.get(), sql.c_str()), PGRES_COPY_OUT, "cannot start COPY TO STDOUT");
  struct Free {
    void operator()(char* p) const noexcept { PQfreemem(p); }
  };
  for (;;) {
    char* raw = nullptr;
    const int length = PQgetCopyData(connection_.get(), &raw, 0);
    const std::unique_ptr<char, Free> row(raw);
    if (length == -1) break;  // done: the final result follows
    if (length < 0) fail("COPY TO STDOUT failed");
    std::string_view line(raw, static_cast<std::size_t>(length));
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    on_row(line);
  }
  check(PQgetResult(connection_.get()), PGRES_COMMAND_OK, "COPY TO STDOUT failed");
  // Drain: libpq returns null once the command is complete.
  while (PGresult* extra = PQgetResult(connection_.get())) PQclear(extra);
}

void Connection::copy_in(const std::string& sql, std::string_view data) {
  check(PQexec(connection_.get(), sql.c_str()), PGRES_COPY_IN, "cannot start COPY FROM STDIN");
  constexpr std::size_t chunk = std::size_t{1} << 20;
  while (!data.empty()) {
    const std::size_t n = std::min(chunk, data.size());
    if (PQputCopyData(connection_.get(), data.data(), static_cast<int>(n)) != 1)
      fail("COPY FROM STDIN failed");
    data.remove_prefix(n);
  }
  if (PQputCopyEnd(connection_.get(), nullptr) != 1) fail("COPY FROM STDIN failed");
  check(PQgetResult(connection_.get()), PGRES_COMMAND_OK, "COPY FROM STDIN failed");
  while (PGresult* extra = PQgetResult(connection_.get())) PQclear(extra);
}

void split_copy_row(std::string_view line, std::vector<std::optional<std::string_view>>& fields,
                    std::string& scratch) {
  fields.clear();
  scratch.clear();
  // Unescaped text is never longer than the line, so views into scratch stay valid.
  scratch.reserve(line.size());
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(line.find('\t', begin), line.size());
    const std::string_view field = line.substr(begin, end - begin);
    if (field == "\\N") {
      fields.emplace_back(std::nullopt);
    } else if (field.find('\\') == std::string_view::npos) {
      fields.emplace_back(field);
    } else {
      const std::size_t start = scratch.size();
      for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '\\' || i + 1 == field.size()) {
          scratch.push_back(field[i]);
          continue;
        }
        const char c = field[++i];
        switch (c) {
          case 'b':
            scratch.push_back('\b');
            break;
          case 'f':
            scratch.push_back('\f');
            break;
          case 'n':
            scratch.push_back('\n');
            break;
          case 'r':
            scratch.push_back('\r');
            break;
          case 't':
            scratch.push_back('\t');
            break;
          case 'v':
            scratch.push_back('\v');
            break;
          case 'x': {
            int value = 0;
            int digits = 0;
            while (digits < 2 && i + 1 < field.size() && hex_value(field[i + 1]) >= 0) {
              value = value * 16 + hex_value(field[++i]);
              ++digits;
            }
            scratch.push_back(digits == 0 ? 'x' : static_cast<char>(value));
            break;
          }
          default:
            if (is_octal(c)) {
              int value = c - '0';
              for (int digits = 1; digits < 3 && i + 1 < field.size() && is_octal(field[i + 1]);
                   ++digits)
                value = value * 8 + (field[++i] - '0');
              scratch.push_back(static_cast<char>(value));
            } else {
              scratch.push_back(c);  // \\ and any other escaped character stand for themselves
            }
        }
      }
      fields.emplace_back(std::string_view(scratch).substr(start));
    }
    if (end == line.size()) break;
    begin = end + 1;
  }
}

void append_copy_text(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace cbf::host::pg
