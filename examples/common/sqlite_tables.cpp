#include "common/sqlite_tables.hpp"

#include "common/input_columns.hpp"
#include "common/number.hpp"
#include "common/timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace cbf::host::sqlite {
namespace {

/// A cell of the current row: SQLite's value of the column, read in place (the connection is
/// used by one thread, so the unprotected value of sqlite3_column_value is safe to read), and
/// the memo of its column.
struct ValueCell {
  sqlite3_value* value;
  TextMemo* memo;
};

// The cell as text (TEXT as is, INTEGER and REAL as SQLite writes them, NULL empty), valid until
// the next step.
std::string_view read_text(const ValueCell& cell) {
  const unsigned char* text = sqlite3_value_text(cell.value);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_value_bytes(cell.value))};
}
KeptText keep_text(const ValueCell& cell, TextArena& arena) {
  return cell.memo->keep(read_text(cell), arena);
}

cbf::TimeField timestamp_of(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_INTEGER:
      return std::chrono::sys_seconds{std::chrono::seconds{sqlite3_value_int64(value)}};
    case SQLITE_TEXT:
      return parse_timestamp(read_text(ValueCell{value, nullptr}));
    default:
      return cbf::TimeField::invalid();
  }
}

std::optional<double> number_of(sqlite3_value* value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER:
      return static_cast<double>(sqlite3_value_int64(value));
    case SQLITE_FLOAT:
      return sqlite3_value_double(value);
    case SQLITE_TEXT:
      return parse_number(read_text(ValueCell{value, nullptr}));
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

cbf::TimeField read_timestamp(const ValueCell& cell) { return timestamp_of(cell.value); }
std::optional<double> read_number(const ValueCell& cell) { return number_of(cell.value); }

/// An inclusive range of rowids.
struct Rowids {
  std::int64_t first;
  std::int64_t last;
};

/// The number of rowids in `r`.
double span(const Rowids& r) {
  return static_cast<double>(r.last) - static_cast<double>(r.first) + 1.0;
}

/// A part of a table that one connection reads.
struct Piece {
  std::size_t table;             ///< 0..3: customers, interactions, sessions, attributions
  std::size_t part;              ///< 0: the table's first part, read straight into Tables
  std::optional<Rowids> rowids;  ///< none: the whole table
};

/// Whether the work of a parallel read has been called off (another part failed).
using Stop = std::atomic<bool>;

/// One input table: its SQL name, its columns, which of them the database has, and how its
/// rows split into parts.
template <class Record, std::size_t N, const std::array<InputColumn<Record, ValueCell>, N>& Columns,
          std::vector<Record> Tables::*Out>
struct Table {
  explicit Table(std::string_view table) : name(table) {}

  std::string_view name;
  std::array<bool, N> present{};
  std::optional<Rowids> rowids;            ///< a table with rowids and rows: their range
  bool whole = false;                      ///< no rowids to split by: read in one part
  std::vector<std::vector<Record>> parts;  ///< parts 1.. until they are appended

  /// Looks the columns up; throws when the table or a required column is missing, and warns
  /// of a column ignored although it resembles one of the table's.
  void check(Database& db, std::vector<std::string>& warnings) {
    const std::vector<std::string> names = table_columns(db, name);
    present = present_columns(name, Columns, names);
    add_near_miss_warnings(warnings, fmt::format("table {}", name), Columns, names);
    // A view, a virtual or WITHOUT ROWID table, or a column named like the rowid: one part.
    const auto shadows = [](const std::string& column) {
      std::string lower = column;
      std::ranges::transform(lower, lower.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      });
      return lower == "rowid" || lower == "_rowid_" || lower == "oid";
    };
    Statement kind(db, "SELECT type = 'table' AND wr = 0 FROM pragma_table_list(?)");
    kind.bind_text(1, name);
    whole = !kind.step() || kind.column_int64(0) == 0 || kind.step() ||
            std::ranges::any_of(names, shadows);
  }

  /// Finds the rowid range (cheap: the two edges of the table's b-tree).
  void measure(Database& db) {
    if (whole) return;
    const auto first = ask(db, "min(rowid)");
    const auto last = ask(db, "max(rowid)");
    if (first && last) rowids = Rowids{*first, *last};
  }

  /// The work of the parallel plan: the rowid range (the rows, unless many were deleted) times
  /// the columns read; a table without rowids counts as none.
  [[nodiscard]] double weight() const {
    return rowids ? span(*rowids) * static_cast<double>(std::ranges::count(present, true)) : 0.0;
  }

  /// Reads `piece` of the table on `db`, its text kept in `arena`; stops early once `stop` is set.
  void read(Database& db, const Piece& piece, Tables& tables, TextArena& arena, const Stop& stop) {
    // The vector's header moves to this thread's stack while it grows: the headers of the
    // tables and parts sit side by side, and threads updating them row by row would share
    // their cache lines.
    std::vector<Record>& slot = piece.part == 0 ? tables.*Out : parts[piece.part];
    std::vector<Record> out = std::move(slot);
    read_rows(db, piece, out, arena, stop);
    slot = std::move(out);
  }

  /// Appends parts 1.. to the table's records, in order.
  void join(Tables& tables) {
    std::vector<Record>& out = tables.*Out;
    for (std::size_t p = 1; p < parts.size(); ++p) {
      out.insert(out.end(), parts[p].begin(), parts[p].end());
      std::vector<Record>().swap(parts[p]);
    }
  }

 private:
  void read_rows(Database& db, const Piece& piece, std::vector<Record>& out, TextArena& arena,
                 const Stop& stop) const {
    std::string sql = fmt::format("SELECT {} FROM \"{}\"", select_list(Columns, present), name);
    if (piece.rowids) sql += " WHERE rowid BETWEEN ? AND ? ORDER BY rowid";
    Statement select(db, sql);
    if (piece.rowids) {
      select.bind_int64(1, piece.rowids->first);
      select.bind_int64(2, piece.rowids->last);
      // The first part takes the table's count (from its smallest index, by the thread that
      // reads it), so the others append without moving it; they take their rowid range.
      constexpr double most = 1 << 22;
      out.reserve(piece.part == 0 ? static_cast<std::size_t>(ask(db, "count(*)").value_or(0))
                                  : static_cast<std::size_t>(std::min(span(*piece.rowids), most)));
    }
    std::array<int, N> position{};
    int next = 0;
    for (std::size_t i = 0; i < N; ++i) position[i] = present[i] ? next++ : -1;
    std::array<TextMemo, N> memos{};
    sqlite3_stmt* const statement = select.handle();
    for (std::size_t row = 0;; ++row) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) return;
      if (rc != SQLITE_ROW) db.fail(fmt::format("cannot read table {}", name));
      if (row % 4096 == 0 && stop.load(std::memory_order_relaxed)) return;
      store_row(out.emplace_back(), statement, position, memos, arena,
                std::make_index_sequence<N>{});
    }
  }

  [[nodiscard]] std::optional<std::int64_t> ask(Database& db, std::string_view what) const {
    Statement s(db, fmt::format("SELECT {} FROM \"{}\"", what, name));
    if (!s.step() || s.column_is_null(0)) return std::nullopt;
    return s.column_int64(0);
  }

  // Each column's store function is known at compile time: no call through a pointer per cell.
  template <std::size_t... I>
  static void store_row(Record& record, sqlite3_stmt* statement, const std::array<int, N>& position,
                        std::array<TextMemo, N>& memos, TextArena& arena,
                        std::index_sequence<I...>) {
    (
        [&] {
          if (position[I] >= 0)
            Columns[I].store(
                record, ValueCell{sqlite3_column_value(statement, position[I]), &memos[I]}, arena);
        }(),
        ...);
  }
};

