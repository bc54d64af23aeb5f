// The only code that reads host records: one accessor per contract field, over any adapted type.
//
// `cbf::field::NAME` is the field's tag: `cbf::field::NAME(r)` reads the field of a record, and
// `cbf::field::NAME = getter` binds it in a record_traits<R>::fields table (<cbf/fields.hpp>). A
// field is read through its binding when the table has one, else from a data member `r.NAME`,
// else it is missing. See docs/adapting-your-records.md.
#pragma once

#include <cbf/events.hpp>
#include <cbf/fields.hpp>
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

namespace detail {

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

// Every contract field (contract §1) and how it is read: X(NAME, KIND) for each.
#define CBF_DETAIL_FIELDS(X) \
  X(shop_id, id)             \
  X(customer_id, id)         \
  X(tags, text)              \
  X(currency_code, text)     \
  X(locale, text)            \
  X(session_id, id)          \
  X(event_type, event)       \
  X(page_type, text)         \
  X(product_id, id)          \
  X(category_id, id)         \
  X(search_query, text)      \
  X(device_type, text)       \
  X(browser_type, text)      \
  X(referrer_type, text)     \
  X(order_id, id)            \
  X(attribution_type, text)  \
  X(created_at, time)        \
  X(updated_at, time)        \
  X(start_time, time)        \
  X(end_time, time)          \
  X(view_duration, number)   \
  X(attribution_value, number)

namespace detail {

#define CBF_DETAIL_FIELD_ID(NAME, KIND) NAME,
/// One value per contract field, naming its tag type FieldTag<FieldId::NAME>.
enum class FieldId { CBF_DETAIL_FIELDS(CBF_DETAIL_FIELD_ID) };
#undef CBF_DETAIL_FIELD_ID

/// The tag type of one field: reads it (operator()), binds it (operator=), checks an adapter.
template <FieldId>
struct FieldTag;

/// The raw value of the field Tag of a record: its binding's result, else its member (the field
/// must be there).
template <class Tag, class R>
[[nodiscard]] constexpr decltype(auto) raw_field(const R& r) noexcept {
  static_assert(Tag::template check<R>());
  if constexpr (bound_field<Tag, R>) {
    return std::invoke(record_traits<R>::fields.template getter<Tag>(), r);
  } else {
    return Tag::member(r);
  }
}

/// Whether the field Tag of R is there and readable.
template <class Tag, class R>
concept usable_field = present_field<Tag, R> && readable_field<Tag, R>;

/// The field Tag of a record as the library reads it: a timestamp (missing when absent), a number
/// (empty when absent), an id's text (empty when absent), or a text field's text (empty when
/// absent): a view, or the std::string an accessor made (returned by value).
template <class Tag, class R>
[[nodiscard]] constexpr decltype(auto) read_field(const R& r) noexcept {
  static_assert(Tag::template check<R>());
  if constexpr (Tag::kind == FieldKind::time) {
    if constexpr (usable_field<Tag, R>) {
      return as_time(raw_field<Tag>(r));
    } else {
      return TimeField{};
    }
  } else if constexpr (Tag::kind == FieldKind::number) {
    if constexpr (usable_field<Tag, R>) {
      return as_number(raw_field<Tag>(r));
    } else {
      return std::optional<double>{};
    }
  } else if constexpr (Tag::kind == FieldKind::id) {
    if constexpr (usable_field<Tag, R>) {
      if constexpr (number_id<decltype(raw_field<Tag>(r))>) {
        static_assert(Tag::template check_text_id<decltype(raw_field<Tag>(r))>());
        return std::string_view{};
      } else {
        return as_text(raw_field<Tag>(r));
      }
    } else {
      return std::string_view{};
    }
  } else if constexpr (!usable_field<Tag, R>) {
    return std::string_view{};
  } else if constexpr (kind_event<decltype(raw_field<Tag>(r))>) {
    return std::string_view{};  // an event_type held as a cbf::EventKind has no text
  } else if constexpr (owned_text<decltype(raw_field<Tag>(r))>) {
    return owned_text_of(raw_field<Tag>(r));
  } else {
    return as_text(raw_field<Tag>(r));
  }
}

/// An id's text: a view into the record, or a number's digits written in `digits`.
template <class Tag, class R>
[[nodiscard]] std::string_view id_text(const R& r, IdDigits& digits) noexcept {
  static_assert(Tag::template check<R>());
  if constexpr (!usable_field<Tag, R>) {
    return {};
  } else if constexpr (number_id<decltype(raw_field<Tag>(r))>) {
    return id_digits(raw_field<Tag>(r), digits);
  } else {
    return as_text(raw_field<Tag>(r));
  }
}

}  // namespace detail

// What each kind of field may be, for the error naming a field of another type.
#define CBF_DETAIL_ACCEPTS_id                                                                    \
  "An id may be text viewed in place (std::string_view, const std::string&, const char*, or an " \
  "optional of one) or an integer or an optional of one; never a std::string by value, which "   \
  "dies when the accessor returns while the library still views it: return a const reference "   \
  "or a std::string_view into storage that outlives the computation, such as the record itself"
#define CBF_DETAIL_ACCEPTS_text                                                            \
  "A text field may be text viewed in place (std::string_view, const std::string&, const " \
  "char*, or an optional of one) or a std::string or std::optional<std::string> by value"
#define CBF_DETAIL_ACCEPTS_event                                                                \
  "event_type may be text viewed in place (std::string_view, const std::string&, const char*, " \
  "or an optional of one), a std::string or std::optional<std::string> by value, or a "         \
  "cbf::EventKind or an optional of one"
#define CBF_DETAIL_ACCEPTS_time                                                           \
  "A timestamp may be a std::chrono::sys_time<D> of any duration D, an optional of one, " \
  "or cbf::TimeField"
#define CBF_DETAIL_ACCEPTS_number "A number field may be an arithmetic type or an optional of one"

// The tag of one field NAME: its type, the object cbf::field::NAME, and the names the library
// reads it by (has_NAME, detail::raw_NAME). Each check names the field in its message.
#define CBF_DETAIL_FIELD(NAME, KIND)                                                             \
  namespace detail {                                                                             \
  template <class R>                                                                             \
  concept member_has_##NAME = requires(const R& r) {                                             \
    r.NAME;                                                                                      \
  };                                                                                             \
  template <>                                                                                    \
  struct FieldTag<FieldId::NAME> {                                                               \
    static constexpr FieldKind kind = FieldKind::KIND;                                           \
    static constexpr std::string_view name = #NAME;                                              \
    template <class R>                                                                           \
    static constexpr bool has_member = member_has_##NAME<R>;                                     \
    template <class R>                                                                           \
    [[nodiscard]] static constexpr decltype(auto) member(const R& r) noexcept {                  \
      return (r.NAME);                                                                           \
    }                                                                                            \
    /** `cbf::field::NAME = getter`: the field's entry in a cbf::fields(...) table. */           \
    template <class Getter>                                                                      \
    constexpr FieldBinding<FieldTag, Getter> operator=(Getter getter) const noexcept {           \
      return {getter};                                                                           \
    }                                                                                            \
    /** `cbf::field::NAME(r)`: the field of a record as the library reads it. */                 \
    template <class R>                                                                           \
    [[nodiscard]] constexpr decltype(auto) operator()(const R& r) const noexcept {               \
      return read_field<FieldTag>(r);                                                            \
    }                                                                                            \
    template <int Count>                                                                         \
    static constexpr void check_bound_once() noexcept {                                          \
      static_assert(Count <= 1, "cbf: cbf::fields(...) binds field " #NAME                       \
                                " more than once; bind each "                                    \
                                "field once (docs/adapting-your-records.md)");                   \
    }                                                                                            \
    template <class Raw>                                                                         \
    [[nodiscard]] static constexpr bool check_text_id() noexcept {                               \
      static_assert(!number_id<Raw>,                                                             \
                    "cbf: cbf::field::" #NAME "(r) views an id's text, and this record's " #NAME \
                    " is an integer, which has none (the library reads it as its decimal "       \
                    "text)");                                                                    \
      return true;                                                                               \
    }                                                                                            \
    template <class R>                                                                           \
    [[nodiscard]] static constexpr bool check() noexcept {                                       \
      static_assert(getter_accepts_record<FieldTag, R>(),                                        \
                    "cbf: the accessor given for field " #NAME                                   \
                    " must accept the record as "                                                \
                    "const R&: a pointer to a data member, a pointer to a const member "         \
                    "function, or a callable taking const R& (docs/adapting-your-records.md)");  \
      static_assert(result_readable<FieldTag, R>(),                                              \
                    "cbf: field " #NAME                                                          \
                    " is of a type cbf cannot read (the member of that "                         \
                    "name, or what its accessor in record_traits<R>::fields "                    \
                    "returns). " CBF_DETAIL_ACCEPTS_##KIND " (docs/adapting-your-records.md)");  \
      return true;                                                                               \
    }                                                                                            \
  };                                                                                             \
  /** The raw value of the field NAME: its accessor's result, else the member. */                \
  template <class R>                                                                             \
  [[nodiscard]] constexpr decltype(auto) raw_##NAME(const R& r) noexcept {                       \
    return raw_field<FieldTag<FieldId::NAME>>(r);                                                \
  }                                                                                              \
  }                                                                                              \
  /** Whether a record has the field NAME: bound in record_traits<R>::fields, or a member. */    \
  template <class R>                                                                             \
  concept has_##NAME = detail::present_field<detail::FieldTag<detail::FieldId::NAME>, R>;        \
  namespace field {                                                                              \
  /** The field NAME: `field::NAME(r)` reads it, `field::NAME = getter` binds it. */             \
  inline constexpr detail::FieldTag<detail::FieldId::NAME> NAME{};                               \
  }

