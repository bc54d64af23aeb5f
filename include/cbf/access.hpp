// The only code that reads host records: one accessor per contract field, over any adapted type.
//
// A field is read from `cbf::record_traits<R>::NAME(r)` when the host specialised it, else from a
// data member `r.NAME`, else it is missing. See docs/adapting-your-records.md.
#pragma once

#include <cbf/events.hpp>
#include <cbf/time.hpp>

#include <charconv>
#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace cbf {

/// Customization point: specialise for a record type whose members do not carry the contract's
/// field names. Each static function `NAME(const R&)` you provide is the field NAME; fields you
/// leave out are missing (or read from a member of that name). Text fields must return a view or a
/// reference (std::string_view, const std::string&, const std::optional<std::string>&, const
/// char*), timestamps a std::chrono::sys_time of any duration, an optional of one, or
/// cbf::TimeField, numbers an arithmetic type or an optional of one. The id fields (shop_id,
/// customer_id, session_id, order_id, product_id, category_id) may also be any integer type or an
/// optional of one, read as their decimal text; event_type may also be a cbf::EventKind or an
/// optional of one.
template <class Record>
struct record_traits {};

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
inline constexpr bool owns_text =
    std::is_same_v<std::remove_cvref_t<T>, std::string> ||
    std::is_same_v<std::remove_cvref_t<T>, std::optional<std::string>>;

/// A raw field value that owns its text and would die with the accessor's full expression: a
/// std::string or an optional of one returned by value.
template <class Raw>
concept owned_text = !std::is_lvalue_reference_v<Raw> && owns_text<Raw>;

/// The text of an owned_text value, moved out of it (empty for an empty optional).
template <class Raw>
[[nodiscard]] std::string owned_text_of(Raw&& raw) noexcept {
  if constexpr (is_optional<std::remove_cvref_t<Raw>>::value) {
    return raw ? std::move(*raw) : std::string{};
  } else {
    return std::move(raw);
  }
}

// Text is read as a view into storage that outlives the computation, such as the record: a
// string returned by value would dangle where the library keeps a view of it (the ids).
template <class Raw>
[[nodiscard]] constexpr std::string_view as_text(Raw&& raw) noexcept {
  static_assert(std::is_lvalue_reference_v<Raw> || !owns_text<Raw>,
                "cbf: this field's accessor returns a std::string by value, which dies when the "
                "accessor returns while the library still views it. Return a const reference or "
                "a std::string_view into storage that outlives the computation, such as the "
                "record itself; an id may instead be returned as an integer, and event_type as "
                "a cbf::EventKind (docs/adapting-your-records.md)");
  using T = std::remove_cvref_t<Raw>;
  if constexpr (is_optional<T>::value) {
    return raw ? std::string_view(*raw) : std::string_view{};
  } else if constexpr (std::is_convertible_v<T, const char*>) {
    const char* p = raw;
    return p ? std::string_view(p) : std::string_view{};
  } else {
    static_assert(std::is_convertible_v<const T&, std::string_view>,
                  "cbf: a text field must be a string, a string_view or an optional of one "
                  "(docs/adapting-your-records.md)");
    return std::string_view(raw);
  }
}

template <class Raw>
[[nodiscard]] constexpr TimeField as_time(const Raw& raw) noexcept {
  static_assert(std::is_convertible_v<const Raw&, TimeField>,
                "cbf: a timestamp field must be a std::chrono::sys_time<D>, an optional of one, or "
                "cbf::TimeField (docs/adapting-your-records.md)");
  return TimeField(raw);
}

template <class Raw>
[[nodiscard]] constexpr std::optional<double> as_number(const Raw& raw) noexcept {
  if constexpr (is_optional<Raw>::value) {
    static_assert(std::is_arithmetic_v<typename Raw::value_type>,
                  "cbf: a number field must be arithmetic or an optional of an arithmetic type");
    return raw ? std::optional<double>(static_cast<double>(*raw)) : std::nullopt;
  } else {
    static_assert(std::is_arithmetic_v<Raw>,
                  "cbf: a number field must be arithmetic or an optional of an arithmetic type");
    return static_cast<double>(raw);
  }
}

/// An integer type an id field may have: any integral type but bool and the character types.
template <class T>
concept integer_id =
    std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
    !std::same_as<T, signed char> && !std::same_as<T, unsigned char> && !std::same_as<T, wchar_t> &&
    !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

/// An id field's raw value that is a number: an integer_id or an optional of one.
template <class T>
concept number_id = integer_id<std::remove_cvref_t<T>> ||
    (is_optional<std::remove_cvref_t<T>>::value&&
         integer_id<typename std::remove_cvref_t<T>::value_type>);

/// Room for the decimal text of any 64-bit integer, sign included.
struct IdDigits {
  char bytes[24]{};  // zeroed, so no compiler sees it read uninitialised

