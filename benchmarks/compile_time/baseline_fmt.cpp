// The baseline of the compile-time benchmark: fmt and the standard headers a service file uses.
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

int main() {
  const std::vector<std::string> names{"a", "b"};
  const std::optional<double> value = 1.5;
  const std::string s = fmt::format("{} {} {}", names.size(), value.value_or(0.0), names.front());
  return static_cast<int>(s.size());
}