using Customers = Table<HostCustomer, 7, customer_columns<ValueCell>, &Tables::customers>;
using Interactions =
    Table<HostInteraction, 11, interaction_columns<ValueCell>, &Tables::interactions>;
using Sessions = Table<HostSession, 9, session_columns<ValueCell>, &Tables::sessions>;
using Attributions =
    Table<HostAttribution, 8, attribution_columns<ValueCell>, &Tables::attributions>;

/// The four tables, checked and measured in one snapshot, and the plan of their parts.
class Reader {
 public:
  /// Checks and measures the tables on `db` (inside the snapshot's transaction).
  explicit Reader(Database& db) {
    std::vector<std::string> warnings;
    for_each([&](auto& table) { table.check(db, warnings); });
    for_each([&](auto& table) { table.measure(db); });
    tables_.warnings = std::move(warnings);
  }

  /// The parts for `threads` connections: the tables' rows in order, cut into `threads` runs of
  /// equal work (rows times columns) at rowid boundaries; a table without rowids is one part.
  [[nodiscard]] std::vector<std::vector<Piece>> plan(unsigned threads) {
    std::array<double, 4> weights{};
    std::size_t t = 0;
    for_each([&](const auto& table) { weights[t++] = table.weight(); });
    double total = 0;
    for (const double w : weights) total += w;
    std::vector<std::vector<Piece>> work(threads);
    double start = 0;  // the work before table t
    t = 0;
    for_each([&](auto& table) {
      const std::size_t index = t++;
      const double weight = weights[index];
      const double end = start + weight;
      const auto thread_at = [&](double w) {
        return total > 0 ? std::min<std::size_t>(threads - 1,
                                                 static_cast<std::size_t>(w / total * threads))
                         : 0;
      };
      if (table.whole) {
        work[thread_at(start)].push_back({index, 0, std::nullopt});
      } else if (table.rowids) {
        // The rowid where the work reaches `w`, by the rows' share of the rowid range.
        const Rowids range = *table.rowids;
        const double rowid_count = span(range);
        const auto cut = [&](double w) {
          const double offset = std::floor((w - start) / weight * rowid_count);
          return offset >= rowid_count - 1
                     ? range.last
                     : range.first + static_cast<std::int64_t>(std::max(0.0, offset));
        };
        std::size_t part = 0;
        std::int64_t first = range.first;
        for (std::size_t k = thread_at(start); k < threads && first <= range.last; ++k) {
          const double chunk_end = total * static_cast<double>(k + 1) / threads;
          const bool last_part = k + 1 == threads || chunk_end >= end;
          // The part ends before the rowid where the next thread's work begins.
          const std::int64_t next = last_part ? range.last : cut(chunk_end);
          const std::int64_t last = last_part ? range.last : next - 1;
          if (last >= first) {
            work[k].push_back({index, part++, Rowids{first, last}});
            first = last + 1;
          }
          if (last_part) break;
        }
        table.parts.resize(part);
      }
      start = end;
    });
    return work;
  }

