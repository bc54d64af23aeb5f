// Plain record structs for hosts that have none of their own (contract §1).
#pragma once

#include <cbf/time.hpp>

#include <optional>
#include <string>

namespace cbf {

/// A customer row. Only `customer_id` is required.
struct Customer {
  std::string shop_id{};
  std::string customer_id{};
  TimeField created_at{};
  TimeField updated_at{};
  std::string tags{};
  std::string currency_code{};
  std::string locale{};
};

/// One tracked event. Required: `customer_id`, `event_type`, `created_at`.
struct Interaction {
  std::string shop_id{};
  std::string customer_id{};
  std::string session_id{};
  std::string event_type{};
  std::string page_type{};
  std::string product_id{};
  std::string category_id{};
  std::string search_query{};
  std::optional<double> view_duration{};  ///< seconds in view; NaN = unreadable
  std::string device_type{};
  TimeField created_at{};
};

/// A visit as the tracker recorded it. Required: `customer_id`, `session_id`, `start_time`.
struct Session {
  std::string shop_id{};
  std::string customer_id{};
  std::string session_id{};
  TimeField start_time{};
  TimeField end_time{};
  std::string device_type{};
  std::string browser_type{};
  std::string referrer_type{};
  TimeField created_at{};
};

/// One row of an order's attribution. Required: `customer_id`, `order_id`, `created_at`.
struct Attribution {
  std::string shop_id{};
  std::string customer_id{};
  std::string order_id{};
  std::string product_id{};
  std::string session_id{};
  std::string attribution_type{};
  std::optional<double> attribution_value{};  ///< money ≥ 0; missing = 0, NaN = unreadable
  TimeField created_at{};
};

}  // namespace cbf
