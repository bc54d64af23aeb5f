// Reading host records into a context's rows, once each, with the diagnostics of contract §3.
#pragma once

#include <cbf/access.hpp>
#include <cbf/config.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/text.hpp>
#include <cbf/rows.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cbf::detail {

enum class Reason : std::uint8_t {
  used,
  missing_field,
  bad_timestamp,
  after_as_of,
  before_lookback,
  empty_order_id,
  bad_money,
  duplicate_session,
  duplicate_customer
};

constexpr void count(RecordCounts& c, Reason r) noexcept {
  switch (r) {
    case Reason::used:
      ++c.used;
      break;
    case Reason::missing_field:
      ++c.missing_field;
      break;
    case Reason::bad_timestamp:
      ++c.bad_timestamp;
      break;
    case Reason::after_as_of:
      ++c.after_as_of;
      break;
    case Reason::before_lookback:
      ++c.before_lookback;
      break;
    case Reason::empty_order_id:
      ++c.empty_order_id;
      break;
    case Reason::bad_money:
      ++c.bad_money;
      break;
    case Reason::duplicate_session:
      ++c.duplicate_session;
      break;
    case Reason::duplicate_customer:
      ++c.duplicate_customer;
      break;
  }
}

/// The observation window [window_start, as_of] of contract §0.
struct Window {
  Timestamp as_of;
  std::optional<Timestamp> start;

  /// bad_timestamp, after_as_of, before_lookback or used for a required stamp.
  [[nodiscard]] constexpr Reason check(const TimeField& stamp) const noexcept {
    if (!stamp.is_valid()) return Reason::bad_timestamp;
    if (stamp.value() > as_of) return Reason::after_as_of;
    if (start && stamp.value() < *start) return Reason::before_lookback;
    return Reason::used;
  }
};

[[nodiscard]] inline Window make_window(const Config& config, Timestamp as_of) noexcept {
  Window w{as_of, std::nullopt};
  if (config.lookback) w.start = earlier_by(as_of, *config.lookback);
  return w;
}

/// A money value as the contract reads it: missing = 0, -0 = 0; empty when bad.
[[nodiscard]] inline std::optional<double> read_money(std::optional<double> v) noexcept {
  if (!v) return 0.0;
  if (!(*v >= 0.0 && *v <= 1e12)) return std::nullopt;  // also rejects NaN
  return *v + 0.0;                                      // -0 + 0 = +0
}

/// A view_duration in microseconds; empty when missing; `bad` when present but unreadable.
[[nodiscard]] inline std::optional<Duration> read_view_duration(std::optional<double> v,
                                                                bool& bad) noexcept {
  bad = false;
  if (!v) return std::nullopt;
  if (!(*v >= 0.0 && *v <= 1e9)) {
    bad = true;
    return std::nullopt;
  }
  return Duration{static_cast<std::int64_t>(std::nearbyint(*v * 1e6))};
}

/// Contract §1, "Time order": time, then page_view first, then input order.
[[nodiscard]] constexpr bool time_order_less(const InteractionRow& a,
                                             const InteractionRow& b) noexcept {
  if (a.time != b.time) return a.time < b.time;
  const bool pa = a.kind == EventKind::page_view;
  const bool pb = b.kind == EventKind::page_view;
  if (pa != pb) return pa;
  return a.input_index < b.input_index;
}

/// The text of an integer id, formatted and kept in the context's arena once per run of equal
/// values: a customer's records mostly repeat the last one (a session's events, the customer).
template <class Raw>
[[nodiscard]] std::string_view kept_number(CustomerContext& ctx, IdMemo& memo, const Raw& raw) {
  using T = std::remove_cvref_t<Raw>;
  if constexpr (is_optional<T>::value) {
    return raw ? kept_number(ctx, memo, *raw) : std::string_view{};
  } else {
    const bool negative = raw < T{0};
    const auto bits = static_cast<std::uint64_t>(raw);
    if (memo.set && memo.bits == bits && memo.negative == negative) return memo.text;
    IdDigits digits;
    memo = IdMemo{true, negative, bits, ctx.scratch.ids.keep(id_digits(raw, digits))};
    return memo.text;
  }
}

