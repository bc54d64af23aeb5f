// The adapter's table: cbf::record_traits<R>::fields binds contract fields to a record's getters.
//
// A host adapts a record type whose members do not carry the contract's names with one table,
// each field named by its tag (so a misspelt name is a compile error):
//
//   template <>
//   struct cbf::record_traits<OrderLine> {
//     static constexpr auto fields = cbf::fields(cbf::field::customer_id = &OrderLine::user,
//                                                cbf::field::created_at = &OrderLine::placed_at);
//   };
//
// See docs/adapting-your-records.md. The tags themselves are declared in <cbf/access.hpp>.
#pragma once

#include <cbf/events.hpp>
#include <cbf/time.hpp>

#include <concepts>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace cbf {

/// Customization point: specialise for a record type whose members do not carry the contract's
/// field names, with one member `static constexpr auto fields = cbf::fields(cbf::field::NAME =
/// getter, ...)`. A getter is a pointer to a data member, a pointer to a const member function,
/// or any callable taking `const R&`. Fields you leave out are read from a member of that name,
/// or are missing.
template <class Record>
struct record_traits {
  /// Marks the primary template: a specialisation lacks it and must declare `fields`.
  using cbf_primary_template = void;
};

namespace detail {

/// How a field is read, which decides what its getter may return.
enum class FieldKind { id, text, event, time, number };

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

/// A value whose text can be viewed: a string, a string_view, a C string.
template <class T>
concept text_value =
    std::is_convertible_v<T, const char*> || std::is_convertible_v<const T&, std::string_view>;

/// A raw field value read as a view of text that outlives the read: a reference to a string, a
/// view, a C string, or an optional of one (never a string owned by a temporary).
template <class Raw>
concept viewable_text = (std::is_lvalue_reference_v<Raw> || !owns_text<Raw>)&&(
    text_value<std::remove_cvref_t<Raw>> ||
    (is_optional<std::remove_cvref_t<Raw>>::value &&
     text_value<typename std::remove_cvref_t<Raw>::value_type>));

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

/// An event_type's raw value that is already an event kind, or an optional of one.
template <class T>
concept kind_event = std::same_as<std::remove_cvref_t<T>, EventKind> ||
    std::same_as<std::remove_cvref_t<T>, std::optional<EventKind>>;

/// A value a timestamp field reads: a sys_time, an optional of one, a cbf::TimeField.
template <class Raw>
concept time_value = (std::is_convertible_v<const std::remove_cvref_t<Raw>&, TimeField>);

template <class T>
concept arithmetic_or_optional = std::is_arithmetic_v<T> ||
    (is_optional<T>::value&& std::is_arithmetic_v<typename T::value_type>);

/// Whether a field of kind K can read the raw value a getter returns (type and value category).
template <FieldKind K, class Raw>
inline constexpr bool readable_as =
    K == FieldKind::id      ? viewable_text<Raw> || number_id<Raw>
    : K == FieldKind::text  ? viewable_text<Raw> || owned_text<Raw>
    : K == FieldKind::event ? viewable_text<Raw> || owned_text<Raw> || kind_event<Raw>
    : K == FieldKind::time  ? time_value<Raw>
                            : arithmetic_or_optional<std::remove_cvref_t<Raw>>;

/// One entry of a fields table: the field Tag is read by Getter.
template <class Tag, class Getter>
struct FieldBinding {
  using tag = Tag;
  Getter getter;
};

template <class T>
inline constexpr bool is_binding = false;
template <class Tag, class Getter>
inline constexpr bool is_binding<FieldBinding<Tag, Getter>> = true;

/// The position of the first binding of Tag among Bindings (their count when there is none).
template <class Tag, class... Bindings>
[[nodiscard]] constexpr std::size_t binding_index() noexcept {
  constexpr bool match[] = {std::is_same_v<typename Bindings::tag, Tag>..., false};
  std::size_t i = 0;
  while (!match[i]) ++i;
  return i;
}

/// The table cbf::fields makes: each field bound at most once.
template <class... Bindings>
struct FieldTable {
  std::tuple<Bindings...> bindings;

  /// How many bindings name the field Tag.
  template <class Tag>
  static constexpr int count = (0 + ... + (std::is_same_v<typename Bindings::tag, Tag> ? 1 : 0));

