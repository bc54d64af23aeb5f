// The throwaway PostgreSQL server of the CTest fixture "postgres" (tests/postgres/server.sh), for
// the tests of the PostgreSQL paths: its URL, a skip (a FAIL under CI=true) when there is none, and
// scratch databases, one per use, so that tests running in parallel on the server never meet.
#pragma once

#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <unistd.h>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cbf_test {

/// Rows of a result in text format, NULL as nullopt.
using PgRows = std::vector<std::vector<std::optional<std::string>>>;

/// Closes a libpq connection.
struct PgConnDeleter {
  /// Closes `c`.
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
/// Frees a libpq result.
struct PgResultDeleter {
  /// Frees `r`.
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using PgConnection = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

namespace detail {

/// The first line of `file`, or nullopt when it is missing or that line is empty.
inline std::optional<std::string> first_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

/// `message` without its trailing newline (libpq ends its messages with one).
inline std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// Ignores a server notice (e.g. "database does not exist, skipping"): keeps the test output clean.
inline void ignore_notice(void*, const char*) {}

/// Connects to `url`, or returns the connection error (no REQUIRE: destructors use it too).
inline std::pair<PgConnection, std::string> try_connect(const std::string& url) {
  const char* const keys[] = {"dbname", "connect_timeout", nullptr};
  const char* const values[] = {url.c_str(), "10", nullptr};
  PgConnection c(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!c) return {nullptr, "out of memory"};
  if (PQstatus(c.get()) != CONNECTION_OK) return {nullptr, trimmed(PQerrorMessage(c.get()))};
  PQsetNoticeProcessor(c.get(), ignore_notice, nullptr);
  return {std::move(c), ""};
}

}  // namespace detail

/// The URL of the fixture's server (postgresql://postgres@127.0.0.1:PORT/postgres), or nullopt
/// when there is none.
inline std::optional<std::string> postgres_url() {
  return detail::first_line(std::filesystem::path(CBF_POSTGRES_STATE_DIR) / "url");
}

/// Why there is no server: the reason server.sh recorded, or a hint to run through ctest.
inline std::string postgres_unavailable_reason() {
  const std::filesystem::path state(CBF_POSTGRES_STATE_DIR);
  if (auto reason = detail::first_line(state / "unavailable")) return *reason;
  return "no server recorded in " + state.string() +
         ": run the test through ctest (fixture \"postgres\"), or tests/postgres/server.sh start " +
         state.string();
}

/// True when the server is there; otherwise WARNs (the test is then skipped) or, when CI=true,
/// FAILs: CI must test the PostgreSQL paths.
inline bool postgres_available() {
  if (postgres_url()) return true;
  const std::string reason = postgres_unavailable_reason();
  const char* ci = std::getenv("CI");
  if (ci && std::string_view(ci) == "true") FAIL("no PostgreSQL server in CI: " << reason);
  WARN("skipped: no PostgreSQL server: " << reason);
  return false;
}

/// At the top of a TEST_CASE: skips the test (returns) when there is no server; fails under CI.
#define CBF_SKIP_WITHOUT_POSTGRES()                \
  do {                                             \
    if (!::cbf_test::postgres_available()) return; \
  } while (false)

/// `url` with its database name replaced by `database`.
inline std::string with_database(const std::string& url, const std::string& database) {
  const auto query = url.find('?');
  const auto slash = url.rfind('/', query);
  REQUIRE(slash != std::string::npos);
  REQUIRE(slash > url.find("://") + 2);  // a path, not the scheme's slashes
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? std::string() : url.substr(query));
}

/// Connects to `url`, REQUIRE-ing success.
inline PgConnection pg_connect(const std::string& url) {
  auto [c, error] = detail::try_connect(url);
  INFO("connecting to " << url << ": " << error);
  REQUIRE(c != nullptr);
  return std::move(c);
}

/// Runs `sql` (one or more statements; the last one's rows are returned) on `c`, REQUIRE-ing
/// success with PostgreSQL's message.
inline PgRows pg_exec(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  INFO("SQL: " << sql);
  INFO("PostgreSQL: " << detail::trimmed(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c)));
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
  PgRows rows(static_cast<std::size_t>(PQntuples(r.get())));
  const int columns = PQnfields(r.get());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int row = static_cast<int>(i);
    rows[i].reserve(static_cast<std::size_t>(columns));
    for (int col = 0; col < columns; ++col) {
      if (PQgetisnull(r.get(), row, col)) {
        rows[i].emplace_back(std::nullopt);
      } else {
        // By length: a text value may hold anything but NUL, and the length is exact.
        rows[i].emplace_back(std::string(PQgetvalue(r.get(), row, col),
                                         static_cast<std::size_t>(PQgetlength(r.get(), row, col))));
      }
    }
  }
  return rows;
}