// kept_NAME(ctx, r): the key's id NAME of record r as text that lives as long as ctx, blank read
// as empty: a view into the record, or an integer's digits kept in the context (id_memos[MEMO]).
#define CBF_DETAIL_KEPT_ID(NAME, MEMO)                                           \
  template <class R>                                                             \
  [[nodiscard]] std::string_view kept_##NAME(CustomerContext& ctx, const R& r) { \
    if constexpr (number_##NAME<R>) {                                            \
      return kept_number(ctx, ctx.scratch.id_memos[MEMO], raw_##NAME(r));        \
    } else {                                                                     \
      IdDigits unused;                                                           \
      return id_or_empty(id_text_##NAME(r, unused));                             \
    }                                                                            \
  }
CBF_DETAIL_KEPT_ID(shop_id, 0)
CBF_DETAIL_KEPT_ID(customer_id, 1)
#undef CBF_DETAIL_KEPT_ID

/// The event kind of an interaction (event_kind_of), through the cache for text event types.
template <class R>
[[nodiscard, gnu::always_inline]] inline std::optional<EventKind> read_event_kind(
    EventKindCache& cache, const R& r) noexcept {
  if constexpr (has_event_type<R> && !kind_event<decltype(raw_event_type(r))>)
    return cache.kind_of(field::event_type(r));
  else
    return event_kind_of(r);
}

/// The id of an integer id's decimal text (0 for an empty optional).
template <class Raw>
[[nodiscard]] TextId intern_number(TextPool& pool, const Raw& raw) {
  if constexpr (is_optional<std::remove_cvref_t<Raw>>::value) {
    return raw ? pool.intern_number(*raw) : no_text;
  } else {
    return pool.intern_number(raw);
  }
}

// intern_NAME(pool, r): the id of record r's id NAME in `pool`, exact, blank read as empty;
// an integer by its value, with the id of its decimal text.
#define CBF_DETAIL_INTERN_ID(NAME)                                                            \
  template <class R>                                                                          \
  [[nodiscard, gnu::always_inline]] inline TextId intern_##NAME(TextPool& pool, const R& r) { \
    if constexpr (!has_##NAME<R>) {                                                           \
      return no_text;                                                                         \
    } else if constexpr (number_##NAME<R>) {                                                  \
      return intern_number(pool, raw_##NAME(r));                                              \
    } else {                                                                                  \
      return pool.intern_id(id_or_empty(as_text(raw_##NAME(r))));                             \
    }                                                                                         \
  }
CBF_DETAIL_INTERN_ID(session_id)
CBF_DETAIL_INTERN_ID(product_id)
CBF_DETAIL_INTERN_ID(category_id)
CBF_DETAIL_INTERN_ID(order_id)
#undef CBF_DETAIL_INTERN_ID

/// Which of the label pool's memos (TextPool::intern) each label field uses.
enum LabelField : std::size_t {
  interaction_device,
  session_device,
  session_referrer,
  attribution_type_label
};

/// The id of a categorical label in its normalised form (trimmed, lower case); 0 when blank.
/// Inlined for its first test: many records have no label at all.
[[nodiscard, gnu::always_inline]] inline TextId intern_label(TextPool& pool, std::string& buffer,
                                                             std::string_view raw,
                                                             LabelField field) {
  if (raw.empty()) return no_text;
  const std::string_view t = trim(raw);
  // The field's last label, kept normalised: equal bytes are already in normal form.
  if (const TextId id = pool.remembered(t, field); id != no_text) return id;
  if (std::none_of(t.begin(), t.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return pool.intern(t, field);
  buffer.assign(t);
  for (char& c : buffer) c = ascii_lower(c);
  return pool.intern(buffer, field);
}

/// The id of a search query in its normalised form (what compare_queries compares); 0 when blank.
[[nodiscard]] CBF_DETAIL_ENGINE TextId intern_query(TextPool& pool, std::string& buffer,
                                                    std::string_view raw);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE TextId intern_query(TextPool& pool, std::string& buffer, std::string_view raw) {
  const std::string_view t = trim(raw);
  if (t.empty()) return no_text;
  // The last query, kept normalised: equal bytes are already in normal form.
  if (const TextId id = pool.remembered(t, 0); id != no_text) return id;
  if (is_normal_query(t)) return pool.intern_past_memo(t, 0);
  buffer.clear();
  QueryCursor cursor{t};
  for (int c = cursor.next(); c >= 0; c = cursor.next()) buffer.push_back(static_cast<char>(c));
  return pool.intern(buffer);
}
#endif

/// Sorts `v` by the strict total order `less` by insertion, while it costs at most `budget`
/// element moves: time linear in the size plus the inversions. False, with `v` a permutation of
/// what it was, when the budget ran out.
template <class T, class Less>
[[nodiscard]] bool insertion_sort_within(std::vector<T>& v, Less less, std::size_t budget) {
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (!less(v[i], v[i - 1])) continue;
    T moving = std::move(v[i]);
    std::size_t j = i;
    do {
      v[j] = std::move(v[j - 1]);
      --j;
    } while (j > 0 && less(moving, v[j - 1]) && --budget > 0);
    v[j] = std::move(moving);
    if (budget == 0) return false;
  }
  return true;
}

/// Sorts `keys`, made of ascending runs starting at `starts` (the first at 0), by merging
/// neighbouring runs pairwise, log2(runs) passes; `spare` is the merge buffer.
CBF_DETAIL_ENGINE void merge_runs(std::vector<TimeOrderKey>& keys, std::vector<TimeOrderKey>& spare,
                                  std::vector<std::uint32_t>& starts);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void merge_runs(std::vector<TimeOrderKey>& keys, std::vector<TimeOrderKey>& spare,
                                  std::vector<std::uint32_t>& starts) {
  const std::size_t n = keys.size();
  spare.resize(n);
  while (starts.size() > 1) {
    std::size_t kept = 0;
    for (std::size_t r = 0; r < starts.size(); r += 2) {
      const std::size_t a = starts[r];
      const std::size_t b = r + 1 < starts.size() ? starts[r + 1] : n;
      const std::size_t c = r + 2 < starts.size() ? starts[r + 2] : n;
      std::merge(keys.begin() + static_cast<std::ptrdiff_t>(a),
                 keys.begin() + static_cast<std::ptrdiff_t>(b),
                 keys.begin() + static_cast<std::ptrdiff_t>(b),
                 keys.begin() + static_cast<std::ptrdiff_t>(c),
                 spare.begin() + static_cast<std::ptrdiff_t>(a));
      starts[kept++] = static_cast<std::uint32_t>(a);
    }
    starts.resize(kept);
    keys.swap(spare);
  }
}
#endif

/// Sorts Session records, in input order, by start time, then input order: 16-byte keys are
/// sorted and each record then moves once (`spare` is the buffer it moves to).
CBF_DETAIL_ENGINE void sort_by_start(std::vector<SessionCandidate>& records,
                                     std::vector<TimeOrderKey>& keys,
                                     std::vector<SessionCandidate>& spare);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void sort_by_start(std::vector<SessionCandidate>& records,
                                     std::vector<TimeOrderKey>& keys,
                                     std::vector<SessionCandidate>& spare) {
  keys.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i)  // position orders as input_index
    keys[i] = TimeOrderKey{records[i].row.start.time_since_epoch().count(), i};
  std::sort(keys.begin(), keys.end());
  spare.resize(records.size());
  for (std::size_t j = 0; j < keys.size(); ++j) spare[j] = records[keys[j].rest];
  records.swap(spare);
}
#endif

/// Puts rows in time order by whole blocks when they can be: a block is a stretch of one
/// session's rows in time order (a customer's sessions logged one after another, out of order,
/// or several in order: blocks are finer than ascending runs, so sessions weave no run into
/// another). The blocks are sorted by their first rows and laid one after another, in time linear
/// in the rows. False, with `rows` unchanged, when two blocks interleave in time or the blocks
/// are too many to pay.
[[nodiscard]] CBF_DETAIL_ENGINE bool lay_blocks(std::vector<InteractionRow>& rows,
                                                TimeOrderScratch& scratch);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE bool lay_blocks(std::vector<InteractionRow>& rows, TimeOrderScratch& scratch) {
  const std::size_t n = rows.size();
  std::vector<std::uint32_t>& starts = scratch.run_starts;
  starts.assign(1, 0);
  for (std::size_t i = 1; i < n; ++i)
    if (rows[i].session_id != rows[i - 1].session_id || time_order_less(rows[i], rows[i - 1]))
      starts.push_back(static_cast<std::uint32_t>(i));
  if (starts.size() * 4 > n) return false;
  const std::size_t blocks = starts.size();
  starts.push_back(static_cast<std::uint32_t>(n));  // block b is [starts[b], starts[b + 1])
  // The blocks by their first rows, as 16-byte keys: the block's number stands for its first
  // row's position, which it orders as (blocks are numbered in input order).
  std::vector<TimeOrderKey>& order = scratch.keys;
  order.resize(blocks);
  for (std::uint32_t b = 0; b < blocks; ++b) {
    const InteractionRow& first = rows[starts[b]];
    const bool page_view = first.kind == EventKind::page_view;
    order[b] = TimeOrderKey{first.time.time_since_epoch().count(),
                            (std::uint64_t{page_view ? 0u : 1u} << 32) | b};
  }
  std::sort(order.begin(), order.end());
  const auto block = [&](std::size_t k) { return order[k].rest & 0xffffffffu; };
  // Rows are distinct in the strict total order, so blocks in order of their first rows are
  // disjoint exactly when each one's last row comes before the next one's first.
  for (std::size_t k = 1; k < blocks; ++k)
    if (!time_order_less(rows[starts[block(k - 1) + 1] - 1], rows[starts[block(k)]])) return false;
  std::vector<InteractionRow>& spare = scratch.rows;
  spare.resize(n);
  InteractionRow* out = spare.data();
  for (std::size_t k = 0; k < blocks; ++k)
    out = std::copy(rows.begin() + starts[block(k)], rows.begin() + starts[block(k) + 1], out);
  rows.swap(spare);
  return true;
}
#endif

/// Puts the interactions, read in input order, in time order (contract §1). Trackers log in time
/// order but for ties and late events: with few rows out of place they are sorted in place by
/// insertion (past a budget of moves, a comparison sort finishes). Sessions logged whole but out
/// of order are laid block after block (lay_blocks). Otherwise 16-byte keys are sorted, by
/// merging their ascending runs when they are few, and each 48-byte row then moves once. The result
/// is the one arrangement of a strict total order, whichever way did the work.
CBF_DETAIL_ENGINE void sort_by_time_order(std::vector<InteractionRow>& rows,
                                          TimeOrderScratch& scratch);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void sort_by_time_order(std::vector<InteractionRow>& rows,
                                          TimeOrderScratch& scratch) {
  std::size_t descents = 0;  // rows that come before the row ahead of them
  for (std::size_t i = 1; i < rows.size(); ++i) descents += time_order_less(rows[i], rows[i - 1]);
  if (descents == 0) return;
  if (descents * 16 <= rows.size()) {
    if (!insertion_sort_within(rows, time_order_less, 4 * rows.size() + 64))
      std::sort(rows.begin(), rows.end(), time_order_less);
    return;
  }
  if (lay_blocks(rows, scratch)) return;
  std::vector<TimeOrderKey>& keys = scratch.keys;
  keys.resize(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const bool page_view = rows[i].kind == EventKind::page_view;
    keys[i] = TimeOrderKey{rows[i].time.time_since_epoch().count(),
                           (std::uint64_t{page_view ? 0u : 1u} << 32) | i};
  }
  if (descents * 4 <= rows.size()) {  // runs of four or more on average
    std::vector<std::uint32_t>& starts = scratch.run_starts;
    starts.assign(1, 0);
    for (std::size_t i = 1; i < keys.size(); ++i)
      if (keys[i] < keys[i - 1]) starts.push_back(static_cast<std::uint32_t>(i));
    merge_runs(keys, scratch.merge_keys, starts);
  } else {
    std::sort(keys.begin(), keys.end());
  }
  std::vector<InteractionRow>& spare = scratch.rows;
  spare.resize(rows.size());
  for (std::size_t j = 0; j < rows.size(); ++j) spare[j] = rows[keys[j].rest & 0xffffffffu];
  rows.swap(spare);
}
#endif

/// Prefetches the cache lines of `size` bytes at `p` into the cache: every line from the one
/// holding the first byte to the one holding the last, so an object that straddles one more line
/// than its size fills (a 104-byte record at offset 40 of a line takes three) is fetched whole.
[[gnu::always_inline]] inline void prefetch_bytes(const void* p, std::size_t size) noexcept {
  const auto first = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t last = first + size - 1;
  for (std::uintptr_t line = first & ~std::uintptr_t{63}; line <= last; line += 64)
    __builtin_prefetch(reinterpret_cast<const void*>(line));
}

/// Prefetches the cache lines of one object (a host record) into the cache.
template <class T>
[[gnu::always_inline]] inline void prefetch_object(const T* p) noexcept {
  prefetch_bytes(p, sizeof(T));
}

/// Whether a range is empty by its type, as no_records is: nothing needs compiling to read it.
template <class Range>
inline constexpr bool statically_empty = false;
template <class T>
inline constexpr bool statically_empty<std::span<T, 0>> = true;
template <class Range>
requires(!std::is_same_v<Range, std::remove_cvref_t<Range>>) inline constexpr bool statically_empty<
    Range> = statically_empty<std::remove_cvref_t<Range>>;

/// A customer's records of one type as a batch groups them: pointers it stores untyped, so that
/// the batch's engine is compiled once for every record type. A sized forward range of records.
template <class Record>
struct ErasedRecords {
  const void* const* first = nullptr;
  std::size_t count = 0;

  struct iterator {
    using value_type = Record;
    using difference_type = std::ptrdiff_t;
    const void* const* at = nullptr;
    [[nodiscard]] const Record& operator*() const noexcept {
      return *static_cast<const Record*>(*at);
    }
    iterator& operator++() noexcept {
      ++at;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++at;
      return before;
    }
    [[nodiscard]] bool operator==(const iterator&) const noexcept = default;
  };
  [[nodiscard]] iterator begin() const noexcept { return {first}; }
  [[nodiscard]] iterator end() const noexcept { return {first + count}; }
  [[nodiscard]] std::size_t size() const noexcept { return count; }
  [[nodiscard]] const Record* pointer(std::size_t i) const noexcept {
    return static_cast<const Record*>(first[i]);
  }
};

template <class T>
inline constexpr bool is_erased_records = false;
template <class Record>
inline constexpr bool is_erased_records<ErasedRecords<Record>> = true;

/// Starts loading a text's first cache line. Always inlined: GCC takes a call of it for a pure
/// call whose result is unused, and drops it.
[[gnu::always_inline]] inline void prefetch_text(std::string_view text) noexcept {
  if (!text.empty()) __builtin_prefetch(text.data());
}

/// Whether read_interactions interns the search queries of records of this type after its pass
/// over them, from their views kept in order, with each text prefetched a few queries ahead. With
/// integer ids the query is mostly the only text a record has: a loop that reads every record
/// to prefetch the text of the few that are searches waits for their lines for little, and
/// 2–6 % of the batch went there (docs/benchmarks.md, seventh session).
template <class Record>
inline constexpr bool defers_search_query = [] {
  if constexpr (has_search_query<Record>)
    return number_id<decltype(raw_customer_id(std::declval<const Record&>()))> &&
           !owned_text<decltype(raw_search_query(std::declval<const Record&>()))>;
  else
    return false;
}();

/// Starts loading the text record r's reading will touch: with text ids the two cache lines at
/// its customer_id (where a host's row text usually lies); with integer ids its labels, which lie
/// anywhere (its search query is read after the records: defers_search_query). Two fixed lines, not
/// prefetch_bytes over the row: measured, 64 or 96 bytes from customer_id were slower
/// (docs/benchmarks.md, fifth session), as the core's misses in flight, not the distance, bound
/// this reading.
template <class Record>
[[gnu::always_inline]] inline void prefetch_record_text(const Record& r) noexcept {
  if constexpr (!number_id<decltype(raw_customer_id(r))>) {
    const char* text = field::customer_id(r).data();
    __builtin_prefetch(text);
    __builtin_prefetch(text + 64);
  } else {
    // Not the search query: read_interactions interns it after its pass (defers_search_query).
    if constexpr (has_device_type<Record>)
      if constexpr (!owned_text<decltype(raw_device_type(r))>) prefetch_text(field::device_type(r));
    if constexpr (has_referrer_type<Record>)
      if constexpr (!owned_text<decltype(raw_referrer_type(r))>)
        prefetch_text(field::referrer_type(r));
    if constexpr (has_attribution_type<Record>)
      if constexpr (!owned_text<decltype(raw_attribution_type(r))>)
        prefetch_text(field::attribution_type(r));
  }
}

/// Calls `f(record, input_index)` for each of the `n` records `at(i)` points to, in chunks: the
/// chunk's records are prefetched, then their text (prefetch_record_text), then read. A
/// customer's records lie anywhere in the host's memory, and waiting for each in turn would cost
/// more than all the feature arithmetic. Prefetching never faults, so the second line may lie
/// past the text.
template <class Record, class At, class F>
[[gnu::always_inline]] inline void for_each_pointed_record(std::size_t n, At at, F& f) {
  // Loops that only prefetch keep many more lines on their way than the reading, whose
  // iterations are long, would with a prefetch a fixed distance ahead: the core runs far ahead
  // through them. Measured on the peers' data (docs/benchmarks.md, seventh session): chunks of 48
  // records beat 16 records ahead by 2–7 %; 32 to 96 are within noise of each other. A chunk's
  // text loop reads each record to find its text, by then mostly arrived.
  constexpr std::size_t chunk = 48;
  for (std::size_t begin = 0; begin < n; begin += chunk) {
    const std::size_t end = std::min(n, begin + chunk);
    for (std::size_t i = begin; i < end; ++i) prefetch_object(at(i));
    for (std::size_t i = begin; i < end; ++i) prefetch_record_text(*at(i));
    for (std::size_t i = begin; i < end; ++i) f(*at(i), static_cast<std::uint32_t>(i));
  }
}

/// Calls `f(record, input_index)` for each record in order; over pointers (a batch's or a
/// stream's groups) with the prefetching of for_each_pointed_record.
template <class Range, class F>
void for_each_record(Range&& records, F&& f) {
  using Plain = std::remove_cvref_t<Range>;
  if constexpr (is_erased_records<Plain>) {
    using Record = std::ranges::range_value_t<Plain>;
    for_each_pointed_record<Record>(
        records.size(), [&](std::size_t i) { return records.pointer(i); }, f);
  } else if constexpr (std::ranges::contiguous_range<Range> &&
                       std::is_pointer_v<std::ranges::range_value_t<Range>>) {
    using Item = std::ranges::range_value_t<Range>;
    using Record = std::remove_cvref_t<decltype(*std::declval<Item>())>;
    const auto* items = std::ranges::data(records);
    for_each_pointed_record<Record>(
        std::ranges::size(records), [&](std::size_t i) { return items[i]; }, f);
  } else {
    std::uint32_t index = 0;
    for (const auto& item : records) f(deref(item), index++);
  }
}

/// Notes the first key of a single customer's records besides the context's own.
template <class Record>
[[gnu::cold, gnu::noinline]] void note_other_key(CustomerContext& ctx, const Record& r,
                                                 std::string_view customer_id) {
  ctx.scratch.other_key.emplace(std::string(kept_shop_id(ctx, r)), std::string(customer_id));
}

/// Takes the key from the first record that has one; when the context must hold one customer
/// (ContextScratch::single_key), notes the first record of another key. Inlined: with a single
/// customer it compares every record's key, and a call would cost more than the comparison.
template <class Record>
[[gnu::always_inline]] inline void adopt_key(CustomerContext& ctx, const Record& r,
                                             std::string_view customer_id) {
  if (ctx.customer_id.empty()) [[unlikely]] {
    ctx.customer_id = customer_id;
    ctx.shop_id = kept_shop_id(ctx, r);
    return;
  }
  if (!ctx.scratch.single_key || ctx.scratch.other_key) return;
  const std::string_view shop_id = kept_shop_id(ctx, r);
  if (customer_id.size() != ctx.customer_id.size() || shop_id.size() != ctx.shop_id.size() ||
      !equal_bytes(customer_id.data(), ctx.customer_id.data(), customer_id.size()) ||
      !equal_bytes(shop_id.data(), ctx.shop_id.data(), shop_id.size())) [[unlikely]]
    note_other_key(ctx, r, customer_id);
}

/// Whether record r has a customer_id, adopting its key when it is the first (adopt_key).
/// Inlined: it runs once a record of a single customer's call.
template <class Record>
[[nodiscard, gnu::always_inline]] inline bool has_key(CustomerContext& ctx, const Record& r) {
  const std::string_view customer_id = kept_customer_id(ctx, r);
  if (customer_id.empty()) return false;
  adopt_key(ctx, r, customer_id);
  return true;
}

template <class Range>
void read_customers(CustomerContext& ctx, Range&& customers, const Window& window) {
  bool first = true;
  for (const auto& item : customers) {
    const auto& r = deref(item);
    RecordCounts& c = ctx.diagnostics.customer;
    const std::string_view customer_id = kept_customer_id(ctx, r);
    if (customer_id.empty()) {
      ++c.missing_field;
      continue;
    }
    adopt_key(ctx, r, customer_id);
    if (!first) {
      ++c.duplicate_customer;
      continue;
    }
    first = false;
    const TimeField created = field::created_at(r);
    if (created.state() == TimeField::State::invalid) {
      ++c.bad_timestamp;
    } else if (created.is_valid() && created.value() > window.as_of) {
      ++c.after_as_of;  // the lookback does not apply to customer rows
    } else {
      ++c.used;
      if (created.is_valid()) ctx.first_seen = created.value();
    }
  }
}

/// Interns the queries read_interactions deferred, in their rows' order, so the pool gives them
/// the ids it would have in the pass; each text is prefetched a few queries ahead.
CBF_DETAIL_ENGINE void intern_deferred_queries(CustomerContext& ctx);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void intern_deferred_queries(CustomerContext& ctx) {
  const std::vector<DeferredQuery>& queries = ctx.scratch.deferred_queries;
  constexpr std::size_t distance = 8;
  const std::size_t n = queries.size();
  for (std::size_t i = 0; i < std::min(n, distance); ++i) prefetch_text(queries[i].text);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + distance < n) prefetch_text(queries[i + distance].text);
    ctx.interactions[queries[i].row].search_query =
        intern_query(ctx.texts.queries, ctx.scratch.normalised, queries[i].text);
  }
}
#endif

/// Where read_interactions writes its rows: in place in rows sized to the records beforehand, or
/// appended when the records' count is not known.
struct InteractionRowSink {
  std::vector<InteractionRow>& rows;
  bool sized;
  std::size_t used = 0;

  /// The next row and its index.
  [[nodiscard, gnu::always_inline]] std::pair<InteractionRow*, std::uint32_t> next() {
    if (sized) {
      const std::size_t index = used++;
      return {&rows[index], static_cast<std::uint32_t>(index)};
    }
    rows.emplace_back();
    return {&rows.back(), static_cast<std::uint32_t>(rows.size() - 1)};
  }
  /// Drops the rows of records that were not used.
  void finish() {
    if (sized) rows.resize(used);
  }
};

/// Writes a used interaction's row, every field in place: a row built on the stack and then
/// copied is read back in wide loads from narrower stores, which the core cannot forward.
[[gnu::always_inline]] inline void write_interaction_row(InteractionRow& row, Timestamp time,
                                                         Duration duration,
                                                         std::uint32_t input_index, EventKind k,
                                                         TextId session_id, TextId product_id,
                                                         TextId category_id, TextId search_query,
                                                         TextId device_type) noexcept {
  row.time = time;
  row.view_end = time + duration;
  row.input_index = input_index;
  row.session = no_session;
  row.session_id = session_id;
  row.product_id = product_id;
  row.category_id = category_id;
  row.search_query = search_query;
  row.device_type = device_type;
  row.kind = k;
}

/// Reads one interaction record into the next row when it is used (contract §1), counting why
/// when not. Its search query is interned at once, or deferred (intern_deferred_queries) when
/// `Defer`. Inlined into the loop over the records: as a call, its prologue would cost more than
/// some of the fields it reads.
template <bool Defer, class R>
[[gnu::always_inline]] inline void read_interaction(CustomerContext& ctx, const Window& window,
                                                    bool key_known, InteractionRowSink& sink,
                                                    const R& r, std::uint32_t input_index) {
  const bool keyed = key_known || has_key(ctx, r);
  const std::optional<EventKind> kind = read_event_kind(ctx.scratch.event_kinds, r);
  const TimeField created = field::created_at(r);
  Reason reason = Reason::missing_field;
  if (keyed && kind && !created.is_missing()) reason = window.check(created);
  count(ctx.diagnostics.interaction, reason);
  if (reason != Reason::used) return;

  bool bad_duration = false;
  const auto duration = read_view_duration(field::view_duration(r), bad_duration);
  if (bad_duration) ++ctx.diagnostics.interaction.bad_view_duration;
  const EventKind k = *kind;
  TextPools& texts = ctx.texts;
  const TextId session_id = intern_session_id(texts.session_ids, r);
  const TextId product_id =
      k == EventKind::product_view ? intern_product_id(texts.product_ids, r) : no_text;
  const TextId category_id = k == EventKind::product_view || k == EventKind::collection_view
                                 ? intern_category_id(texts.category_ids, r)
                                 : no_text;
  const TextId device_type =
      intern_label(texts.labels, ctx.scratch.normalised, field::device_type(r), interaction_device);
  const auto [row, index] = sink.next();
  TextId search_query = no_text;
  if (k == EventKind::search) {
    if constexpr (Defer)
      ctx.scratch.deferred_queries.push_back(DeferredQuery{index, field::search_query(r)});
    else
      search_query = intern_query(texts.queries, ctx.scratch.normalised, field::search_query(r));
  }
  write_interaction_row(*row, created.value(), duration.value_or(Duration::zero()), input_index, k,
                        session_id, product_id, category_id, search_query, device_type);
}

template <class Range>
void read_interactions(CustomerContext& ctx, Range&& interactions, const Window& window) {
  using Record = record_of<Range>;
  const bool key_known = ctx.scratch.key_known;
  // Sized without clearing first: the rows a previous customer left are overwritten, not
  // constructed again.
  InteractionRowSink sink{ctx.interactions, std::ranges::sized_range<Range>};
  ctx.scratch.deferred_queries.clear();
  if constexpr (std::ranges::sized_range<Range>)
    sink.rows.resize(std::ranges::size(interactions));
  else
    sink.rows.clear();
  for_each_record(
      interactions, [&](const auto& r, std::uint32_t input_index) __attribute__((always_inline)) {
        read_interaction<defers_search_query<Record>>(ctx, window, key_known, sink, r, input_index);
      });
  sink.finish();
  if (!ctx.scratch.deferred_queries.empty()) intern_deferred_queries(ctx);
}

/// An interaction as a batch's second pass reads it, in input order, into its customer's place
/// (Grouped::packed): the fields read_interactions needs, in 24 bytes, so that a customer's
/// reading walks its own rows in order instead of records that lie anywhere in the host's memory.
/// Ids are kept by value when they are integers (or an integer's decimal text) that fit 32 bits,
/// the stamp as whole seconds from a base, a search's query as a view of the record's text. A
/// record that does not fit is `escaped`, and read again from the host's range.
struct PackedInteraction {
  // No member initialisers: a batch holds them in an UninitializedArray, which needs a trivial
  // type; pack_interaction value-initialises each.
  std::int32_t seconds;  ///< created_at - base, when valid
  std::uint32_t record;  ///< index of the record in its range
  std::int32_t session_id;
  std::uint16_t query_size;  ///< a search's
  EventKind kind;
  std::uint8_t flags;
  /// product_id in the low and category_id in the high 32 bits, or a search's query text.
  std::uint64_t payload;

  static constexpr std::uint8_t time_state = 3;  ///< bits of created_at's TimeField::State
  static constexpr std::uint8_t has_kind = 4;    ///< an event kind was read
  static constexpr std::uint8_t has_session = 8;
  static constexpr std::uint8_t has_product = 16;
  static constexpr std::uint8_t has_category = 32;
  static constexpr std::uint8_t escaped = 64;  ///< read the record instead

  [[nodiscard]] std::int32_t product_id() const noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(payload));
  }
  [[nodiscard]] std::int32_t category_id() const noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(payload >> 32));
  }
  [[nodiscard]] std::string_view query() const noexcept {
    return {reinterpret_cast<const char*>(static_cast<std::uintptr_t>(payload)), query_size};
  }
};
static_assert(sizeof(PackedInteraction) == 24 && std::is_trivial_v<PackedInteraction>);

