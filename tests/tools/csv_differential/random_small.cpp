// The hand-written CSV reader against the libcsv reader it replaced (commit af7600d), on random
// small files: every outcome (rows, header, or the error and its position) must be the same.
// Built and run by run.sh.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>
#include "common/csv_reader.hpp"
#include "new_reader.hpp"
#include "old_csv_reader.hpp"

struct Outcome {
  std::string text;
};

template <class ReadCsv, class Error>
std::string run(ReadCsv read_csv, const std::string& path, std::size_t max_row) {
  std::string out;
  const std::string_view cols[] = {"a", "b", "c"};
  try {
    auto h = read_csv(
        path, std::span<const std::string_view>(cols),
        [&](std::span<const std::string_view> f, std::size_t line) {
          out += std::to_string(line) + ":";
          for (auto v : f) {
            out += "[";
            out += v;
            out += "]";
          }
          out += "\n";
        },
        true, max_row);
    out += "H" + std::to_string(h.line) + ":";
    for (bool b : h.present) out += b ? "1" : "0";
    for (auto& n : h.names) {
      out += "{" + n + "}";
    }
  } catch (const Error& e) {
    out += std::string("E ") + e.what() + " @" + std::to_string(e.line()) + ":" +
           std::to_string(e.column());
  }
  return out;
}

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::mt19937 rng(argc > 2 ? std::atoi(argv[2]) : 1);
  const std::string alphabet[] = {"a",  "b",  "c",    ",", ",", "\"",   "\"",           "\n",
                                  "\n", "\r", "\r\n", " ", "x", "\"\"", "\xEF\xBB\xBF", "\xFF\xFE",
                                  "\t"};
  const char* path = "/tmp/cbf_csv_differential.csv";
  int diffs = 0;
  for (int it = 0; it < iterations; ++it) {
    std::string text;
    if (rng() % 3 != 0)
      text = std::vector<std::string>{"a,b,c\n",
                                      "a,b\r\n",
                                      "\"a\",c,b\n",
                                      "c\n",
                                      " a ,b\n",
                                      "\xEF\xBB\xBF"
                                      "a,b,c\n"}[rng() % 6];
    const int n = rng() % 24;
    for (int i = 0; i < n; ++i) text += alphabet[rng() % std::size(alphabet)];
    { std::ofstream(path, std::ios::binary) << text; }
    const std::size_t max_row = (rng() % 4 == 0) ? 1 + rng() % 12 : 64;
    const std::string got =
        run<decltype(new_read_csv), cbf::host::CsvError>(new_read_csv, path, max_row);
    const std::string want =
        run<decltype(&old_host::read_csv), old_host::CsvError>(&old_host::read_csv, path, max_row);
    if (got != want) {
      if (++diffs <= 5) {
        std::cout << "INPUT (max_row " << max_row << "): ";
        for (unsigned char c : text) {
          if (c < 32 || c == '\\' || c >= 127)
            std::printf("\\x%02X", c);
          else
            std::putchar(c);
        }
        std::cout << "\n NEW: " << got << "\n OLD: " << want << "\n";
      }
    }
  }
  std::cout << diffs << " differences in " << iterations << "\n";
  if (argc > 3) {
    std::ofstream(path, std::ios::binary) << "a,b,c\n1,\"x\"\"y\",3\n\"q\r\nr\",2\n";
    std::cout << run<decltype(new_read_csv), cbf::host::CsvError>(new_read_csv, path, 64) << "\n";
  }
  return diffs != 0;
}
