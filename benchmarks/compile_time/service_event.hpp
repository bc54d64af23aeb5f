// The record type both service files of the compile-time benchmark adapt: integer ids, an event
// kind and a timestamp, read by their member names.
#pragma once

#include <cbf/events.hpp>

#include <chrono>
#include <cstdint>

struct Event {
  std::int64_t customer_id;
  std::int64_t session_id;
  cbf::EventKind event_type;
  std::chrono::sys_seconds created_at;
};

inline constexpr std::chrono::sys_seconds first_event{std::chrono::seconds{1700000000}};