/// Whether interaction records of this type are packed by a batch: every field they hold can be
/// (no view_duration or device_type, which packed rows leave out), and the search query is text
/// the record holds (a view of it outlives the read).
template <class Record>
inline constexpr bool packs_interactions = [] {
  if constexpr (has_view_duration<Record> || has_device_type<Record>)
    return false;
  else if constexpr (has_search_query<Record>)
    return !owned_text<decltype(raw_search_query(std::declval<const Record&>()))>;
  else
    return true;
}();

/// An integer id's 64 bits and sign; false for an empty optional.
template <class Raw>
[[nodiscard]] constexpr bool number_parts(const Raw& raw, std::uint64_t& bits,
                                          bool& negative) noexcept {
  if constexpr (is_optional<std::remove_cvref_t<Raw>>::value) {
    return raw ? number_parts(*raw, bits, negative) : false;
  } else {
    negative = raw < std::remove_cvref_t<Raw>{0};
    bits = static_cast<std::uint64_t>(raw);
    return true;
  }
}

/// The value of `text` when it is an integer's canonical decimal digits (optionally after a '-')
/// of at most ten that fit 32 bits: the ids most texts hold (a session id such as "1000381886"
/// too), parsed inline. False for any other text, which TextPool::parse_decimal then decides on.
[[nodiscard, gnu::always_inline]] inline bool parse_short_decimal(std::string_view text,
                                                                  std::int32_t& out) noexcept {
  const bool negative = !text.empty() && text[0] == '-';
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 10 || (digits[0] == '0' && digits.size() > 1)) return false;
  std::uint64_t value = 0;  // ten digits never overflow it
  if (!parse_digits(digits.data(), digits.size(), value)) return false;
  if (negative && value == 0) return false;  // "-0" is not an integer's digits
  constexpr std::uint64_t largest = std::numeric_limits<std::int32_t>::max();
  if (value > largest + (negative ? 1 : 0)) return false;
  const auto signed_value = static_cast<std::int64_t>(value);
  out = static_cast<std::int32_t>(negative ? -signed_value : signed_value);
  return true;
}

