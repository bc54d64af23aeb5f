// The four record kinds of the contract (§1) as concepts over adapted host types.
#pragma once

#include <cbf/access.hpp>

#include <range/v3/range_fwd.hpp>  // ranges::view_base, without the weight of its concepts

#include <ranges>
#include <type_traits>

namespace cbf {

/// A customer row: needs `customer_id`; reads `shop_id`, `created_at` when present. Every field
/// the type has (a member, or a binding in record_traits<R>::fields) must be readable.
template <class R>
concept customer_record = has_customer_id<R> && detail::readable_fields<R>;

/// An interaction (event) row: needs `customer_id`, `event_type`, `created_at`.
template <class R>
concept interaction_record =
    has_customer_id<R> && has_event_type<R> && has_created_at<R> && detail::readable_fields<R>;

/// A session row: needs `customer_id`, `session_id`, `start_time`.
template <class R>
concept session_record =
    has_customer_id<R> && has_session_id<R> && has_start_time<R> && detail::readable_fields<R>;

/// An order attribution row: needs `customer_id`, `order_id`, `created_at`.
template <class R>
concept attribution_record =
    has_customer_id<R> && has_order_id<R> && has_created_at<R> && detail::readable_fields<R>;

namespace detail {

// Each record kind's required fields, one error per field missing, then every field's checks:
// what CBF_DETAIL_REQUIRE_RANGE asserts, so that each error names its field. True when they pass,
// and then the record models the kind's concept.
#define CBF_DETAIL_REQUIRE_FIELD(WHAT, NAME)                                       \
  static_assert(has_##NAME<R>, "cbf: the " WHAT " record type has no field " #NAME \
                               " (a member of that name or a binding in "          \
                               "record_traits<R>::fields); docs/adapting-your-records.md")

template <class R>
[[nodiscard]] constexpr bool require_customer_record() noexcept {
  CBF_DETAIL_REQUIRE_FIELD("customer", customer_id);
  return check_fields<R>();
}

template <class R>
[[nodiscard]] constexpr bool require_interaction_record() noexcept {
  CBF_DETAIL_REQUIRE_FIELD("interaction", customer_id);
  CBF_DETAIL_REQUIRE_FIELD("interaction", event_type);
  CBF_DETAIL_REQUIRE_FIELD("interaction", created_at);
  return check_fields<R>();
}

template <class R>
[[nodiscard]] constexpr bool require_session_record() noexcept {
  CBF_DETAIL_REQUIRE_FIELD("session", customer_id);
  CBF_DETAIL_REQUIRE_FIELD("session", session_id);
  CBF_DETAIL_REQUIRE_FIELD("session", start_time);
  return check_fields<R>();
}

template <class R>
[[nodiscard]] constexpr bool require_attribution_record() noexcept {
  CBF_DETAIL_REQUIRE_FIELD("attribution", customer_id);
  CBF_DETAIL_REQUIRE_FIELD("attribution", order_id);
  CBF_DETAIL_REQUIRE_FIELD("attribution", created_at);
  return check_fields<R>();
}

#undef CBF_DETAIL_REQUIRE_FIELD

}  // namespace detail

/// The record type of a range, seen through pointers and reference_wrappers.
template <class Range>
using record_of =
    std::remove_cvref_t<decltype(detail::deref(*std::ranges::begin(std::declval<Range&>())))>;

/// A range of records that stay in place while a calculator runs (read, never copied).
template <class Range>
concept record_range = std::ranges::forward_range<Range> &&
    std::is_lvalue_reference_v<std::ranges::range_reference_t<Range>>;

/// A range a stream reads (stream_batch, for_each_customer_in_order): read in one pass from its
/// beginning (two passes without Config::as_of, each from a fresh begin()), so an input range of
/// lvalue records will do, such as records parsed from a file as they are read. Only the records
/// of the key being taken and of the key before it are used: a record may be released once the
/// range has read a record of the second key after its own (keys as the stream reads them, a
/// blank id as empty, in the order they come; a record without a customer_id is of no key).
template <class Range>
concept streamed_record_range = std::ranges::input_range<Range> &&
    std::is_lvalue_reference_v<std::ranges::range_reference_t<Range>>;

namespace detail {
/// A range-v3 view as range-v3's view_ concept tells one by default (derived from
/// ranges::view_base, semiregular); whether it is a range is checked where records are read.
template <class T>
concept range_v3_view = std::is_base_of_v<ranges::view_base, T> && std::semiregular<T>;
}  // namespace detail

/// A range argument whose records outlive the call: an lvalue, or a view or borrowed range over
/// records kept elsewhere. A context keeps views into its records, so it refuses temporaries
/// that own them.
template <class Range>
concept records_outlive_call = std::is_lvalue_reference_v<Range> ||
    std::ranges::borrowed_range<Range> || std::ranges::view<std::remove_cvref_t<Range>> ||
    detail::range_v3_view<std::remove_cvref_t<Range>>;

}  // namespace cbf

// Used at API boundaries so that an unadapted type fails with a message naming the field.
#define CBF_DETAIL_REQUIRE_RANGE(RANGE, CONCEPT, WHAT)                               \
  static_assert(::cbf::record_range<RANGE>,                                          \
                "cbf: " WHAT                                                         \
                " must be a forward range of lvalue records (a container, a view "   \
                "of one, or pointers to records), since records are read in place"); \
  static_assert(::cbf::detail::require_##CONCEPT<::cbf::record_of<RANGE>>())

// The same for the inputs of a stream, which may be input ranges (streamed_record_range).
#define CBF_DETAIL_REQUIRE_STREAM(RANGE, CONCEPT, WHAT)                                  \
  static_assert(::cbf::streamed_record_range<RANGE>,                                     \
                "cbf: " WHAT                                                             \
                " of a stream must be an input range of lvalue records (a container, a " \
                "view of one, pointers to records, or records read as they arrive)");    \
  static_assert(::cbf::detail::require_##CONCEPT<::cbf::record_of<RANGE>>())

// Used where a CustomerContext outlives the call and keeps views into the records.
#define CBF_DETAIL_REQUIRE_KEPT(RANGE, WHAT)                        \
  static_assert(::cbf::records_outlive_call<RANGE>,                 \
                "cbf: a CustomerContext keeps views into the " WHAT \
                " records; pass them as an "                        \
                "lvalue container or a view, not as a temporary container")