/// Connects to `url`, runs `sql` and disconnects; REQUIREs success.
inline PgRows pg_exec(const std::string& url, const std::string& sql) {
  const PgConnection c = pg_connect(url);
  return pg_exec(c.get(), sql);
}

/// A fresh database on the fixture's server, dropped on destruction: each test works in its own,
/// so tests of other processes (ctest -j) running on the same server never see each other's tables.
class ScratchDatabase {
 public:
  /// Creates the database, named cbf_LABEL_PID_N (LABEL: `label` lowercased, other characters as
  /// '_'); REQUIREs the server (use CBF_SKIP_WITHOUT_POSTGRES first).
  explicit ScratchDatabase(std::string_view label = "scratch") {
    const auto server = postgres_url();
    INFO(postgres_unavailable_reason());
    REQUIRE(server.has_value());
    server_url_ = *server;
    name_ = make_name(label);
    url_ = with_database(server_url_, name_);
    const PgConnection admin = pg_connect(server_url_);
    // A database of a dead process that had the same pid: pids of live processes are unique.
    pg_exec(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pg_exec(admin.get(), "CREATE DATABASE " + name_);
  }

  /// Drops the database, closing this object's connection first; reports but never throws.
  ~ScratchDatabase() noexcept {
    try {
      connection_.reset();
      auto [admin, error] = detail::try_connect(server_url_);
      if (admin) {
        // FORCE: a host under test may still hold a connection to it.
        const std::string sql = "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
        PgResult r(PQexec(admin.get(), sql.c_str()));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK)
          error = detail::trimmed(PQerrorMessage(admin.get()));
      }
      if (!error.empty())
        std::fprintf(stderr, "warning: could not drop the scratch database %s: %s\n", name_.c_str(),
                     error.c_str());
    } catch (...) {
      std::fprintf(stderr, "warning: could not drop a scratch database\n");
    }
  }

  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  /// The database's name (a valid lowercase identifier: no quoting needed).
  const std::string& name() const { return name_; }

  /// The server's URL with this database: postgresql://postgres@127.0.0.1:PORT/NAME.
  const std::string& url() const { return url_; }

  /// Runs `sql` on this database (one connection, opened on first use) and returns the last
  /// statement's rows in text format, NULL as nullopt; REQUIREs success with PostgreSQL's message.
  PgRows exec(const std::string& sql) {
    if (!connection_) connection_ = pg_connect(url_);
    return pg_exec(connection_.get(), sql);
  }

 private:
  /// cbf_LABEL_PID_N: unique among the live processes and within this one; at most 63 bytes
  /// (PostgreSQL's identifier limit).
  static std::string make_name(std::string_view label) {
    static std::atomic<unsigned> counter{0};
    std::string clean;
    for (const char ch : label.substr(0, 32)) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
      clean += ok ? ch : (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : '_';
    }
    return "cbf_" + clean + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  }

  std::string server_url_;
  std::string name_;
  std::string url_;
  PgConnection connection_;
};

}  // namespace cbf_test