/// Packs an id (an integer, or text that may hold an integer's decimal digits) into `out`; false
/// when it cannot be (text that is not an integer, or an integer beyond 32 bits). `present` is
/// false for an empty id, which interns as no_text.
template <class Raw>
[[nodiscard, gnu::always_inline]] inline bool pack_id(const Raw& raw, std::int32_t& out,
                                                      bool& present) noexcept {
  std::uint64_t bits = 0;
  bool negative = false;
  if constexpr (number_id<std::remove_cvref_t<Raw>>) {
    present = number_parts(raw, bits, negative);
  } else {
    // Digits first: an integer's digits are never blank (id_or_empty), and most ids are those.
    const std::string_view raw_text = as_text(raw);
    if (parse_short_decimal(raw_text, out)) {
      present = true;
      return true;
    }
    const std::string_view text = id_or_empty(raw_text);
    present = !text.empty();
    if (!present) return true;
    if (!TextPool::parse_decimal(text, bits, negative)) return false;
  }
  if (!present) return true;
  const auto value = static_cast<std::int64_t>(bits);
  // The pool keys an integer by its bits and sign: an unsigned value past INT64_MAX has bits
  // that read as negative and does not fit.
  if (negative != (value < 0) || value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max())
    return false;
  out = static_cast<std::int32_t>(value);
  return true;
}