  /// Whether `text` lies in these bytes (then it lives only as long as they do).
  [[nodiscard]] bool holds(std::string_view text) const noexcept {
    return !text.empty() && std::less_equal<>{}(bytes, text.data()) &&
           std::less<>{}(text.data(), bytes + sizeof bytes);
  }
};

/// The decimal text of a number id in `digits`; empty for an empty optional.
template <class Raw>
[[nodiscard]] std::string_view id_digits(const Raw& raw, IdDigits& digits) noexcept {
  using T = std::remove_cvref_t<Raw>;
  if constexpr (is_optional<T>::value) {
    return raw ? id_digits(*raw, digits) : std::string_view{};
  } else {
    static_assert(sizeof(T) <= 8, "cbf: an integer id has at most 64 bits");
    const auto result = std::to_chars(digits.bytes, digits.bytes + sizeof digits.bytes, raw);
    return std::string_view(digits.bytes, static_cast<std::size_t>(result.ptr - digits.bytes));
  }
}

/// An event_type's raw value that is already an event kind, or an optional of one.
template <class T>
concept kind_event = std::same_as<std::remove_cvref_t<T>, EventKind> ||
    std::same_as<std::remove_cvref_t<T>, std::optional<EventKind>>;

/// A record behind a pointer or reference_wrapper is read through it, so hosts can pass indices.
template <class R>
[[nodiscard]] constexpr const auto& deref(const R& r) noexcept {
  if constexpr (std::is_pointer_v<R>) {
    return *r;
  } else if constexpr (requires {
                         typename R::type;
                         requires std::is_same_v<R, std::reference_wrapper<typename R::type>>;
                       }) {
    return r.get();
  } else {
    return r;
  }
}

}  // namespace detail

// Declares, for one field NAME: detection (traits or member), and the raw read.
#define CBF_DETAIL_FIELD(NAME)                                                       \
  namespace detail {                                                                 \
  template <class R>                                                                 \
  concept traits_has_##NAME = requires(const R& r) {                                 \
    record_traits<R>::NAME(r);                                                       \
  };                                                                                 \
  template <class R>                                                                 \
  concept member_has_##NAME = requires(const R& r) {                                 \
    r.NAME;                                                                          \
  };                                                                                 \
  }                                                                                  \
  template <class R>                                                                 \
  concept has_##NAME = detail::traits_has_##NAME<R> || detail::member_has_##NAME<R>; \
  namespace detail {                                                                 \
  template <class R>                                                                 \
  [[nodiscard]] constexpr decltype(auto) raw_##NAME(const R& r) noexcept {           \
    if constexpr (traits_has_##NAME<R>) {                                            \
      return record_traits<R>::NAME(r);                                              \
    } else {                                                                         \
      return (r.NAME);                                                               \
    }                                                                                \
  }                                                                                  \
  }

