// RAII over the libpq C API for the database host: a connection, query results, and COPY in
// both directions in the text format. Every failure is a HostError carrying PostgreSQL's message
// and naming the server without its password.
#pragma once

#include "common/errors.hpp"

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::host::pg {

/// Whether `text` is a PostgreSQL connection URL (postgresql:// or postgres://).
[[nodiscard]] constexpr bool is_postgres_url(std::string_view text) noexcept {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

/// The URL with any password replaced by "***", for messages.
[[nodiscard]] std::string redact_url(std::string_view url);

/// A query's result rows, cleared on destruction. Values are text; NULL reads as empty.
class Result {
 public:
  explicit Result(PGresult* result) noexcept : result_(result) {}

  /// Rows of the result.
  [[nodiscard]] int rows() const noexcept { return PQntuples(result_.get()); }
  /// The value at (row, column) as text, empty for NULL; valid while the Result lives.
  [[nodiscard]] std::string_view text(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  /// Whether the value at (row, column) is NULL.
  [[nodiscard]] bool is_null(int row, int column) const noexcept {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  /// The libpq result, for calls this wrapper does not cover (null when libpq ran out of memory).
  [[nodiscard]] const PGresult* raw() const noexcept { return result_.get(); }

 private:
  struct Clear {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

/// An open connection, closed on destruction. Its session reads and writes timestamps as ISO
/// text in UTC and floats in their shortest exact form, whatever the server's defaults.
class Connection {
 public:
  /// Connects to `url` (postgresql://…); throws HostError when it cannot.
  explicit Connection(const std::string& url);

  /// Runs one or more `;`-separated statements, discarding any rows.
  void exec(const std::string& sql);

  /// Runs one statement with text parameters $1, $2, … (nullopt binds NULL) and returns its rows.
  [[nodiscard]] Result query(const std::string& sql,
                             std::span<const std::optional<std::string>> parameters = {});

  /// Runs one statement that returns no rows, with text parameters as query's; returns the
  /// number of rows it affected.
  std::int64_t command(const std::string& sql,
                       std::span<const std::optional<std::string>> parameters = {});

  /// Runs `COPY … TO STDOUT` (text format), calling `on_row` with each row, without its final
  /// newline and still escaped (split it with split_copy_row).
  void copy_out(const std::string& sql, const std::function<void(std::string_view)>& on_row);

  /// Runs `COPY … FROM STDIN` with `data`: whole rows in the statement's format.
  void copy_in(const std::string& sql, std::string_view data);

  /// The server as a redacted URL, for messages.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  /// Throws "NAME: WHAT: <PostgreSQL's last error message>".
  [[noreturn]] void fail(std::string_view what) const;

 private:
  /// Throws unless `result` has `expected` status; returns it otherwise.
  Result check(PGresult* result, ExecStatusType expected, std::string_view what) const;

  struct Finish {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  std::string name_;
  std::unique_ptr<PGconn, Finish> connection_;
};

/// Splits one COPY text-format row into its fields, unescaping each (\N → nullopt). The views
/// point into `line` or into `scratch`, valid until the next call with the same scratch.
void split_copy_row(std::string_view line, std::vector<std::optional<std::string_view>>& fields,
                    std::string& scratch);

/// Appends `value` escaped as a COPY text-format field (backslash, tab, newline, return).
void append_copy_text(std::string& out, std::string_view value);

}  // namespace cbf::host::pg