/// A packed product id as an interaction row's product_id: the value itself with its sign bit
/// flipped, so equal exactly when the values are, and never 0 (a product id of INT32_MIN, which
/// it would make 0, is not packed). A customer's product ids are only ever compared for
/// equality (a session's compared_products), so its rows need not intern them into
/// texts.product_ids: a quarter of a shop's rows are product views, their ids mostly new.
[[nodiscard, gnu::always_inline]] inline TextId packed_product_id(std::int32_t value) noexcept {
  return static_cast<TextId>(value) ^ 0x80000000u;
}

/// The pool id of a packed id, as intern_NAME gives it for the record's own.
[[nodiscard, gnu::always_inline]] inline TextId intern_packed_id(TextPool& pool,
                                                                 std::int32_t value) {
  return pool.intern_number(static_cast<std::int64_t>(value));
}

/// The state of `t` packed as whole seconds from `base` into `seconds`; false when valid but not
/// whole seconds within 32 bits of it.
[[nodiscard, gnu::always_inline]] inline bool pack_time(const TimeField& t, Timestamp base,
                                                        std::int32_t& seconds) noexcept {
  if (!t.is_valid()) return true;
  const std::int64_t us = (t.value() - base).count();
  const std::int64_t whole = us / 1'000'000;
  seconds = static_cast<std::int32_t>(whole);
  return us % 1'000'000 == 0 && whole >= std::numeric_limits<std::int32_t>::min() &&
         whole <= std::numeric_limits<std::int32_t>::max();
}

