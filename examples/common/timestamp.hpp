// Strict reading and writing of the reference host's timestamps (contract §5).
#pragma once

#include <cbf/time.hpp>
#include <string>
#include <string_view>

namespace cbf::host {

/// Reads a contract §5 timestamp: blank (empty or only ASCII whitespace) → cbf::TimeField{}
/// (missing); anything not in the grammar or out of range → cbf::TimeField::invalid(); else the
/// instant (UTC, µs).
[[nodiscard]] cbf::TimeField parse_timestamp(std::string_view text) noexcept;

/// Writes an instant as YYYY-MM-DDTHH:MM:SSZ, with .fff when its sub-second part is whole
/// milliseconds (non-zero) and .ffffff otherwise (non-zero); no fraction when it is zero.
[[nodiscard]] std::string format_timestamp(cbf::Timestamp t);

}  // namespace cbf::host
