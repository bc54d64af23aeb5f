// The reader under test, with the parameters of the libcsv reader it replaced.
#pragma once

#include "common/csv_reader.hpp"

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

inline const auto new_read_csv =
    [](const std::filesystem::path& file, std::span<const std::string_view> columns,
       const cbf::host::CsvRowHandler& on_row, bool missing_ok, std::size_t max_row_bytes) {
      return cbf::host::read_csv(file, columns, on_row, missing_ok, max_row_bytes);
    };