/// The TimeField a packed stamp stands for.
[[nodiscard, gnu::always_inline]] inline TimeField packed_time(TimeField::State state,
                                                               Timestamp base,
                                                               std::int32_t seconds) noexcept {
  if (state == TimeField::State::valid) return TimeField(base + std::chrono::seconds(seconds));
  return state == TimeField::State::invalid ? TimeField::invalid() : TimeField{};
}

/// Record r, the `index`th of its range, packed against `base` (PackedInteraction).
template <class Record>
[[nodiscard, gnu::always_inline]] inline PackedInteraction pack_interaction(
    const Record& r, std::uint32_t index, Timestamp base, EventKindCache& kinds) noexcept {
  PackedInteraction p{};
  p.record = index;
  const std::optional<EventKind> kind = read_event_kind(kinds, r);
  const TimeField created = field::created_at(r);
  bool fits = pack_time(created, base, p.seconds);
  p.flags = static_cast<std::uint8_t>(created.state());
  if (kind) {
    p.kind = *kind;
    p.flags |= PackedInteraction::has_kind;
    bool present = false;
    if constexpr (has_session_id<Record>) {
      fits &= pack_id(raw_session_id(r), p.session_id, present);
      if (present) p.flags |= PackedInteraction::has_session;
    }
    std::int32_t product = 0;
    std::int32_t category = 0;
    if constexpr (has_product_id<Record>)
      if (*kind == EventKind::product_view) {
        fits &= pack_id(raw_product_id(r), product, present) &&
                product != std::numeric_limits<std::int32_t>::min();  // packed_product_id
        if (present) p.flags |= PackedInteraction::has_product;
      }
    if constexpr (has_category_id<Record>)
      if (*kind == EventKind::product_view || *kind == EventKind::collection_view) {
        fits &= pack_id(raw_category_id(r), category, present);
        if (present) p.flags |= PackedInteraction::has_category;
      }
    p.payload = std::uint64_t{static_cast<std::uint32_t>(product)} |
                std::uint64_t{static_cast<std::uint32_t>(category)} << 32;
    if (*kind == EventKind::search) {
      const std::string_view query = field::search_query(r);
      fits &= query.size() <= std::numeric_limits<std::uint16_t>::max();
      p.query_size = static_cast<std::uint16_t>(query.size());
      p.payload = reinterpret_cast<std::uintptr_t>(query.data());
    }
  }
  if (!fits) p.flags |= PackedInteraction::escaped;
  return p;
}

