// RAII over the sqlite3 C API for the example hosts and their tests: a connection and prepared
// statements; every failure is a HostError naming the database and carrying SQLite's message.
#pragma once

#include "common/errors.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace cbf::host::sqlite {

/// An open database connection, closed on destruction. Its statements must not outlive it.
class Database {
 public:
  /// Opens `path` with sqlite3_open_v2 `flags` (e.g. SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  /// errors name `name` (the path when empty). Throws HostError when it cannot be opened.
  Database(const std::string& path, int flags, std::string name = {})
      : name_(name.empty() ? path : std::move(name)) {
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw HostError(fmt::format("{}: cannot open the database: {}", name_, message));
    }
  }
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more `;`-separated SQL statements, discarding any rows they return.
  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      throw HostError(fmt::format("{}: {}", name_, text));
    }
  }

  /// The raw connection, for calls this wrapper does not cover.
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

  /// Throws "NAME: WHAT: <SQLite's last error message>".
  [[noreturn]] void fail(std::string_view what) const {
    throw HostError(fmt::format("{}: {}: {}", name_, what, sqlite3_errmsg(db_)));
  }

 private:
  std::string name_;
  sqlite3* db_ = nullptr;
};

/// A prepared statement, finalized on destruction. Parameters are 1-based, columns 0-based.
class Statement {
 public:
  /// Prepares `sql` (one statement) for repeated use; throws HostError on a syntax error.
  Statement(Database& db, std::string_view sql) : db_(&db) {
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      db.fail(fmt::format("cannot prepare '{}'", sql));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  /// Binds text that stays alive until the next run() or reset(); empty text binds NULL, the
  /// contract's missing field (§0).
  void bind_text_or_null(int index, std::string_view value) {
    check(value.empty() ? sqlite3_bind_null(stmt_, index)
                        : sqlite3_bind_text(stmt_, index, value.data(),
                                            static_cast<int>(value.size()), SQLITE_STATIC));
  }
  /// Binds text that stays alive until the next run() or reset(); empty text binds '' (a key).
  void bind_text(int index, std::string_view value) {
    // A null pointer would bind NULL, so empty text points at a literal.
    check(sqlite3_bind_text(stmt_, index, value.empty() ? "" : value.data(),
                            static_cast<int>(value.size()), SQLITE_STATIC));
  }
  /// Binds a REAL.
  void bind_double(int index, double value) { check(sqlite3_bind_double(stmt_, index, value)); }
  /// Binds an INTEGER.
  void bind_int64(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value)));
  }
  /// Binds NULL.
  void bind_null(int index) { check(sqlite3_bind_null(stmt_, index)); }

  /// Steps once: true when a row is ready to read, false when the statement has finished.
  [[nodiscard]] bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail("cannot run a statement");
  }

  /// Runs a statement that returns no rows, then resets it and clears its bindings.
  void run() {
    if (step()) fail_with_row();
    reset();
  }

  /// Throws for a statement that returned a row where none was expected.
  [[noreturn]] void fail_with_row() const {
    db_->fail("a statement returned a row where none was expected");
  }

  /// Makes the statement ready to run again with the same parameters bound (for loops that
  /// bind every parameter again anyway).
  void reset_keeping_bindings() noexcept { sqlite3_reset(stmt_); }

  /// Makes the statement ready to run again, with no parameter bound.
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  /// Column `column` of the current row as an integer (0 for NULL).
  [[nodiscard]] std::int64_t column_int64(int column) const noexcept {
    return sqlite3_column_int64(stmt_, column);
  }
  /// Column `column` of the current row as a double (0.0 for NULL).
  [[nodiscard]] double column_double(int column) const noexcept {
    return sqlite3_column_double(stmt_, column);
  }
  /// Column `column` of the current row as text, valid until the next step (empty for NULL).
  [[nodiscard]] std::string_view column_text(int column) const noexcept {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
  }
  /// Column `column` of the current row as SQLite's value, valid until the next step. It is
  /// unprotected: read it (sqlite3_value_*) only on the thread that uses the connection.
  [[nodiscard]] sqlite3_value* column_value(int column) const noexcept {
    return sqlite3_column_value(stmt_, column);
  }
  /// The raw statement, for loops that step it themselves.
  [[nodiscard]] sqlite3_stmt* handle() const noexcept { return stmt_; }
  /// The number of columns of the statement's result.
  [[nodiscard]] int column_count() const noexcept { return sqlite3_column_count(stmt_); }
  /// The storage class of column `column` of the current row: SQLITE_INTEGER, SQLITE_FLOAT,
  /// SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  [[nodiscard]] int column_type(int column) const noexcept {
    return sqlite3_column_type(stmt_, column);
  }
  /// Whether column `column` of the current row is NULL.
  [[nodiscard]] bool column_is_null(int column) const noexcept {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) db_->fail("cannot bind a parameter");
  }

  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace cbf::host::sqlite
