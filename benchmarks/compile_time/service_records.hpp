// The four record types of the all-kinds service file: integer ids and stamps held as a service
// holds them, read by their member names.
#pragma once

#include <cbf/events.hpp>

#include <chrono>
#include <cstdint>

struct Account {
  std::int64_t customer_id;
  std::chrono::sys_seconds created_at;
};

struct Visit {
  std::int64_t customer_id;
  std::int64_t session_id;
  std::chrono::sys_seconds start_time;
  std::chrono::sys_seconds end_time;
};

struct Sale {
  std::int64_t customer_id;
  std::int64_t order_id;
  std::int64_t session_id;
  double attribution_value;
  std::chrono::sys_seconds created_at;
};