/// Reads one packed interaction into the next row when it is used, as read_interaction reads its
/// record (the customer's key is known: packed rows are a batch's); its search query is deferred.
[[gnu::always_inline]] inline void read_packed_interaction(CustomerContext& ctx,
                                                           const Window& window, Timestamp base,
                                                           InteractionRowSink& sink,
                                                           const PackedInteraction& p,
                                                           std::uint32_t input_index) {
  const TimeField created = packed_time(
      static_cast<TimeField::State>(p.flags & PackedInteraction::time_state), base, p.seconds);
  Reason reason = Reason::missing_field;
  if ((p.flags & PackedInteraction::has_kind) && !created.is_missing())
    reason = window.check(created);
  count(ctx.diagnostics.interaction, reason);
  if (reason != Reason::used) return;
  const Timestamp time = created.value();

  const EventKind k = p.kind;
  TextPools& texts = ctx.texts;
  const TextId session_id = (p.flags & PackedInteraction::has_session)
                                ? intern_packed_id(texts.session_ids, p.session_id)
                                : no_text;
  const TextId product_id =
      (p.flags & PackedInteraction::has_product) ? packed_product_id(p.product_id()) : no_text;
  const TextId category_id = (p.flags & PackedInteraction::has_category)
                                 ? intern_packed_id(texts.category_ids, p.category_id())
                                 : no_text;
  const auto [row, index] = sink.next();
  if (k == EventKind::search)
    ctx.scratch.deferred_queries.push_back(DeferredQuery{index, p.query()});
  write_interaction_row(*row, time, Duration::zero(), input_index, k, session_id, product_id,
                        category_id, no_text, no_text);
}

/// Gives the product views of a customer's packed rows the ids of texts.product_ids, which its
/// escaped rows' product ids have (read from their records), in place of packed_product_id.
inline void intern_packed_products(CustomerContext& ctx,
                                   std::span<const PackedInteraction> packed) {
  for (InteractionRow& row : ctx.interactions) {
    const PackedInteraction& p = packed[row.input_index];
    if (row.product_id != no_text && !(p.flags & PackedInteraction::escaped))
      row.product_id = intern_packed_id(ctx.texts.product_ids, p.product_id());
  }
}

/// read_interactions over one customer's packed rows of `records` (a contiguous range of the
/// batch): escaped rows are read from their records. Every search query is interned after the
/// pass (intern_deferred_queries), as the pool would give ids in it.
template <class Record>
void read_packed_interactions(CustomerContext& ctx, std::span<const PackedInteraction> packed,
                              const Record* records, Timestamp base, const Window& window) {
  InteractionRowSink sink{ctx.interactions, true};
  ctx.scratch.deferred_queries.clear();
  sink.rows.resize(packed.size());
  bool escaped = false;
  for (std::size_t i = 0; i < packed.size(); ++i) {
    const PackedInteraction& p = packed[i];
    const auto input_index = static_cast<std::uint32_t>(i);
    if (p.flags & PackedInteraction::escaped) [[unlikely]] {
      escaped = true;
      read_interaction<true>(ctx, window, true, sink, records[p.record], input_index);
    } else {
      read_packed_interaction(ctx, window, base, sink, p, input_index);
    }
  }
  sink.finish();
  if (escaped) [[unlikely]]
    intern_packed_products(ctx, packed);
  if (!ctx.scratch.deferred_queries.empty()) intern_deferred_queries(ctx);
}

/// After read_sessions' pass: of the used Session records with one session_id, keeps the first
/// in input order (the others are duplicate_session), and counts the kept ones' end diagnostics.
CBF_DETAIL_ENGINE void keep_first_sessions(CustomerContext& ctx,
                                           std::vector<SessionCandidate>& out);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void keep_first_sessions(CustomerContext& ctx,
                                           std::vector<SessionCandidate>& out) {
  // Duplicates (same session_id among in-window records): the first in input order is kept.
  // Ids are dense, so a flag per id finds them, and the kept records stay in input order.
  std::vector<bool>& seen = ctx.scratch.seen_session_ids;
  seen.assign(ctx.texts.session_ids.size() + 1, false);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const TextId id = out[i].row.session_id;
    if (seen[id]) {
      ++ctx.diagnostics.session.duplicate_session;
      continue;
    }
    seen[id] = true;
    out[kept++] = out[i];
  }
  out.resize(kept);
  RecordCounts& c = ctx.diagnostics.session;
  c.used += static_cast<std::int64_t>(kept);
  for (const auto& s : out) {
    if (s.end_time.state() == TimeField::State::invalid) ++c.bad_end_time;
    if (s.end_time.is_valid() && s.end_time.value() < s.row.start) ++c.end_before_start;
  }
}
#endif

/// Adds a Session to `out` when it is used (contract §3: keyed, with an id, its start in the
/// window), counting why when not: what read_session and read_packed_sessions share.
[[gnu::always_inline]] inline void add_session(CustomerContext& ctx,
                                               std::vector<SessionCandidate>& out,
                                               const Window& window, bool keyed, TextId session_id,
                                               const TimeField& start, std::string_view device,
                                               std::string_view referrer, const TimeField& end,
                                               std::uint32_t input_index) {
  Reason reason = Reason::missing_field;
  if (keyed && session_id != no_text && !start.is_missing()) reason = window.check(start);
  if (reason != Reason::used) {
    count(ctx.diagnostics.session, reason);
    return;
  }
  SessionCandidate c{};
  c.row.start = start.value();
  c.row.session_id = session_id;
  c.row.device_type =
      intern_label(ctx.texts.labels, ctx.scratch.normalised, device, session_device);
  c.row.referrer_type =
      intern_label(ctx.texts.labels, ctx.scratch.normalised, referrer, session_referrer);
  c.end_time = end;
  c.input_index = input_index;
  out.push_back(c);
}

/// Reads one Session record into `out` when it is used. Inlined into the loop over the records,
/// as read_interaction is.
template <class R>
[[gnu::always_inline]] inline void read_session(CustomerContext& ctx,
                                                std::vector<SessionCandidate>& out,
                                                const Window& window, bool key_known, const R& r,
                                                std::uint32_t input_index) {
  const bool keyed = key_known || has_key(ctx, r);
  // The id is interned whether or not the record is used, as the pool's ids depend on it.
  const TextId session_id = intern_session_id(ctx.texts.session_ids, r);
  add_session(ctx, out, window, keyed, session_id, field::start_time(r), field::device_type(r),
              field::referrer_type(r), field::end_time(r), input_index);
}

template <class Range>
void read_sessions(CustomerContext& ctx, std::vector<SessionCandidate>& out, Range&& sessions,
                   const Window& window) {
  const bool key_known = ctx.scratch.key_known;
  for_each_record(
      sessions, [&](const auto& r, std::uint32_t input_index) __attribute__((always_inline)) {
        read_session(ctx, out, window, key_known, r, input_index);
      });
  keep_first_sessions(ctx, out);
}

