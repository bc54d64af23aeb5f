// The library's version.
#pragma once

#define CBF_VERSION_MAJOR 0
#define CBF_VERSION_MINOR 1
#define CBF_VERSION_PATCH 0

namespace cbf {
/// The version as "major.minor.patch".
inline constexpr const char* version = "0.1.0";
}  // namespace cbf