  /// Reads `pieces` on `db`, keeping text in `arena`.
  void read(Database& db, const std::vector<Piece>& pieces, TextArena& arena, const Stop& stop) {
    for (const Piece& piece : pieces) {
      if (stop.load(std::memory_order_relaxed)) return;
      std::size_t t = 0;
      for_each([&](auto& table) {
        if (t++ == piece.table) table.read(db, piece, tables_, arena, stop);
      });
    }
  }

  /// The records, with the parts joined in order.
  [[nodiscard]] Tables finish() {
    for_each([&](auto& table) { table.join(tables_); });
    return std::move(tables_);
  }

  [[nodiscard]] Tables& tables() noexcept { return tables_; }

 private:
  template <class F>
  void for_each(F f) {
    std::apply([&](auto&... table) { (f(table), ...); }, all_);
  }

  std::tuple<Customers, Interactions, Sessions, Attributions> all_{
      Customers{"customer_data"}, Interactions{"user_interactions"}, Sessions{"user_sessions"},
      Attributions{"purchase_attributions"}};
  Tables tables_;
};

}  // namespace

cbf::TimeField timestamp_value(const Statement& s, int column) {
  return timestamp_of(s.column_value(column));
}

std::optional<double> number_value(const Statement& s, int column) {
  return number_of(s.column_value(column));
}

std::vector<std::string> table_columns(Database& db, std::string_view table) {
  Statement info(db, "SELECT name FROM pragma_table_info(?)");
  info.bind_text(1, table);
  std::vector<std::string> names;
  while (info.step()) names.emplace_back(info.column_text(0));
  return names;
}

Tables read_tables(Database& db) {
  Reader reader(db);
  const std::vector<std::vector<Piece>> work = reader.plan(1);
  const Stop stop{false};
  reader.read(db, work.front(), reader.tables().text, stop);
  return reader.finish();
}

std::optional<Tables> read_tables_in_parallel(const std::string& path, unsigned threads,
                                              const ParallelReadHooks& hooks) {
  // Past a few connections the parts get small and the file's pages are read by many at once;
  // each connection also costs a file descriptor and a schema parse (--threads goes to 1024).
  constexpr unsigned most_connections = 16;
  threads = std::clamp(threads, 2U, most_connections);
  // The snapshot: while the guard holds the write lock, no commit can happen, so every reader
  // that starts its read transaction meanwhile sees the same, latest, state. No busy handler on
  // either: any wait means another writer is at work, and the serial read handles that.
  std::vector<std::unique_ptr<Database>> readers;
  try {
    Database guard(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
    guard.exec("BEGIN IMMEDIATE");
    try {
      for (unsigned k = 0; k < threads; ++k) {
        // NOMUTEX: each connection is used by one thread at a time.
        readers.push_back(
            std::make_unique<Database>(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
        readers.back()->exec("BEGIN");
        // The first read takes the read lock (WAL: fixes the snapshot) until COMMIT.
        Statement start(*readers.back(), "SELECT count(*) FROM sqlite_schema");
        (void)start.step();
      }
    } catch (...) {
      sqlite3_exec(guard.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    guard.exec("ROLLBACK");
  } catch (const HostError&) {
    return std::nullopt;
  }
  if (hooks.snapshot_taken) hooks.snapshot_taken();

  Reader reader(*readers.front());
  const std::vector<std::vector<Piece>> work = reader.plan(threads);
  // Each thread's arena on cache lines of its own: keep() updates it for every text.
  struct alignas(64) OwnArena {
    TextArena text;
  };
  std::vector<OwnArena> arenas(threads);
  Stop stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto run = [&](unsigned k) {
    try {
      reader.read(*readers[k], work[k], arenas[k].text, stop);
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      stop.store(true, std::memory_order_relaxed);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned k = 1; k < threads; ++k)
      if (!work[k].empty()) helpers.emplace_back(run, k);
    run(0);
  }
  if (error) std::rethrow_exception(error);
  for (const auto& db : readers) db->exec("COMMIT");
  Tables tables = reader.finish();
  for (OwnArena& arena : arenas) tables.text.absorb(std::move(arena.text));
  return tables;
}

}  // namespace cbf::host::sqlite