/// A Session record as a batch's second pass reads it (PackedInteraction says why): the session
/// id by value, both stamps in whole seconds from a base, and views of its labels, each the
/// first view of equal bytes in its part of the pass (LabelViews), so the few labels a batch
/// has stay in the cache. A record that does not fit is `escaped`.
struct PackedSession {
  // No member initialisers: see PackedInteraction.
  std::int32_t start_seconds;  ///< start_time - base, when valid
  std::int32_t end_seconds;    ///< end_time - base, when valid
  std::uint32_t record;        ///< index of the record in its range
  std::int32_t session_id;
  std::uint16_t device_size;
  std::uint16_t referrer_size;
  std::uint8_t flags;
  const char* device;
  const char* referrer;

  static constexpr std::uint8_t start_state = 3;  ///< bits of start_time's TimeField::State
  static constexpr std::uint8_t end_shift = 2;    ///< end_time's TimeField::State, shifted
  static constexpr std::uint8_t has_session = 16;
  static constexpr std::uint8_t escaped = 32;  ///< read the record instead

  [[nodiscard]] std::string_view device_type() const noexcept { return {device, device_size}; }
  [[nodiscard]] std::string_view referrer_type() const noexcept {
    return {referrer, referrer_size};
  }
};
static_assert(sizeof(PackedSession) == 40 && std::is_trivial_v<PackedSession>);

/// Whether Session records of this type are packed by a batch: their labels are text the record
/// holds (a view of it outlives the read).
template <class Record>
inline constexpr bool packs_sessions = [] {
  bool views = true;
  if constexpr (has_device_type<Record>)
    views = views && !owned_text<decltype(raw_device_type(std::declval<const Record&>()))>;
  if constexpr (has_referrer_type<Record>)
    views = views && !owned_text<decltype(raw_referrer_type(std::declval<const Record&>()))>;
  return views;
}();

/// The first view of each of a few label texts met in a pass: a later label of equal bytes is
/// given that view, whose text is then read from the cache instead of wherever the record's lies.
class LabelViews {
 public:
  /// The kept view of `text`'s bytes, else `text` (kept when there is room).
  [[nodiscard, gnu::always_inline]] std::string_view of(std::string_view text) noexcept {
    if (text.empty()) return text;
    for (std::size_t i = 0; i < size_; ++i)
      if (views_[i].size() == text.size() &&
          equal_bytes(views_[i].data(), text.data(), text.size()))
        return views_[i];
    if (size_ < views_.size()) views_[size_++] = text;
    return text;
  }

 private:
  std::array<std::string_view, 16> views_{};
  std::size_t size_ = 0;
};

/// Session record r, the `index`th of its range, packed against `base` (PackedSession).
template <class Record>
[[nodiscard, gnu::always_inline]] inline PackedSession pack_session(const Record& r,
                                                                    std::uint32_t index,
                                                                    Timestamp base,
                                                                    LabelViews& labels) noexcept {
  PackedSession p{};
  p.record = index;
  const TimeField start = field::start_time(r);
  const TimeField end = field::end_time(r);
  bool fits = pack_time(start, base, p.start_seconds);
  fits &= pack_time(end, base, p.end_seconds);
  p.flags =
      static_cast<std::uint8_t>(static_cast<unsigned>(start.state()) |
                                static_cast<unsigned>(end.state()) << PackedSession::end_shift);
  bool present = false;
  if constexpr (has_session_id<Record>) {
    fits &= pack_id(raw_session_id(r), p.session_id, present);
    if (present) p.flags |= PackedSession::has_session;
  }
  const std::string_view device = labels.of(field::device_type(r));
  const std::string_view referrer = labels.of(field::referrer_type(r));
  fits &= device.size() <= std::numeric_limits<std::uint16_t>::max() &&
          referrer.size() <= std::numeric_limits<std::uint16_t>::max();
  p.device = device.data();
  p.device_size = static_cast<std::uint16_t>(device.size());
  p.referrer = referrer.data();
  p.referrer_size = static_cast<std::uint16_t>(referrer.size());
  if (!fits) p.flags |= PackedSession::escaped;
  return p;
}

/// read_sessions over one customer's packed rows of `records` (a contiguous range of the batch),
/// the customer's key known: escaped rows are read from their records.
template <class Record>
void read_packed_sessions(CustomerContext& ctx, std::vector<SessionCandidate>& out,
                          std::span<const PackedSession> packed, const Record* records,
                          Timestamp base, const Window& window) {
  for (std::size_t i = 0; i < packed.size(); ++i) {
    const PackedSession& p = packed[i];
    const auto input_index = static_cast<std::uint32_t>(i);
    if (p.flags & PackedSession::escaped) [[unlikely]] {
      read_session(ctx, out, window, true, records[p.record], input_index);
      continue;
    }
    const TextId session_id = (p.flags & PackedSession::has_session)
                                  ? intern_packed_id(ctx.texts.session_ids, p.session_id)
                                  : no_text;
    const auto start_state = static_cast<TimeField::State>(p.flags & PackedSession::start_state);
    const auto end_state = static_cast<TimeField::State>(p.flags >> PackedSession::end_shift & 3);
    add_session(ctx, out, window, true, session_id, packed_time(start_state, base, p.start_seconds),
                p.device_type(), p.referrer_type(), packed_time(end_state, base, p.end_seconds),
                input_index);
  }
  keep_first_sessions(ctx, out);
}

template <class Range>
void read_attributions(CustomerContext& ctx, Range&& attributions, const Window& window) {
  const bool key_known = ctx.scratch.key_known;
  for_each_record(
      attributions, [&](const auto& r, std::uint32_t input_index) __attribute__((always_inline)) {
        const bool keyed = key_known || has_key(ctx, r);
        const TimeField created = field::created_at(r);
        const TextId order_id = intern_order_id(ctx.texts.order_ids, r);
        const auto value = read_money(field::attribution_value(r));
        Reason reason = Reason::missing_field;
        if (keyed && !created.is_missing()) {
          reason = window.check(created);
          if (reason == Reason::used && order_id == no_text) reason = Reason::empty_order_id;
          if (reason == Reason::used && !value) reason = Reason::bad_money;
        }
        count(ctx.diagnostics.attribution, reason);
        if (reason != Reason::used) return;
        AttributionRow row;
        row.time = created.value();
        row.value = *value;
        row.input_index = input_index;
        row.order_id = order_id;
        row.session_id = intern_session_id(ctx.texts.session_ids, r);
        row.attribution_type = intern_label(ctx.texts.labels, ctx.scratch.normalised,
                                            field::attribution_type(r), attribution_type_label);
        ctx.attributions.push_back(row);
      });
}

}  // namespace cbf::detail