// A text field is a std::string_view of the record's text, or the std::string an accessor made
// (returned by value): the library reads such a field within one expression, never keeps a view.
#define CBF_DETAIL_TEXT_FIELD(NAME)                                                  \
  CBF_DETAIL_FIELD(NAME)                                                             \
  namespace field {                                                                  \
  /** The text field NAME of a record, empty when missing: a view, or owned text. */ \
  template <class R>                                                                 \
  [[nodiscard]] constexpr decltype(auto) NAME(const R& r) noexcept {                 \
    if constexpr (!has_##NAME<R>) {                                                  \
      return std::string_view{};                                                     \
    } else if constexpr (detail::owned_text<decltype(detail::raw_##NAME(r))>) {      \
      return detail::owned_text_of(detail::raw_##NAME(r));                           \
    } else {                                                                         \
      return detail::as_text(detail::raw_##NAME(r));                                 \
    }                                                                                \
  }                                                                                  \
  }

#define CBF_DETAIL_TIME_FIELD(NAME)                                              \
  CBF_DETAIL_FIELD(NAME)                                                         \
  namespace field {                                                              \
  /** The timestamp field NAME of a record, missing when the record has none. */ \
  template <class R>                                                             \
  [[nodiscard]] constexpr TimeField NAME(const R& r) noexcept {                  \
    if constexpr (has_##NAME<R>) {                                               \
      return detail::as_time(detail::raw_##NAME(r));                             \
    } else {                                                                     \
      return {};                                                                 \
    }                                                                            \
  }                                                                              \
  }

#define CBF_DETAIL_NUMBER_FIELD(NAME)                                       \
  CBF_DETAIL_FIELD(NAME)                                                    \
  namespace field {                                                         \
  /** The number field NAME of a record, empty when missing. */             \
  template <class R>                                                        \
  [[nodiscard]] constexpr std::optional<double> NAME(const R& r) noexcept { \
    if constexpr (has_##NAME<R>) {                                          \
      return detail::as_number(detail::raw_##NAME(r));                      \
    } else {                                                                \
      return std::nullopt;                                                  \
    }                                                                       \
  }                                                                         \
  }

// An id field: text as a text field, or an integer (or an optional of one) read as its decimal
// text. field::NAME gives the text of a text id; detail::id_text_NAME any id's text, the digits of
// a number written into a caller's IdDigits.
#define CBF_DETAIL_ID_FIELD(NAME)                                                         \
  CBF_DETAIL_FIELD(NAME)                                                                  \
  namespace field {                                                                       \
  /** The text id NAME of a record, empty when missing. */                                \
  template <class R>                                                                      \
  [[nodiscard]] constexpr std::string_view NAME(const R& r) noexcept {                    \
    if constexpr (has_##NAME<R>) {                                                        \
      static_assert(!detail::number_id<decltype(detail::raw_##NAME(r))>,                  \
                    "cbf: this id is an integer, which has no text to view; the library " \
                    "reads it through detail::id_text_" #NAME);                           \
      return detail::as_text(detail::raw_##NAME(r));                                      \
    } else {                                                                              \
      return {};                                                                          \
    }                                                                                     \
  }                                                                                       \
  }                                                                                       \
  namespace detail {                                                                      \
  /** Whether the record's id NAME is an integer (or an optional of one). */              \
  template <class R>                                                                      \
  concept number_##NAME =                                                                 \
      has_##NAME<R>&& number_id<decltype(raw_##NAME(std::declval<const R&>()))>;          \
  /** The id NAME as text: a view into the record, or a number's digits in `digits`. */   \
  template <class R>                                                                      \
  [[nodiscard]] std::string_view id_text_##NAME(const R& r, IdDigits& digits) noexcept {  \
    if constexpr (!has_##NAME<R>) {                                                       \
      return {};                                                                          \
    } else if constexpr (number_id<decltype(raw_##NAME(r))>) {                            \
      return id_digits(raw_##NAME(r), digits);                                            \
    } else {                                                                              \
      return as_text(raw_##NAME(r));                                                      \
    }                                                                                     \
  }                                                                                       \
  }

CBF_DETAIL_ID_FIELD(shop_id)
CBF_DETAIL_ID_FIELD(customer_id)
CBF_DETAIL_TEXT_FIELD(tags)
CBF_DETAIL_TEXT_FIELD(currency_code)
CBF_DETAIL_TEXT_FIELD(locale)
CBF_DETAIL_ID_FIELD(session_id)
CBF_DETAIL_FIELD(event_type)
CBF_DETAIL_TEXT_FIELD(page_type)
CBF_DETAIL_ID_FIELD(product_id)
CBF_DETAIL_ID_FIELD(category_id)
CBF_DETAIL_TEXT_FIELD(search_query)
CBF_DETAIL_TEXT_FIELD(device_type)
CBF_DETAIL_TEXT_FIELD(browser_type)
CBF_DETAIL_TEXT_FIELD(referrer_type)
CBF_DETAIL_ID_FIELD(order_id)
CBF_DETAIL_TEXT_FIELD(attribution_type)
CBF_DETAIL_TIME_FIELD(created_at)
CBF_DETAIL_TIME_FIELD(updated_at)
CBF_DETAIL_TIME_FIELD(start_time)
CBF_DETAIL_TIME_FIELD(end_time)
CBF_DETAIL_NUMBER_FIELD(view_duration)
CBF_DETAIL_NUMBER_FIELD(attribution_value)

namespace field {
/// The text event_type of a record, empty when missing (a record holding an EventKind has none):
/// a view, or the text an accessor made.
template <class R>
[[nodiscard]] constexpr decltype(auto) event_type(const R& r) noexcept {
  if constexpr (!has_event_type<R> || detail::kind_event<decltype(detail::raw_event_type(r))>) {
    return std::string_view{};
  } else if constexpr (detail::owned_text<decltype(detail::raw_event_type(r))>) {
    return detail::owned_text_of(detail::raw_event_type(r));
  } else {
    return detail::as_text(detail::raw_event_type(r));
  }
}
}  // namespace field

namespace detail {
/// The event kind of a record (contract §1, *Event kinds*): its text classified, or the
/// cbf::EventKind it holds; empty when the field is missing or blank.
template <class R>
[[nodiscard]] constexpr std::optional<EventKind> event_kind_of(const R& r) noexcept {
  if constexpr (!has_event_type<R>) {
    return std::nullopt;
  } else if constexpr (kind_event<decltype(raw_event_type(r))>) {
    return raw_event_type(r);
  } else {
    const auto& raw = field::event_type(r);  // a view, or owned text kept alive by the reference
    const std::string_view text = trim(raw);
    if (text.empty()) return std::nullopt;
    return classify_event(text);
  }
}
}  // namespace detail

#undef CBF_DETAIL_ID_FIELD
#undef CBF_DETAIL_NUMBER_FIELD
#undef CBF_DETAIL_TIME_FIELD
#undef CBF_DETAIL_TEXT_FIELD
#undef CBF_DETAIL_FIELD

}  // namespace cbf
