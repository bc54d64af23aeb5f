// The hand-written CSV reader against the libcsv reader it replaced, on multi-megabyte files
// whose rows straddle the read blocks. Built and run by run.sh.
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include "common/csv_reader.hpp"
#include "new_reader.hpp"
#include "old_csv_reader.hpp"
template <class F, class E>
std::string run(F f, const std::string& path, std::size_t max_row) {
  std::string out;
  const std::string_view cols[] = {"a", "b", "c"};
  try {
    auto h = f(
        path, std::span<const std::string_view>(cols),
        [&](std::span<const std::string_view> v, std::size_t line) {
          out += std::to_string(line);
          for (auto x : v) {
            out += '|';
            out += x;
          }
          out += '\n';
        },
        true, max_row);
    out += "H" + std::to_string(h.line);
  } catch (const E& e) {
    out += std::string("E ") + e.what();
  }
  return out;
}
int main(int argc, char** argv) {
  std::mt19937 rng(argc > 1 ? std::atoi(argv[1]) : 1);
  const std::string pieces[] = {"abc",       ",",          ",",  ",",         "\n",  "\r\n",
                                "\"q,\nx\"", "\"a\"\"b\"", "\r", "xyzxyzxyz", "\"\""};
  int diffs = 0;
  for (int it = 0; it < 12; ++it) {
    std::string text = "a,b,c\n";
    const std::size_t size = 500000 + rng() % 3000000;
    while (text.size() < size) {
      // mostly well-formed rows: field,field,field\n
      for (int f = 0; f < 3; ++f) {
        if (f) text += ',';
        const int k = rng() % 40;
        if (rng() % 30000 == 0)
          text += pieces[rng() % std::size(pieces)];
        else if (k < 5)
          text += "\"x\"\"y\nz\"";
        else
          text += std::string(rng() % 12, 'a' + rng() % 26);
      }
      text += (rng() % 7 == 0) ? "\r\n" : "\n";
    }
    if (it % 3 == 1) text += "\"unterminated";
    if (it % 3 == 2) {
      text += "aa";
      text += std::string(2'000'000, 'x');
      text += "\n";
    }
    std::ofstream("/tmp/cbf_csv_differential_large.csv", std::ios::binary) << text;
    const std::size_t max_row = it % 2 ? 1'500'000 : 64u << 20;
    const auto a = run<decltype(new_read_csv), cbf::host::CsvError>(
        new_read_csv, "/tmp/cbf_csv_differential_large.csv", max_row);
    const auto b = run<decltype(&old_host::read_csv), old_host::CsvError>(
        &old_host::read_csv, "/tmp/cbf_csv_differential_large.csv", max_row);
    if (a != b) {
      ++diffs;
      std::cout << "diff at it " << it << " sizes " << a.size() << " " << b.size() << "\n"
                << a.substr(a.size() > 300 ? a.size() - 300 : 0) << "\n---\n"
                << b.substr(b.size() > 300 ? b.size() - 300 : 0) << "\n";
    } else
      std::cout << "same " << it << " (" << text.size() << " bytes, " << a.size() << " out)\n";
  }
  return diffs;
}