  /// The getter bound to the field Tag (which count<Tag> says is bound).
  template <class Tag>
  [[nodiscard]] constexpr const auto& getter() const noexcept {
    return std::get<binding_index<Tag, Bindings...>()>(bindings).getter;
  }
};

template <class T>
inline constexpr bool is_field_table = false;
template <class... Bindings>
inline constexpr bool is_field_table<FieldTable<Bindings...>> = true;

template <class R>
concept traits_specialised = !requires {
  typename record_traits<R>::cbf_primary_template;
};

template <class R>
concept traits_have_fields = requires {
  requires is_field_table<std::remove_cvref_t<decltype(record_traits<R>::fields)>>;
};

/// Whether record_traits<R> has a fields table; an error for a specialisation without one.
template <class R>
[[nodiscard]] constexpr bool has_field_table() noexcept {
  if constexpr (!traits_specialised<R>) {
    return false;
  } else {
    static_assert(traits_have_fields<R>,
                  "cbf: this record_traits<R> specialisation has no fields table. Write "
                  "`static constexpr auto fields = cbf::fields(cbf::field::NAME = getter, ...);` "
                  "in it, each field named by its tag so that a misspelt name is a compile error "
                  "(if you did, the error above is in it). A static function per field, the old "
                  "form, is not read: it was silently ignored when its name was misspelt or it "
                  "took R&, and the feature came out null; docs/adapting-your-records.md");
    return traits_have_fields<R>;
  }
}

/// How many bindings record_traits<R>::fields has for the field Tag.
template <class Tag, class R>
[[nodiscard]] constexpr int bound_count() noexcept {
  if constexpr (has_field_table<R>()) {
    return std::remove_cvref_t<decltype(record_traits<R>::fields)>::template count<Tag>;
  } else {
    return 0;
  }
}

/// Whether record_traits<R>::fields binds the field Tag.
template <class Tag, class R>
concept bound_field = (bound_count<Tag, R>() > 0);

/// Whether a record has the field Tag: bound in its table, or a member of that name.
template <class Tag, class R>
concept present_field = bound_field<Tag, R> || Tag::template has_member<R>;

/// The type of the getter bound to Tag in record_traits<R>::fields.
template <class Tag, class R>
using getter_of = std::remove_cvref_t<decltype(record_traits<R>::fields.template getter<Tag>())>;

/// Whether the getter bound to Tag (if any) accepts `const R&`.
template <class Tag, class R>
[[nodiscard]] constexpr bool getter_accepts_record() noexcept {
  if constexpr (bound_field<Tag, R>) {
    return std::is_invocable_v<const getter_of<Tag, R>&, const R&>;
  } else {
    return true;
  }
}

/// Whether the field Tag of R, where it is there and its getter accepts the record, returns a
/// type the field can read.
template <class Tag, class R>
[[nodiscard]] constexpr bool result_readable() noexcept {
  if constexpr (bound_field<Tag, R>) {
    if constexpr (std::is_invocable_v<const getter_of<Tag, R>&, const R&>) {
      return readable_as<Tag::kind, std::invoke_result_t<const getter_of<Tag, R>&, const R&>>;
    } else {
      return true;
    }
  } else if constexpr (Tag::template has_member<R>) {
    return readable_as<Tag::kind, decltype(Tag::member(std::declval<const R&>()))>;
  } else {
    return true;
  }
}

/// Whether the field Tag of R is missing or readable: what the record concepts require.
template <class Tag, class R>
concept readable_field = getter_accepts_record<Tag, R>() && result_readable<Tag, R>();

}  // namespace detail

/// The table of a record_traits specialisation: `cbf::fields(cbf::field::NAME = getter, ...)`.
template <class... Bindings>
[[nodiscard]] constexpr auto fields(Bindings... bindings) noexcept {
  static_assert((detail::is_binding<Bindings> && ...),
                "cbf: each argument of cbf::fields must bind a field by its tag: "
                "cbf::field::NAME = getter (docs/adapting-your-records.md)");
  if constexpr ((detail::is_binding<Bindings> && ...)) {
    using Table = detail::FieldTable<Bindings...>;
    (Bindings::tag::template check_bound_once<Table::template count<typename Bindings::tag>>(),
     ...);
    return Table{{bindings...}};
  } else {
    return detail::FieldTable<>{};
  }
}

}  // namespace cbf