CBF_DETAIL_FIELDS(CBF_DETAIL_FIELD)

// An id field may also be an integer (or an optional of one), read as its decimal text.
#define CBF_DETAIL_ID_FIELD(NAME)                                                        \
  namespace detail {                                                                     \
  /** Whether the record's id NAME is an integer (or an optional of one). */             \
  template <class R>                                                                     \
  concept number_##NAME = usable_field<FieldTag<FieldId::NAME>, R>&&                     \
      number_id<decltype(raw_##NAME(std::declval<const R&>()))>;                         \
  /** The id NAME as text: a view into the record, or a number's digits in `digits`. */  \
  template <class R>                                                                     \
  [[nodiscard]] std::string_view id_text_##NAME(const R& r, IdDigits& digits) noexcept { \
    return id_text<FieldTag<FieldId::NAME>>(r, digits);                                  \
  }                                                                                      \
  }

CBF_DETAIL_ID_FIELD(shop_id)
CBF_DETAIL_ID_FIELD(customer_id)
CBF_DETAIL_ID_FIELD(session_id)
CBF_DETAIL_ID_FIELD(product_id)
CBF_DETAIL_ID_FIELD(category_id)
CBF_DETAIL_ID_FIELD(order_id)

namespace detail {

#define CBF_DETAIL_READABLE(NAME, KIND) readable_field<FieldTag<FieldId::NAME>, R>&&
/// Whether every field a record has (bound or a member) is of a type the library can read.
template <class R>
concept readable_fields = CBF_DETAIL_FIELDS(CBF_DETAIL_READABLE)
true;
#undef CBF_DETAIL_READABLE

#define CBF_DETAIL_CHECK(NAME, KIND) FieldTag<FieldId::NAME>::check<R>()&&
/// Checks every field of a record, each with an error naming it; true when they pass.
template <class R>
[[nodiscard]] constexpr bool check_fields() noexcept {
  return CBF_DETAIL_FIELDS(CBF_DETAIL_CHECK) true;
}
#undef CBF_DETAIL_CHECK

/// The event kind of a record (contract §1, *Event kinds*): its text classified, or the
/// cbf::EventKind it holds; empty when the field is missing or blank.
template <class R>
[[nodiscard]] constexpr std::optional<EventKind> event_kind_of(const R& r) noexcept {
  static_assert(FieldTag<FieldId::event_type>::check<R>());
  if constexpr (!usable_field<FieldTag<FieldId::event_type>, R>) {
    return std::nullopt;
  } else if constexpr (kind_event<decltype(raw_event_type(r))>) {
    const std::optional<EventKind> kind = raw_event_type(r);
    // A value outside the enumeration (a host's cast of a kind it never mapped) reads as
    // `other`, as an event_type text of no known name does.
    if (kind && static_cast<std::size_t>(*kind) >= event_kind_count) return EventKind::other;
    return kind;
  } else {
    const auto& raw = field::event_type(r);  // a view, or owned text kept alive by the reference
    const std::string_view text = trim(raw);
    if (text.empty()) return std::nullopt;
    return classify_event(text);
  }
}

}  // namespace detail

#undef CBF_DETAIL_ID_FIELD
#undef CBF_DETAIL_FIELD
#undef CBF_DETAIL_ACCEPTS_number
#undef CBF_DETAIL_ACCEPTS_time
#undef CBF_DETAIL_ACCEPTS_event
#undef CBF_DETAIL_ACCEPTS_text
#undef CBF_DETAIL_ACCEPTS_id
#undef CBF_DETAIL_FIELDS

}  // namespace cbf
