#include "common/csv_reader.hpp"
#include "common/tables.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;
using cbf::host::CsvError;
using cbf::host::CsvHeader;
using cbf::host::read_csv;
using Columns = std::vector<std::string_view>;

fs::path unique_temp_path() {
  std::random_device random;
  const auto tag = std::to_string(random()) + "_" + std::to_string(random());
  return fs::temp_directory_path() / ("cbf_test_csv_reader_" + tag + ".csv");
}

/// A file with the given bytes, removed when the test ends.
class TempFile {
 public:
  explicit TempFile(std::string_view content) : path_(unique_temp_path()) {
    std::ofstream out(path_, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    REQUIRE(out.good());
  }
  ~TempFile() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Row {
  std::vector<std::string> fields;
  std::size_t line = 0;
  bool operator==(const Row&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Row& row) {
  out << "line " << row.line << ':';
  for (const auto& f : row.fields) out << " [" << f << ']';
  return out;
}

struct Result {
  CsvHeader header;
  std::vector<Row> rows;
};

Result read_path(const fs::path& path, const Columns& columns, bool missing_ok = false) {
  Result r;
  r.header = read_csv(
      path, columns,
      [&](std::span<const std::string_view> fields, std::size_t line) {
        r.rows.push_back(Row{{fields.begin(), fields.end()}, line});
      },
      missing_ok);
  return r;
}

Result read(std::string_view content, const Columns& columns) {
  const TempFile file(content);
  return read_path(file.path(), columns);
}

/// The rows of content read with a row limit of max_row_bytes.
std::vector<Row> read_limited(std::string_view content, const Columns& columns,
                              std::size_t max_row_bytes) {
  const TempFile file(content);
  std::vector<Row> rows;
  read_csv(
      file.path(), columns,
      [&](std::span<const std::string_view> fields, std::size_t line) {
        rows.push_back(Row{{fields.begin(), fields.end()}, line});
      },
      false, max_row_bytes);
  return rows;
}

/// The error reading content throws, with a row limit of max_row_bytes, and the rows before it.
std::pair<CsvError, std::vector<Row>> read_error(
    std::string_view content, const Columns& columns,
    std::size_t max_row_bytes = cbf::host::default_max_row_bytes) {
  const TempFile file(content);
  std::vector<Row> rows;
  try {
    read_csv(
        file.path(), columns,
        [&](std::span<const std::string_view> fields, std::size_t line) {
          rows.push_back(Row{{fields.begin(), fields.end()}, line});
        },
        false, max_row_bytes);
  } catch (const CsvError& e) {
    CHECK(e.file() == file.path().string());
    return {e, rows};
  }
  FAIL("no CsvError for: " << content);
  return {CsvError("", 0, 0, ""), rows};
}

using Rows = std::vector<Row>;
using Present = std::vector<bool>;

}  // namespace

TEST_CASE("plain rows are read with the line where each starts", "[csv]") {
  const auto r = read("a,b,c\n1,2,3\n4,5,6\n", {"a", "b", "c"});
  CHECK(r.header.present == Present{true, true, true});
  CHECK(r.rows == Rows{{{"1", "2", "3"}, 2}, {{"4", "5", "6"}, 3}});
}

TEST_CASE("columns may come in another order than requested", "[csv]") {
  const auto r = read("c,a,b\n3,1,2\n", {"a", "b", "c"});
  CHECK(r.rows == Rows{{{"1", "2", "3"}, 2}});
}

TEST_CASE("an absent column is reported absent and reads as empty", "[csv]") {
  const auto r = read("a,c\n1,3\n", {"a", "b", "c"});
  CHECK(r.header.present == Present{true, false, true});
  CHECK(r.rows == Rows{{{"1", "", "3"}, 2}});
}

TEST_CASE("unknown columns are ignored", "[csv]") {
  const auto r = read("x,a,y,b\nX,1,Y,2\n", {"a", "b"});
  CHECK(r.header.present == Present{true, true});
  CHECK(r.rows == Rows{{{"1", "2"}, 2}});
}

TEST_CASE("a repeated header name takes the first column", "[csv]") {
  const auto r = read("a,b,a\n1,2,3\n", {"b", "a"});
  CHECK(r.rows == Rows{{{"2", "1"}, 2}});
}

TEST_CASE("requesting no columns still calls the handler for every row", "[csv]") {
  const auto r = read("a\n1\n2\n", {});
  CHECK(r.header.present.empty());
  CHECK(r.rows == Rows{{{}, 2}, {{}, 3}});
}

TEST_CASE("header names are trimmed of ASCII whitespace, quoted or not", "[csv]") {
  const auto r = read(" a\t,\v b\f,\" c \r\n\"\n1,2,3\n", {"a", "b", "c"});
  CHECK(r.header.present == Present{true, true, true});
  CHECK(r.rows == Rows{{{"1", "2", "3"}, 3}});
}

TEST_CASE("field values are passed exactly as in the file, untrimmed", "[csv]") {
  const auto r = read("a,b,c\n 1 ,\t2\t,\" 3 \"\n", {"a", "b", "c"});
  CHECK(r.rows == Rows{{{" 1 ", "\t2\t", " 3 "}, 2}});
}

TEST_CASE("a line of spaces is a row, not an empty line", "[csv]") {
  const auto r = read("a,b\n  \n", {"a", "b"});
  CHECK(r.rows == Rows{{{"  ", ""}, 2}});
}

TEST_CASE("a byte-order mark at the very start is skipped", "[csv]") {
  const auto r = read(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n",
      {"a", "b"});
  CHECK(r.header.present == Present{true, true});
  CHECK(r.rows == Rows{{{"1", "2"}, 2}});
}

TEST_CASE("a byte-order mark anywhere else is data", "[csv]") {
  const auto r = read(
      "a,b\n\xEF\xBB\xBF"
      "1,2\n",
      {"a", "b"});
  CHECK(r.rows == Rows{{{"\xEF\xBB\xBF"
                         "1",
                         "2"},
                        2}});
}

TEST_CASE("CRLF line ends work like LF", "[csv]") {
  const auto r = read("a,b\r\n1,2\r\n3,\r\n\"4\",\"5\"\r\n", {"a", "b"});
  CHECK(r.rows == Rows{{{"1", "2"}, 2}, {{"3", ""}, 3}, {{"4", "5"}, 4}});
}

TEST_CASE("a quoted field may hold a comma, a doubled quote or nothing", "[csv]") {
  const auto r = read("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"\"\n", {"a", "b", "c"});
  CHECK(r.rows == Rows{{{"x,y", "say \"hi\"", ""}, 2}});
}

TEST_CASE("a quoted field may hold a newline", "[csv]") {
  const auto r = read("a,b\n\"line1\nline2\",x\n3,4\n", {"a", "b"});
  CHECK(r.rows == Rows{{{"line1\nline2", "x"}, 2}, {{"3", "4"}, 4}});
}

TEST_CASE("a quoted field may hold a CRLF newline", "[csv]") {
  const auto r = read("a,b\r\n1,\"p\r\nq\r\nr\"\r\n5,6\r\n", {"a", "b"});
  CHECK(r.rows == Rows{{{"1", "p\r\nq\r\nr"}, 2}, {{"5", "6"}, 5}});
}

TEST_CASE("a row that starts with a multi-line field reports the line where it starts", "[csv]") {
  // Lines: 1 header, 2 empty, 3-5 the first row, 6 empty, 7 the second row.
  const auto r = read("a,b\n\n\"x\n\ny\",z\n\n7,8", {"a", "b"});
  CHECK(r.rows == Rows{{{"x\n\ny", "z"}, 3}, {{"7", "8"}, 7}});
}

TEST_CASE("a short row has empty trailing fields", "[csv]") {
  const auto r = read("a,b,c\n1\n1,2\n", {"c", "a", "b"});
  CHECK(r.rows == Rows{{{"", "1", ""}, 2}, {{"", "1", "2"}, 3}});
}

TEST_CASE("a row longer than the header is an error at its first extra field", "[csv]") {
  const auto [e, rows] = read_error("a,b\n1,2\n3,4,5,6\n", {"a", "b"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 3);
  CHECK(std::string(e.what()) == e.file() + ":3:3: row has more fields than the header's 2");
  CHECK(rows == Rows{{{"1", "2"}, 2}});
}

TEST_CASE("a long row after a multi-line field names the line of the extra field", "[csv]") {
  const auto [e, rows] = read_error("a,b\n\"x\ny\",2,3\n", {"a", "b"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 3);
  CHECK(rows.empty());
}

TEST_CASE("empty lines are skipped wherever they occur", "[csv]") {
  // Lines: 1 "", 2 "\r", 3 "", 4 header, 5 "", 6 row, 7 "\r", 8 "", 9 row, 10 "", 11 "".
  const auto r = read("\n\r\n\na,b\n\n1,2\r\n\r\n\n3,4\n\n\n", {"a", "b"});
  CHECK(r.header.present == Present{true, true});
  CHECK(r.header.line == 4);
  CHECK(r.rows == Rows{{{"1", "2"}, 6}, {{"3", "4"}, 9}});
}

TEST_CASE("a file without a trailing newline still yields its last row", "[csv]") {
  CHECK(read("a,b\n1,2\n3,4", {"a", "b"}).rows == Rows{{{"1", "2"}, 2}, {{"3", "4"}, 3}});
  CHECK(read("a,b\n1,\"x\"", {"a", "b"}).rows == Rows{{{"1", "x"}, 2}});
  CHECK(read("a,b\n1,", {"a", "b"}).rows == Rows{{{"1", ""}, 2}});
}

TEST_CASE("an empty file has no header and no rows", "[csv]") {
  for (const std::string_view content : {"", "\n", "\r\n\n\r\n"}) {
    const auto r = read(content, {"a", "b"});
    CHECK(r.header.present == Present{false, false});
    CHECK(r.header.line == 0);
    CHECK(r.rows.empty());
  }
}

TEST_CASE("a file with only a header has no rows", "[csv]") {
  for (const std::string_view content : {"a,b\n", "a,b",
                                         "\xEF\xBB\xBF"
                                         "a,b\r\n\r\n"}) {
    const auto r = read(content, {"a", "c"});
    CHECK(r.header.present == Present{true, false});
    CHECK(r.header.line == 1);
    CHECK(r.rows.empty());
  }
}

TEST_CASE("an unterminated quote is an error at the line where the field starts", "[csv]") {
  const auto [e, rows] = read_error("a,b\n1,2\n3,\"open\nstill open\n", {"a", "b"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 2);
  CHECK(std::string(e.what()) == e.file() + ":3:2: unterminated quoted field");
  CHECK(rows == Rows{{{"1", "2"}, 2}});
}

TEST_CASE("a doubled quote at the end of the file leaves the field unterminated", "[csv]") {
  const auto [e, rows] = read_error("a\n\n\"abc\"\"", {"a"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 1);
}

TEST_CASE("a quote inside an unquoted field is an error at its line and column", "[csv]") {
  const auto [e, rows] = read_error("a,b,c\n1,2,3\n4,5\"x,6\n", {"a", "b", "c"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 2);
  CHECK(std::string(e.what()) == e.file() + ":3:2: quote inside an unquoted field");
  CHECK(rows == Rows{{{"1", "2", "3"}, 2}});
}

TEST_CASE("a quote inside an unquoted field after a multi-line field is on its real line",
          "[csv]") {
  const auto [e, rows] = read_error("a,b\n\"p\nq\",r\"s\n", {"a", "b"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 2);
}

TEST_CASE("a space before an opening quote makes the quote part of an unquoted field", "[csv]") {
  const auto [e, rows] = read_error("a,b\n1, \"x\"\n", {"a", "b"});
  CHECK(e.line() == 2);
  CHECK(e.column() == 2);
  CHECK(std::string(e.what()) == e.file() + ":2:2: quote inside an unquoted field");
}

TEST_CASE("text after a closing quote is an error at its line and column", "[csv]") {
  const auto [e, rows] = read_error("a,b\n\"x\ny\"z,1\n", {"a", "b"});
  CHECK(e.line() == 3);
  CHECK(e.column() == 1);
  CHECK(std::string(e.what()) == e.file() + ":3:1: unexpected character after a closing quote");

  const auto [space, none] = read_error("a,b\n1,\"x\" \n", {"a", "b"});
  CHECK(space.line() == 2);
  CHECK(space.column() == 2);
}

TEST_CASE("a missing file is an error unless missing files are allowed", "[csv]") {
  const fs::path path = unique_temp_path();
  try {
    read_path(path, {"a"});
    FAIL("no CsvError");
  } catch (const CsvError& e) {
    CHECK(e.file() == path.string());
    CHECK(e.line() == 0);
    CHECK(e.column() == 0);
    CHECK(std::string(e.what()) == path.string() + ": cannot open: No such file or directory");
  }
  const auto r = read_path(path, {"a", "b"}, true);
  CHECK(r.header.present == Present{false, false});
  CHECK(r.rows.empty());
}

TEST_CASE("an unreadable file is an error even when missing files are allowed", "[csv]") {
  const TempFile dir("");
  fs::remove(dir.path());
  fs::create_directory(dir.path());
  try {
    read_path(dir.path(), {"a"}, true);
    FAIL("no CsvError");
  } catch (const CsvError& e) {
    CHECK(e.line() == 0);
    CHECK(std::string(e.what()) == dir.path().string() + ": cannot read: Is a directory");
  }
}

TEST_CASE("an exception from the row handler stops reading and propagates", "[csv]") {
  const TempFile file("a\n1\n2\n3\n");
  int calls = 0;
  const Columns columns{"a"};
  const auto handler = [&](std::span<const std::string_view>, std::size_t) {
    if (++calls == 2) throw std::runtime_error("stop");
  };
  CHECK_THROWS_WITH(read_csv(file.path(), columns, handler), "stop");
  CHECK(calls == 2);
}

TEST_CASE("the error message names the file, then the line and column when known", "[csv]") {
  const CsvError full("f.csv", 3, 2, "bad");
  CHECK(std::string(full.what()) == "f.csv:3:2: bad");
  CHECK(full.file() == "f.csv");
  CHECK(full.line() == 3);
  CHECK(full.column() == 2);
  CHECK(std::string(CsvError("f.csv", 3, 0, "bad").what()) == "f.csv:3: bad");
  CHECK(std::string(CsvError("f.csv", 0, 0, "bad").what()) == "f.csv: bad");
}

TEST_CASE("rows and fields spanning read blocks are read whole with their lines", "[csv]") {
  constexpr std::size_t kRows = 300'000;  // about 3.4 MiB: several 1 MiB blocks
  std::string content = "id,text\n";
  for (std::size_t i = 0; i < kRows; ++i) content += std::to_string(i) + ",row\n";
  const std::string big(std::size_t{5} << 19, 'x');  // 2.5 MiB
  content += "last,\"" + big + "\n" + big + "\"\nafter,end\n";
  const auto r = read(content, {"id", "text"});
  REQUIRE(r.rows.size() == kRows + 2);
  CHECK(r.rows[123'456] == Row{{"123456", "row"}, 123'458});
  CHECK(r.rows[kRows] == Row{{"last", big + "\n" + big}, kRows + 2});
  CHECK(r.rows[kRows + 1] == Row{{"after", "end"}, kRows + 4});
}

// ---- line ends ------------------------------------------------------------------------------

TEST_CASE("a lone CR ends a line as LF and CRLF do", "[csv]") {
  CHECK(read("a,b\r1,2\r\r3,4\r", {"a", "b"}).rows == Rows{{{"1", "2"}, 2}, {{"3", "4"}, 4}});
  CHECK(read("a,b\n1,2\r3,4\r\n5,6", {"a", "b"}).rows ==
        Rows{{{"1", "2"}, 2}, {{"3", "4"}, 3}, {{"5", "6"}, 4}});
  // CR CR LF: a lone CR, then a CRLF.
  CHECK(read("a\r\r\n1\n", {"a"}).rows == Rows{{{"1"}, 3}});
  // The last byte of the file.
  const auto r = read("a\r1\r", {"a"});
  CHECK(r.header.line == 1);
  CHECK(r.rows == Rows{{{"1"}, 2}});
}

TEST_CASE("a lone CR inside a quoted field is data and starts a physical line", "[csv]") {
  const auto r = read("a,b\r\"x\ry\",z\r7,8\r", {"a", "b"});
  CHECK(r.rows == Rows{{{"x\ry", "z"}, 2}, {{"7", "8"}, 4}});
}

TEST_CASE("errors in a file with lone CR line ends name their line", "[csv]") {
  const auto [quote, rows] = read_error("a,b\r1,2\r\r3,4\"\r", {"a", "b"});
  CHECK(quote.line() == 4);
  CHECK(quote.column() == 2);
  CHECK(rows == Rows{{{"1", "2"}, 2}});
  const auto [extra, none] = read_error("a,b\r\"p\rq\",2,3\r", {"a", "b"});
  CHECK(extra.line() == 3);
  CHECK(extra.column() == 3);
  const auto [open, before] = read_error("a\r\r\"1\r", {"a"});
  CHECK(open.line() == 3);
  CHECK(std::string(open.what()) == open.file() + ":3:1: unterminated quoted field");
}

TEST_CASE("a CR at the end of a read block is told from a CRLF by the next block", "[csv]") {
  // The reader reads 1 MiB blocks: the CR is the last byte of the first block.
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  const std::string head = "a\n" + std::string(kBlock - 3, 'x');
  /// The lines the rows of content start on.
  const auto row_lines = [](const std::string& content) {
    std::vector<std::size_t> out;
    for (const Row& row : read(content, {"a"}).rows) out.push_back(row.line);
    return out;
  };
  // CRLF: one line end, so "y" is on line 3 (on line 4 if the CR counted on its own).
  CHECK(row_lines(head + "\r\ny\n") == std::vector<std::size_t>{2, 3});
  // A lone CR: a line end, so "y" is on line 3 (on line 2 if the CR were missed).
  CHECK(row_lines(head + "\ry\n") == std::vector<std::size_t>{2, 3});
  CHECK(row_lines(head + "\r\"y\"\n") == std::vector<std::size_t>{2, 3});
  // A lone CR that is the last byte of a file of exactly one block.
  CHECK(row_lines(head + "\r") == std::vector<std::size_t>{2});
  CHECK(read_error(head + "\r\"", {"a"}).first.line() == 3);
}

// ---- hostile files --------------------------------------------------------------------------

TEST_CASE("a file that starts with a UTF-16 byte-order mark is an error at line 1", "[csv]") {
  using namespace std::string_literals;
  for (const std::string& content : {"\xFF\xFE"
                                     "a\0\n\0"s,
                                     "\xFE\xFF"
                                     "\0a\0\n"s}) {
    const auto [e, rows] = read_error(content, {"a"});
    CHECK(e.line() == 1);
    CHECK(e.column() == 0);
    CHECK(std::string(e.what()) ==
          e.file() + ":1: starts with a UTF-16 byte-order mark; the file must be UTF-8");
  }
}

TEST_CASE("a row of up to max_row_bytes bytes is read and a longer one is an error", "[csv]") {
  // Rows with their line ends: "a,b\n" 4 bytes, "1,2\r\n" 5, "333,4444\n" 9.
  const std::string_view content = "a,b\n1,2\r\n333,4444\n";
  CHECK(read_limited(content, {"a", "b"}, 9) == Rows{{{"1", "2"}, 2}, {{"333", "4444"}, 3}});
  const auto [e, rows] = read_error(content, {"a", "b"}, 8);
  CHECK(e.line() == 3);
  CHECK(e.column() == 0);
  CHECK(std::string(e.what()) == e.file() + ":3: row longer than 8 bytes");
  CHECK(rows == Rows{{{"1", "2"}, 2}});
  // The header is a row too.
  CHECK(read_error(content, {"a", "b"}, 3).first.line() == 1);
  // Empty lines between rows are no part of either.
  CHECK(read_limited("a\n\n\n\n1\n", {"a"}, 2) == Rows{{{"1"}, 5}});
}

TEST_CASE("a multi-line row counts all its lines and is reported where it starts", "[csv]") {
  // Row 2 spans lines 2-4: "1,\"x\n" 5 bytes, "yy\n" 3, "zzz\"\n" 5: 13 in all.
  const std::string_view content = "a,b\n1,\"x\nyy\nzzz\"\n";
  CHECK(read_limited(content, {"a", "b"}, 13) == Rows{{{"1", "x\nyy\nzzz"}, 2}});
  const auto [e, rows] = read_error(content, {"a", "b"}, 12);
  CHECK(e.line() == 2);
  CHECK(std::string(e.what()) == e.file() + ":2: row longer than 12 bytes");
  // The same when the long field is the row's first, not yet complete.
  CHECK(read_error("a\n\n\"x\nyy\nzzz\"\n", {"a"}, 8).first.line() == 3);
}

TEST_CASE("a quote never closed stops at the row limit instead of reading the whole file",
          "[csv]") {
  // 3 MiB after the open quote: more than a read block and than the limit of 2 MiB.
  const std::string rest(std::size_t{3} << 20, 'x');
  const auto [e, rows] = read_error("a,b\n1,2\n3,\"" + rest, {"a", "b"}, std::size_t{2} << 20);
  CHECK(std::string(e.what()) == e.file() + ":3: row longer than 2097152 bytes");
  CHECK(rows == Rows{{{"1", "2"}, 2}});
}

// ---- the header alone ------------------------------------------------------------------------

TEST_CASE("read_csv_header gives the header's trimmed names and reads no further", "[csv]") {
  using cbf::host::read_csv_header;
  using Names = std::vector<std::string>;
  const TempFile plain("\xEF\xBB\xBF\n x ,\"t_\n\"\"x\"\"\", T\r\n1,2\n\"never closed");
  CHECK(read_csv_header(plain.path()) == Names{"x", "t_\n\"x\"", "T"});
  const TempFile empty("");
  CHECK(read_csv_header(empty.path()).empty());
  const TempFile last_line("a,b");
  CHECK(read_csv_header(last_line.path()) == Names{"a", "b"});
  // read_csv reports the same names beside the requested columns' presence.
  const Result r = read(
      "b,\xEF\xBB\xBF"
      "a\n1,2\n",
      {"a", "b"});
  CHECK(r.header.names == Names{"b",
                                "\xEF\xBB\xBF"
                                "a"});
  CHECK(r.header.present == std::vector<bool>{false, true});
}

TEST_CASE(
    "read_csv_header reports a quote never closed and a header beyond the row limit as "
    "read_csv does",
    "[csv]") {
  using cbf::host::read_csv_header;
  const TempFile open_quote("x,\"t_x,T\n1\n2\n3\n");
  try {
    (void)read_csv_header(open_quote.path());
    FAIL("no error");
  } catch (const CsvError& e) {
    CHECK(std::string(e.what()) == e.file() + ":1:2: unterminated quoted field");
  }
  const TempFile long_header("abcdefgh,ijk\n1,2\n");
  try {
    (void)read_csv_header(long_header.path(), 8);
    FAIL("no error");
  } catch (const CsvError& e) {
    CHECK(std::string(e.what()) == e.file() + ":1: row longer than 8 bytes");
  }
  CHECK(read_csv_header(long_header.path(), 13).size() == 2);
  CHECK_THROWS_AS(read_csv_header(fs::temp_directory_path() / "cbf_no_such_file.csv"), CsvError);
}

TEST_CASE("read_csv reports the bytes read after each block, ending at the file's size") {
  const fs::path file = unique_temp_path();
  std::string text = "a,b\n";
  while (text.size() < (std::size_t{5} << 20)) text += "\"x,\ny\",123456789\n";
  std::ofstream(file, std::ios::binary) << text;
  std::vector<std::uint64_t> seen;
  std::size_t rows = 0;
  const std::string_view columns[] = {"a", "b"};
  (void)cbf::host::read_csv(
      file, columns, [&](std::span<const std::string_view>, std::size_t) { ++rows; }, false,
      cbf::host::default_max_row_bytes, [&](std::uint64_t bytes) { seen.push_back(bytes); });
  fs::remove(file);
  CHECK(rows == (text.size() - 4) / 17);
  REQUIRE(seen.size() >= 5);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(seen.back() == text.size());
}

TEST_CASE("read_tables reports its progress over the four files, ending at their total size") {
  const fs::path dir = unique_temp_path();
  fs::create_directories(dir);
  std::ofstream(dir / "customers.csv") << "customer_id\nc1\nc2\n";
  std::ofstream(dir / "user_interactions.csv")
      << "customer_id,event_type,created_at\nc1,page_viewed,2025-01-01T00:00:00Z\n";
  std::vector<cbf::host::ReadProgress> seen;
  const cbf::host::Tables t =
      cbf::host::read_tables(dir, [&](const cbf::host::ReadProgress& p) { seen.push_back(p); });
  const std::uint64_t total =
      fs::file_size(dir / "customers.csv") + fs::file_size(dir / "user_interactions.csv");
  fs::remove_all(dir);
  REQUIRE(t.record_count() == 3);
  REQUIRE(!seen.empty());
  CHECK(seen.back().bytes_total == total);
  CHECK(seen.back().bytes_done == total);
  CHECK(seen.front().bytes_done == 18);  // customers.csv, read in one block
}

namespace {

/// Every row read_csv_parallel gives, in file order (part by part), with its line; or the error.
std::string read_in_parts(const fs::path& file, std::size_t parts, bool* discarded = nullptr) {
  const std::string_view columns[] = {"a", "b", "c"};
  struct Line {
    std::size_t line;
    std::string fields;
  };
  std::vector<std::vector<Line>> by_part(parts);
  cbf::host::CsvParts read;
  try {
    read = cbf::host::read_csv_parallel(
        file, columns, parts,
        [&](std::size_t part, std::span<const std::string_view> fields, std::size_t line) {
          std::string text;
          for (const std::string_view f : fields) (text += '|') += f;
          by_part.at(part).push_back(Line{line, text});
        },
        [&] {
          for (auto& rows : by_part) rows.clear();
          if (discarded != nullptr) *discarded = true;
        });
  } catch (const cbf::host::CsvError& e) {
    return std::string("error ") + e.what();
  }
  // Each part's lines counted from its first: placed in the file by first_lines.
  std::string all;
  for (std::size_t k = 0; k < by_part.size(); ++k) {
    if (by_part[k].empty()) continue;
    REQUIRE(k < read.first_lines.size());
    for (const Line& l : by_part[k])
      all += std::to_string(read.first_lines[k] + l.line - 1) + l.fields + '\n';
  }
  return all;
}

/// A file of about `bytes` bytes whose rows hold quoted line breaks, doubled quotes, commas in
/// quotes, CRLF and lone CR line ends.
std::string mixed_rows(std::size_t bytes) {
  std::mt19937 random(7);
  std::string text =
      "\xEF\xBB\xBF"
      "c,a,b\r\n";
  for (std::size_t row = 0; text.size() < bytes; ++row) {
    switch (random() % 6) {
      case 0:
        text += "\"x\ny\",\"q\"\"uote\",3\n";
        break;
      case 1:
        text += "p,\"a,b\r\nc\",\r\n";
        break;
      case 2:
        text += ",,\r";
        break;
      case 3:
        text += "\n";  // a blank line
        break;
      default:
        text += "row" + std::to_string(row) + ",v" + std::to_string(random() % 1000) + ",w\n";
    }
  }
  return text;
}

}  // namespace

TEST_CASE("reading a file in parallel parts gives read_csv's rows, lines and order") {
  const fs::path file = unique_temp_path();
  std::ofstream(file, std::ios::binary) << mixed_rows(std::size_t{9} << 20);
  const std::string whole = read_in_parts(file, 1);
  REQUIRE(whole.size() > (std::size_t{9} << 20));
  CHECK(read_in_parts(file, 2) == whole);
  CHECK(read_in_parts(file, 3) == whole);
  CHECK(read_in_parts(file, 8) == whole);
  fs::remove(file);
}

TEST_CASE("a split that falls inside a quoted field is found, and the file read again whole") {
  // Rows of 16 bytes around a quoted field of line breaks that spans the middle of the file: the
  // first line feed past the middle, where two parts would split, lies inside the quotes.
  const fs::path file = unique_temp_path();
  std::string text = "a,b,c\n";
  while (text.size() < (std::size_t{5} << 20) / 2 - 4096) text += "1234567,abcde,x\n";
  text += "q,\"";
  for (int i = 0; i < 1000; ++i) text += "line ,of a quoted field\n";
  text += "\",z\n";
  while (text.size() < (std::size_t{5} << 20)) text += "7654321,edcba,y\n";
  std::ofstream(file, std::ios::binary) << text;
  bool discarded = false;
  const std::string whole = read_in_parts(file, 1, &discarded);
  CHECK_FALSE(discarded);
  CHECK(read_in_parts(file, 2, &discarded) == whole);
  CHECK(discarded);  // the speculative split was wrong, and the rows read again
  // Four parts: the splits at a quarter and three quarters are right, the middle one is not.
  discarded = false;
  CHECK(read_in_parts(file, 4, &discarded) == whole);
  CHECK(discarded);
  // A file without quotes splits where it should, and nothing is read twice.
  std::string plain = "a,b,c\n";
  while (plain.size() < (std::size_t{5} << 20)) plain += "1234567,abcde,x\n";
  std::ofstream(file, std::ios::binary) << plain;
  discarded = false;
  const std::string plain_whole = read_in_parts(file, 1);
  CHECK(read_in_parts(file, 3, &discarded) == plain_whole);
  CHECK_FALSE(discarded);
  fs::remove(file);
}

TEST_CASE("reading a file in parallel parts reports read_csv's first error, wherever it lies") {
  const fs::path file = unique_temp_path();
  const std::string rows = mixed_rows(std::size_t{9} << 20);
  // A stray quote early (the first part's), late (the last part's), and a quote never closed at
  // the end of the file.
  for (const std::size_t at : {rows.size() / 10, rows.size() * 9 / 10}) {
    std::string text = rows;
    text.insert(text.find('\n', at) + 1, "oops\"here,1,2\n");
    std::ofstream(file, std::ios::binary) << text;
    const std::string single = read_in_parts(file, 1);
    REQUIRE(single.starts_with("error "));
    CHECK_THAT(single, Catch::Contains("quote inside an unquoted field"));
    CHECK(read_in_parts(file, 2) == single);
    CHECK(read_in_parts(file, 4) == single);
  }
  std::ofstream(file, std::ios::binary) << rows + "\"never closed,1,2\n";
  const std::string single = read_in_parts(file, 1);
  CHECK_THAT(single, Catch::Contains("unterminated quoted field"));
  CHECK(read_in_parts(file, 2) == single);
  CHECK(read_in_parts(file, 3) == single);
  fs::remove(file);
}

// ---- the cursor: read_csv one row at a time ---------------------------------------------------

namespace {

/// The rows of a file read with a CsvCursor, each copied before the next is read.
Result read_by_cursor(const fs::path& path, const Columns& columns, bool missing_ok = false) {
  cbf::host::CsvCursor cursor(path, columns, missing_ok);
  Result r;
  r.header = cursor.header();
  while (cursor.next())
    r.rows.push_back(Row{{cursor.fields().begin(), cursor.fields().end()}, cursor.line()});
  return r;
}

}  // namespace

TEST_CASE("a cursor reads the rows, lines and header read_csv reads", "[csv]") {
  const std::string big(std::size_t{3} << 19, 'y');  // 1.5 MiB: a row across read blocks
  for (const std::string& content :
       {std::string("a,b\n1,2\n"), std::string("b,x,a\r\n\"q,\"\"1\",,\"two\nlines\"\r\n\r\n3\n"),
        std::string("\xEF\xBB\xBF a ,b\n1,\"" + big + "\n" + big + "\"\n\n\n2,3"),
        std::string("a,b\r1,2\r\r3,4\r"), std::string("a,b\n"), std::string()}) {
    INFO("content: " << content.substr(0, 40));
    const TempFile file(content);
    const Result expected = read_path(file.path(), {"a", "b", "c"});
    const Result cursor = read_by_cursor(file.path(), {"a", "b", "c"});
    CHECK(cursor.rows == expected.rows);
    CHECK(cursor.header.present == expected.header.present);
    CHECK(cursor.header.line == expected.header.line);
    CHECK(cursor.header.names == expected.header.names);
  }
  // A missing file, allowed: no header, no rows.
  const Result missing = read_by_cursor(unique_temp_path(), {"a"}, /*missing_ok=*/true);
  CHECK(missing.rows.empty());
  CHECK(missing.header.line == 0);
}

TEST_CASE("a cursor stops at read_csv's error after the same rows", "[csv]") {
  const std::string content = "a,b\n1,2\n3,\"open\n4,5\n";
  const TempFile file(content);
  const Columns columns{"a", "b"};  // the cursor views them
  cbf::host::CsvCursor cursor(file.path(), columns);
  REQUIRE(cursor.next());
  CHECK(cursor.line() == 2);
  try {
    (void)cursor.next();
    FAIL("no CsvError");
  } catch (const CsvError& e) {
    const auto [expected, rows] = read_error(content, columns);  // another file, same text
    const std::string message = e.what();
    CHECK(message == file.path().string() + ":3:2: unterminated quoted field");
    CHECK(message.substr(message.find(':')) ==
          std::string(expected.what()).substr(std::string(expected.what()).find(':')));
    CHECK(rows.size() == 1);
  }
  CHECK_THROWS_AS(cbf::host::CsvCursor(unique_temp_path(), columns), CsvError);
}
