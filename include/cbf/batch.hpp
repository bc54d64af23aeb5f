// The batch engine: every customer of a batch, grouped by key in linear time, computed on several
// threads, ordered by key, bit-identical whatever the thread count. Subsets and shards of a batch
// give exactly the full run's rows for their keys.
#pragma once

#include <cbf/compute.hpp>
#include <cbf/concepts.hpp>
#include <cbf/context.hpp>
#include <cbf/detail/engine.hpp>
#include <cbf/detail/hash.hpp>
#include <cbf/detail/key_table.hpp>
#include <cbf/detail/parallel.hpp>
#include <cbf/detail/uninitialized_array.hpp>
#include <cbf/models/summary.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if CBF_DETAIL_ENGINE_DEFINITIONS
#include <atomic>
#include <mutex>
#endif

namespace cbf {

/// A customer's key: (shop_id, customer_id) as the contract reads them (blank = empty).
struct CustomerKey {
  std::string_view shop_id;
  std::string_view customer_id;
  friend constexpr bool operator==(const CustomerKey&, const CustomerKey&) = default;
};

/// Part k of n of a batch: the keys whose `shard_of(key, count)` is `index`.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};

/// The shard of a key among `count`: FNV-1a 64 of shop_id, a 0x00 byte and customer_id, modulo
/// count, the ids read as the batch reads them (a blank id is empty). Stable across platforms and
/// versions, so other engines can split a batch the same way.
[[nodiscard]] constexpr std::uint32_t shard_of(std::string_view shop_id,
                                               std::string_view customer_id,
                                               std::uint32_t count) noexcept {
  return count == 0 ? 0
                    : static_cast<std::uint32_t>(
                          detail::stable_key_hash(detail::id_or_empty(shop_id),
                                                  detail::id_or_empty(customer_id)) %
                          count);
}

/// The shard of a key whose ids are integers (or one of them): that of their decimal text, so
/// hosts holding ids as numbers and hosts holding them as text split a batch the same way.
template <class ShopId, class CustomerId>
requires(detail::integer_id<ShopId> || detail::integer_id<CustomerId>) &&
    (detail::integer_id<ShopId> || std::is_convertible_v<const ShopId&, std::string_view>)&&(
        detail::integer_id<CustomerId> ||
        std::is_convertible_v<const CustomerId&, std::string_view>) [[nodiscard]] std::uint32_t
    shard_of(const ShopId& shop_id, const CustomerId& customer_id, std::uint32_t count) noexcept {
  const auto text = [](const auto& id, detail::IdDigits& digits) -> std::string_view {
    if constexpr (detail::integer_id<std::remove_cvref_t<decltype(id)>>)
      return detail::id_digits(id, digits);
    else
      return std::string_view(id);
  };
  detail::IdDigits shop_digits;
  detail::IdDigits customer_digits;
  return shard_of(text(shop_id, shop_digits), text(customer_id, customer_digits), count);
}

/// Which keys of a batch to compute: all (the default), a shard, a given set, or both.
struct KeyFilter {
  Shard shard{};
  /// When set, only these keys (blank ids as empty); keys absent from the batch give no row.
  std::optional<std::span<const CustomerKey>> keys{};

  /// True when the run's totals take the records without a customer_id: a run without a key set
  /// that is the only shard or shard 0, so several shards' totals add up to the full run's.
  [[nodiscard]] bool counts_unkeyed() const noexcept { return shard.index == 0 && !keys; }
};

/// How far a batch has got; passed to BatchOptions::progress.
struct BatchProgress {
  std::int64_t customers_done = 0;
  std::int64_t customers_total = 0;
  std::int64_t records_done = 0;  ///< the keyed records of the customers done
  std::int64_t records_total = 0;
};

/// Options of compute_batch. The defaults compute every key on every hardware thread.
struct BatchOptions {
  /// Workers; 0 means std::thread::hardware_concurrency(). The result does not depend on it.
  unsigned threads = 0;
  /// When set, the workers run as this executor's tasks instead of on threads of the batch's own.
  Executor executor{};
  /// Which keys to compute.
  KeyFilter filter{};
  /// Called after each slice of customers, one call at a time, from whichever worker finished it.
  std::function<void(const BatchProgress&)> progress{};
};

/// Every computed key's result, ordered by (shop_id, customer_id) as byte strings, and the totals.
struct BatchResult {
  Timestamp as_of{};
  std::vector<CustomerResult> customers;
  /// The computed customers' diagnostics, plus records without a customer_id when the run covers
  /// the whole batch or is shard 0 of several (so shards' totals add up to the full run's).
  Diagnostics diagnostics;
};

/// Thrown when a shard is not within its count.
class InvalidShard : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

/// Throws InvalidShard unless 0 ≤ index < count.
inline void check_shard(const Shard& shard) {
  if (shard.count == 0 || shard.index >= shard.count)
    throw InvalidShard("cbf: shard index " + std::to_string(shard.index) +
                       " is not below the shard count " + std::to_string(shard.count));
}

/// One kind's records grouped by customer: customer c's are `[offsets[c], offsets[c+1])`,
/// customers in key order, each customer's records in input order. They are pointers to the
/// records, untyped (the kind's BatchInput reads them back as its record type), or, for
/// interactions and sessions of types that pack (packs_interactions, packs_sessions), packed rows
/// of them.
struct Grouped {
  UninitializedArray<const void*> records;  ///< empty when packed
  UninitializedArray<PackedInteraction> packed_interactions;
  UninitializedArray<PackedSession> packed_sessions;
  bool is_packed = false;
  Timestamp packed_base{};  ///< packed stamps count seconds from it: the batch's as_of
  std::vector<std::uint32_t> offsets;

  [[nodiscard]] std::span<const void* const> of(std::size_t customer) const noexcept {
    return std::span<const void* const>(records.data() + offsets[customer], count(customer));
  }
  /// Customer c's packed rows of type Row.
  template <class Row>
  [[nodiscard]] std::span<const Row> packed_of(std::size_t customer) const noexcept {
    if constexpr (std::is_same_v<Row, PackedInteraction>)
      return {packed_interactions.data() + offsets[customer], count(customer)};
    else
      return {packed_sessions.data() + offsets[customer], count(customer)};
  }
  /// Customer c's records.
  [[nodiscard]] std::size_t count(std::size_t customer) const noexcept {
    return offsets[customer + 1] - offsets[customer];
  }
  /// Every grouped record.
  [[nodiscard]] std::size_t count() const noexcept { return offsets.empty() ? 0 : offsets.back(); }
  /// Starts loading the first `limit` records of a customer, of `bytes` each, into the cache
  /// (their packed rows when packed).
  void prefetch(std::size_t customer, std::size_t limit, std::size_t bytes) const noexcept {
    const std::size_t n = std::min<std::size_t>(count(customer), limit);
    if (is_packed) {
      if (n == 0) return;
      if (packed_interactions.size() > 0)
        prefetch_bytes(packed_interactions.data() + offsets[customer],
                       n * sizeof(PackedInteraction));
      else
        prefetch_bytes(packed_sessions.data() + offsets[customer], n * sizeof(PackedSession));
      return;
    }
    for (std::size_t i = offsets[customer]; i < offsets[customer] + n; ++i)
      prefetch_bytes(records[i], bytes);
  }
};

/// A record's key of integers into `key`; false when it has no customer_id.
template <class R>
[[nodiscard, gnu::always_inline]] inline bool number_key_of(const R& r, KeyTable::NumberKey& key) {
  if (!number_parts(raw_customer_id(r), key.customer_bits, key.customer_negative)) return false;
  if constexpr (has_shop_id<R>)
    key.shop_present = number_parts(raw_shop_id(r), key.shop_bits, key.shop_negative);
  return true;
}

/// First pass over records [first, last) of one kind, into `out`: each record's key id in
/// `table` (KeyTable::none without a customer_id), counting records without a customer_id, and
/// the latest valid stamp (§4.1).
template <class Iterator, class Stamp>
void key_ids_of(Iterator first, Iterator last, KeyTable& table, bool insert, std::int64_t& unkeyed,
                Stamp stamp, std::optional<Timestamp>& latest, std::uint32_t* out) {
  using R = std::remove_cvref_t<decltype(deref(*first))>;
  // Integer ids are looked up by value: no digits, no text hash.
  constexpr bool by_value = number_customer_id<R> && (number_shop_id<R> || !has_shop_id<R>);
  // The latest stamp and the count in locals: records logged in time order raise the stamp at
  // almost every one, and through the references it was stored and loaded again each time.
  std::optional<Timestamp> newest = latest;
  std::int64_t without_key = 0;
  for (; first != last; ++first) {
    const auto& r = deref(*first);
    if constexpr (by_value && std::random_access_iterator<Iterator>) {
      // A key's slot is loaded ahead: the table of every key lies outside the core's caches.
      constexpr std::ptrdiff_t distance = 16;
      if (KeyTable::NumberKey ahead;
          last - first > distance && number_key_of(deref(first[distance]), ahead))
        table.prefetch_number(ahead);
    }
    const TimeField t = stamp(r);
    if (t.is_valid() && (!newest || t.value() > *newest)) newest = t.value();
    if constexpr (by_value) {
      KeyTable::NumberKey key;
      if (!number_key_of(r, key)) {
        ++without_key;
        *out++ = KeyTable::none;
        continue;
      }
      *out++ = table.number(key, insert);
    } else {
      IdDigits customer_digits;
      const std::string_view customer_id = id_or_empty(id_text_customer_id(r, customer_digits));
      if (customer_id.empty()) {
        ++without_key;  // no key: it can belong to no customer
        *out++ = KeyTable::none;
        continue;
      }
      IdDigits shop_digits;  // the table keeps a copy of the key's text
      const std::string_view shop_id = id_or_empty(id_text_shop_id(r, shop_digits));
      *out++ = insert ? table.insert(shop_id, customer_id) : table.find(shop_id, customer_id);
    }
  }
  latest = newest;
  unkeyed += without_key;
}

/// Records per part below which the first pass is not split across workers.
inline constexpr std::size_t min_part_records = 2048;

/// The four inputs of a batch, in the order their records are read.
enum class InputKind : std::uint8_t { customers, interactions, sessions, attributions };

/// One input of a batch behind the passes the engine makes over it. These few functions are the
/// only code compiled for each record type; grouping, threads and every step after the reading
/// are compiled once (with CBF_COMPILED_LIB, once in the cbf_compiled library).
struct BatchInput {
  InputKind kind = InputKind::customers;
  const void* range = nullptr;   ///< the host's range, which outlives the batch's call
  std::size_t size = 0;          ///< its records
  bool indexable = false;        ///< random access and sized: the passes may split it into parts
  std::size_t record_bytes = 0;  ///< sizeof its record type, for prefetching
  /// First pass over records [begin, end) (every record when not indexable): each one's key id
  /// in `table` (KeyTable::none without a customer_id) into out[0 .. end - begin), the records
  /// without a customer_id counted, and the latest valid stamp (§4.1).
  void (*key_ids)(const void* range, std::size_t begin, std::size_t end, KeyTable& table,
                  bool insert, std::int64_t& unkeyed, std::optional<Timestamp>& latest,
                  std::uint32_t* out) = nullptr;
  bool packs = false;  ///< the second pass writes packed rows, not pointers (Grouped)
  /// Second pass over records [begin, end): each record of a ranked key to out[slot[rank]++],
  /// or, when the input packs, its packed row (against `base`) to packed[slot[rank]++].
  void (*scatter)(const void* range, std::size_t begin, std::size_t end, const std::uint32_t* ids,
                  const std::uint32_t* rank, std::uint32_t* slot, Grouped& out,
                  Timestamp base) = nullptr;
  /// Reads customer c's grouped records into its context (read_records.hpp).
  void (*read)(CustomerContext& ctx, const void* range, const Grouped& group, std::size_t c,
               const Window& window) = nullptr;
  /// Sets the context's integer key bits from customer c's records when none are set yet.
  void (*key_bits)(CustomerContext& ctx, const void* range, const Grouped& group,
                   std::size_t c) = nullptr;
  /// Starts loading the text the reading of customer c's first `limit` records will touch.
  void (*prefetch_text)(const void* range, const Grouped& group, std::size_t c,
                        std::size_t limit) = nullptr;
};

/// The functions of a BatchInput over a range of type R (const or not) holding Kind's records.
template <InputKind Kind, class R>
struct InputOps {
  using Record = record_of<R&>;
  static constexpr bool indexable =
      std::ranges::random_access_range<R&> && std::ranges::sized_range<R&>;

  [[nodiscard]] static R& range_of(const void* range) noexcept {
    return *static_cast<R*>(const_cast<void*>(range));
  }
  [[nodiscard]] static TimeField stamp(const Record& r) {
    if constexpr (Kind == InputKind::customers) {
      (void)r;
      return TimeField{};  // customer stamps never count
    } else if constexpr (Kind == InputKind::sessions) {
      return field::start_time(r);
    } else {
      return field::created_at(r);
    }
  }
  static void key_ids(const void* range, std::size_t begin, std::size_t end, KeyTable& table,
                      bool insert, std::int64_t& unkeyed, std::optional<Timestamp>& latest,
                      std::uint32_t* out) {
    R& records = range_of(range);
    const auto stamp_of = [](const Record& r) { return stamp(r); };
    if constexpr (indexable) {
      const auto first = std::ranges::begin(records);
      key_ids_of(first + static_cast<std::ptrdiff_t>(begin),
                 first + static_cast<std::ptrdiff_t>(end), table, insert, unkeyed, stamp_of, latest,
                 out);
    } else {
      (void)begin;
      (void)end;
      for (const auto& item : records)
        key_ids_of(&item, &item + 1, table, insert, unkeyed, stamp_of, latest, out++);
    }
  }
  /// The packed row of this input's records: interactions and sessions of types that pack.
  using PackedRow =
      std::conditional_t<Kind == InputKind::interactions, PackedInteraction, PackedSession>;
  /// Whether this input's records are packed by the second pass: interactions or sessions of a
  /// type that packs, in a contiguous range (a packed row finds its record by index).
  static constexpr bool packs = [] {
    if constexpr (!std::ranges::contiguous_range<R&> || !indexable ||
                  !std::is_same_v<std::ranges::range_value_t<R&>, Record>)
      return false;
    else if constexpr (Kind == InputKind::interactions)
      return packs_interactions<Record>;
    else if constexpr (Kind == InputKind::sessions)
      return packs_sessions<Record>;
    else
      return false;
  }();

  static void scatter(const void* range, std::size_t begin, std::size_t end,
                      const std::uint32_t* ids, const std::uint32_t* rank, std::uint32_t* slot,
                      Grouped& out, Timestamp base) {
    R& records = range_of(range);
    if constexpr (packs) {
      if (out.is_packed) {
        scatter_packed(records, begin, end, ids, rank, slot, out, base);
        return;
      }
    }
    (void)base;
    if constexpr (indexable) {
      const auto first = std::ranges::begin(records);
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t id = ids[i];
        if (id != KeyTable::none && rank[id] != KeyTable::none)
          out.records[slot[rank[id]]++] =
              std::addressof(deref(first[static_cast<std::ptrdiff_t>(i)]));
      }
    } else {
      std::size_t i = begin;
      for (const auto& item : records) {
        const std::uint32_t id = ids[i++];
        if (id != KeyTable::none && rank[id] != KeyTable::none)
          out.records[slot[rank[id]]++] = std::addressof(deref(item));
      }
    }
  }
  /// scatter's packing: each record of a ranked key packed (against `base`) into its place.
  static void scatter_packed(R& records, std::size_t begin, std::size_t end,
                             const std::uint32_t* ids, const std::uint32_t* rank,
                             std::uint32_t* slot, Grouped& out, Timestamp base) {
    // In input order, so the records are read once, in order; each customer's rows are then
    // read in order too (docs/design.md, "Packed rows").
    PackedRow* packed = nullptr;
    if constexpr (Kind == InputKind::interactions)
      packed = out.packed_interactions.data();
    else
      packed = out.packed_sessions.data();
    [[maybe_unused]] EventKindCache kinds;
    [[maybe_unused]] LabelViews labels;
    const Record* first = std::ranges::data(records);
    // A row's slot is loaded for writing a few records ahead: the slots of thousands of
    // customers are written in turn, and each write would otherwise wait for its line.
    constexpr std::size_t distance = 16;
    for (std::size_t i = begin; i < end; ++i) {
      if (i + distance < end) {
        const std::uint32_t ahead = ids[i + distance];
        if (ahead != KeyTable::none && rank[ahead] != KeyTable::none)
          __builtin_prefetch(packed + slot[rank[ahead]], 1);
      }
      const std::uint32_t id = ids[i];
      if (id == KeyTable::none || rank[id] == KeyTable::none) continue;
      const auto index = static_cast<std::uint32_t>(i);
      if constexpr (Kind == InputKind::interactions)
        packed[slot[rank[id]]++] = pack_interaction(first[i], index, base, kinds);
      else
        packed[slot[rank[id]]++] = pack_session(first[i], index, base, labels);
    }
  }
  static void read(CustomerContext& ctx, const void* range, const Grouped& group, std::size_t c,
                   const Window& window) {
    if constexpr (packs) {
      if (group.is_packed) {
        const Record* records = std::ranges::data(range_of(range));
        if constexpr (Kind == InputKind::interactions)
          read_packed_interactions(ctx, group.packed_of<PackedRow>(c), records, group.packed_base,
                                   window);
        else
          read_packed_sessions(ctx, ctx.scratch.session_records, group.packed_of<PackedRow>(c),
                               records, group.packed_base, window);
        return;
      }
    } else {
      (void)range;
    }
    const std::span<const void* const> records = group.of(c);
    const ErasedRecords<Record> typed{records.data(), records.size()};
    if constexpr (Kind == InputKind::customers)
      read_customers(ctx, typed, window);
    else if constexpr (Kind == InputKind::interactions)
      read_interactions(ctx, typed, window);
    else if constexpr (Kind == InputKind::sessions)
      read_sessions(ctx, ctx.scratch.session_records, typed, window);
    else
      read_attributions(ctx, typed, window);
  }
  static void key_bits(CustomerContext& ctx, const void* range, const Grouped& group,
                       std::size_t c) {
    if constexpr (packs) {
      if (group.is_packed) {
        // Every record of a group has its key: the first one's is the customer's.
        const std::span<const PackedRow> packed = group.packed_of<PackedRow>(c);
        if (packed.empty()) return;
        const void* first = std::ranges::data(range_of(range)) + packed.front().record;
        find_key_bits(ctx, ErasedRecords<Record>{&first, 1});
        return;
      }
    } else {
      (void)range;
    }
    const std::span<const void* const> records = group.of(c);
    find_key_bits(ctx, ErasedRecords<Record>{records.data(), records.size()});
  }
  static void prefetch_text(const void* range, const Grouped& group, std::size_t c,
                            std::size_t limit) {
    if constexpr (packs) {
      if (group.is_packed) {
        // A packed row's text is read after the pass (a search's query) or was made hot in the
        // scatter (LabelViews); the first record is read for the key's integer bits (key_bits).
        const std::span<const PackedRow> packed = group.packed_of<PackedRow>(c);
        if (!packed.empty())
          prefetch_object(std::ranges::data(range_of(range)) + packed.front().record);
        (void)limit;
        return;
      }
    } else {
      (void)range;
    }
    const std::span<const void* const> records = group.of(c);
    const std::size_t n = std::min(limit, records.size());
    for (std::size_t i = 0; i < n; ++i)
      prefetch_record_text(*static_cast<const Record*>(records[i]));
  }
};

/// The functions of a BatchInput of no records (no_records): none of them is ever called with
/// a record, and they are compiled once for every record type. Reading nothing leaves the
/// context's rows of that kind as begin_context left them: a batch's contexts only ever read
/// this batch's inputs, so an input of none never had rows in them.
struct EmptyInputOps {
  static void key_ids(const void*, std::size_t, std::size_t, KeyTable&, bool, std::int64_t&,
                      std::optional<Timestamp>&, std::uint32_t*) {}
  static void scatter(const void*, std::size_t, std::size_t, const std::uint32_t*,
                      const std::uint32_t*, std::uint32_t*, Grouped&, Timestamp) {}
  static void read(CustomerContext&, const void*, const Grouped&, std::size_t, const Window&) {}
  static void key_bits(CustomerContext&, const void*, const Grouped&, std::size_t) {}
  static void prefetch_text(const void*, const Grouped&, std::size_t, std::size_t) {}
};

/// The BatchInput of `range`, which must outlive its use.
template <InputKind Kind, class R>
[[nodiscard]] BatchInput batch_input(R& range) {
  BatchInput input;
  input.kind = Kind;
  if constexpr (statically_empty<R>) {
    input.range = std::addressof(range);
    input.key_ids = &EmptyInputOps::key_ids;
    input.scatter = &EmptyInputOps::scatter;
    input.read = &EmptyInputOps::read;
    input.key_bits = &EmptyInputOps::key_bits;
    input.prefetch_text = &EmptyInputOps::prefetch_text;
  } else {
    using Ops = InputOps<Kind, R>;
    input.range = std::addressof(range);
    if constexpr (Ops::indexable)
      input.size = std::ranges::size(range);
    else
      input.size = static_cast<std::size_t>(std::ranges::distance(range));  // a forward range
    input.indexable = Ops::indexable;
    // A packed row holds its record's index in 32 bits.
    input.packs = Ops::packs && input.size <= std::numeric_limits<std::uint32_t>::max();
    input.record_bytes = sizeof(typename Ops::Record);
    input.key_ids = &Ops::key_ids;
    input.scatter = &Ops::scatter;
    input.read = &Ops::read;
    input.key_bits = &Ops::key_bits;
    input.prefetch_text = &Ops::prefetch_text;
  }
  return input;
}

using BatchInputs = std::array<BatchInput, 4>;  ///< customers, interactions, sessions, attributions

/// The BatchInputs of a batch's four ranges.
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] BatchInputs batch_inputs(Customers& customers, Interactions& interactions,
                                       Sessions& sessions, Attributions& attributions) {
  return {batch_input<InputKind::customers>(customers),
          batch_input<InputKind::interactions>(interactions),
          batch_input<InputKind::sessions>(sessions),
          batch_input<InputKind::attributions>(attributions)};
}

/// A batch grouped by customer: the keys in order, each input's records by customer, and as_of.
struct GroupedBatch {
  Timestamp as_of{};
  std::vector<CustomerKey> keys;  ///< views into `table`
  KeyTable table;
  BatchInputs inputs;
  std::array<Grouped, 4> groups;  ///< by InputKind
  Diagnostics unkeyed;            ///< records without a customer_id

  [[nodiscard]] std::size_t size() const noexcept { return keys.size(); }
  [[nodiscard]] std::int64_t records_of(std::size_t c) const noexcept {
    std::size_t n = 0;
    for (const Grouped& g : groups) n += g.count(c);
    return static_cast<std::int64_t>(n);
  }
  [[nodiscard]] std::int64_t records() const noexcept {
    std::size_t n = 0;
    for (const Grouped& g : groups) n += g.count();
    return static_cast<std::int64_t>(n);
  }
  /// Starts loading the records a build of customer c reads first: while the customer before it
  /// is computed, they arrive, instead of stalling the first records of each kind (the reading
  /// loop prefetches ahead only within a customer, and a customer's sessions and attributions
  /// are often fewer than its distance).
  void prefetch(std::size_t c) const noexcept {
    constexpr std::array<std::size_t, 4> limits{2, 16, 32, 16};
    for (std::size_t k = 0; k < 4; ++k) groups[k].prefetch(c, limits[k], inputs[k].record_bytes);
  }
  /// Starts loading the text the reading of customer c's first records touches. Called once
  /// the records prefetch(c) asked for have arrived (after the customer before it is built),
  /// so that the text arrives while that customer's features are computed.
  void prefetch_text(std::size_t c) const noexcept {
    constexpr std::array<std::size_t, 4> limits{2, 8, 32, 16};
    for (std::size_t k = 0; k < 4; ++k)
      inputs[k].prefetch_text(inputs[k].range, groups[k], c, limits[k]);
  }
  /// Builds customer c's context: the reading of each input, in InputKind order, between the
  /// steps every build shares.
  void build(CustomerContext& ctx, std::size_t c, const Config& config) const {
    begin_context(ctx, config, as_of, KnownKey{keys[c].shop_id, keys[c].customer_id});
    const Window window = make_window(config, as_of);
    for (std::size_t k = 0; k < 4; ++k) inputs[k].read(ctx, inputs[k].range, groups[k], c, window);
    finish_context(ctx);
    for (std::size_t k = 0; k < 4; ++k) inputs[k].key_bits(ctx, inputs[k].range, groups[k], c);
  }
};

/// Called once per customer by visit_batch: a type-erased reference to the host's callable.
struct CustomerVisitor {
  void* object = nullptr;
  void (*call)(void* object, const CustomerContext& ctx) = nullptr;
};

/// The first eight bytes of a text as a big-endian number, zeros after its end: a < b as
/// numbers implies a < b as byte strings, and equal numbers say nothing.
[[nodiscard]] inline std::uint64_t order_prefix(std::string_view text) noexcept {
  std::uint64_t prefix = 0;
  const std::size_t n = std::min<std::size_t>(text.size(), 8);
  for (std::size_t i = 0; i < n; ++i)
    prefix |= std::uint64_t{static_cast<unsigned char>(text[i])} << (56 - 8 * i);
  return prefix;
}

/// Sorts key ids of `table` by (shop_id, customer_id) as byte strings.
CBF_DETAIL_ENGINE void sort_keys(const KeyTable& table, std::vector<std::uint32_t>& ids);

/// The first pass over one input (BatchInput::key_ids), split into contiguous parts on the
/// workers when the records are many and can be indexed. Each part finds its keys in a table of
/// its own; the parts' keys then enter `table` in part order, which gives every key the id the
/// single pass gives it (first seen first), and each part's ids are renumbered.
CBF_DETAIL_ENGINE UninitializedArray<std::uint32_t> key_ids(
    const BatchInput& input, KeyTable& table, bool insert, std::int64_t& unkeyed,
    std::optional<Timestamp>& latest, std::size_t workers, const Executor& executor);

/// Second pass over one input: records scattered into customer order (a stable counting sort),
/// split into contiguous parts on the workers when the records are many and can be indexed. Part
/// k's records of a customer go after those of parts before k, so each customer's records keep
/// input order whatever the split.
CBF_DETAIL_ENGINE Grouped group(const BatchInput& input,
                                const UninitializedArray<std::uint32_t>& ids,
                                const std::vector<std::uint32_t>& rank, std::size_t customers,
                                Timestamp base, std::size_t workers, const Executor& executor);

/// Groups a batch by key in linear time: two passes over each input, no comparison sort of
/// records. The default as_of is the latest valid stamp of every record, filtered out or not.
CBF_DETAIL_ENGINE GroupedBatch group_batch(const BatchInputs& inputs, const Config& config,
                                           const KeyFilter& filter, std::size_t workers = 1,
                                           const Executor& executor = {});

/// for_each_customer over a batch's inputs.
CBF_DETAIL_ENGINE Timestamp visit_batch(const BatchInputs& inputs, const Config& config,
                                        Diagnostics& unkeyed, CustomerVisitor visitor,
                                        const KeyFilter& filter);

/// compute_batch over a batch's inputs.
CBF_DETAIL_ENGINE BatchResult run_batch(const BatchInputs& inputs, const Config& config,
                                        const BatchOptions& options);

#if CBF_DETAIL_ENGINE_DEFINITIONS
// Each key is compared by the first eight bytes of its ids, held beside it, and by its text only
// on a tie: the sort then rarely leaves the array it sorts for the table's arena.
CBF_DETAIL_ENGINE void sort_keys(const KeyTable& table, std::vector<std::uint32_t>& ids) {
  struct Entry {
    std::uint64_t shop;
    std::uint64_t customer;
    std::uint32_t id;
  };
  std::vector<Entry> entries(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    entries[i] =
        Entry{order_prefix(table.shop_id(ids[i])), order_prefix(table.customer_id(ids[i])), ids[i]};
  std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.shop != b.shop) return a.shop < b.shop;
    const std::string_view sa = table.shop_id(a.id), sb = table.shop_id(b.id);
    if (sa != sb) return sa < sb;
    if (a.customer != b.customer) return a.customer < b.customer;
    return table.customer_id(a.id) < table.customer_id(b.id);
  });
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = entries[i].id;
}

CBF_DETAIL_ENGINE UninitializedArray<std::uint32_t> key_ids(
    const BatchInput& input, KeyTable& table, bool insert, std::int64_t& unkeyed,
    std::optional<Timestamp>& latest, std::size_t workers, const Executor& executor) {
  const std::size_t n = input.size;
  UninitializedArray<std::uint32_t> ids(n);  // every id is written below
  // Each part finds every key again in a table of its own, and the parts' keys are merged one
  // by one: worth it only when the records are many per key already known (the first kind
  // read, or interactions after customers), not for a kind of a few records per key.
  const bool few_per_key = table.size() > 0 && n < 64 * table.size();
  const std::size_t parts =
      !input.indexable || few_per_key ? 1 : std::min(workers, n / min_part_records);
  if (parts <= 1) {
    input.key_ids(input.range, 0, n, table, insert, unkeyed, latest, ids.data());
    return ids;
  }
  struct Part {
    KeyTable table;
    std::int64_t unkeyed = 0;
    std::optional<Timestamp> latest;
    std::vector<std::uint32_t> global;  // local id → id in `table`
  };
  std::vector<Part> part(parts);
  const auto bounds = [&](std::size_t k) { return n * k / parts; };
  run_tasks(
      parts,
      [&](std::size_t k) {
        input.key_ids(input.range, bounds(k), bounds(k + 1), part[k].table, true, part[k].unkeyed,
                      part[k].latest, ids.data() + bounds(k));
      },
      executor);
  // Into an empty table, the first part's keys would enter in the order its own table has
  // them: its table becomes the batch's, and its ids stay as they are.
  const bool first_is_global = insert && table.size() == 0;
  if (first_is_global) table = std::move(part[0].table);
  for (std::size_t k = 0; k < parts; ++k) {
    Part& p = part[k];
    unkeyed += p.unkeyed;
    if (p.latest && (!latest || *p.latest > *latest)) latest = p.latest;
    if (k == 0 && first_is_global) continue;
    p.global.resize(p.table.size());
    for (std::uint32_t id = 0; id < p.table.size(); ++id)
      p.global[id] = insert ? table.insert(p.table.shop_id(id), p.table.customer_id(id))
                            : table.find(p.table.shop_id(id), p.table.customer_id(id));
  }
  run_tasks(
      parts,
      [&](std::size_t k) {
        if (k == 0 && first_is_global) return;
        const std::vector<std::uint32_t>& global = part[k].global;
        for (std::size_t i = bounds(k); i < bounds(k + 1); ++i)
          if (ids[i] != KeyTable::none) ids[i] = global[ids[i]];
      },
      executor);
  return ids;
}

CBF_DETAIL_ENGINE Grouped group(const BatchInput& input,
                                const UninitializedArray<std::uint32_t>& ids,
                                const std::vector<std::uint32_t>& rank, std::size_t customers,
                                Timestamp base, std::size_t workers, const Executor& executor) {
  Grouped g;
  g.offsets.assign(customers + 1, 0);
  const std::size_t n = ids.size();
  const std::size_t parts =
      input.indexable ? std::max<std::size_t>(1, std::min(workers, n / min_part_records)) : 1;
  // next[k][c]: where part k puts its next record of customer c.
  std::vector<std::vector<std::uint32_t>> next(parts, std::vector<std::uint32_t>(customers, 0));
  const auto bounds = [&](std::size_t k) { return n * k / parts; };
  const auto count_part = [&](std::size_t k) {
    std::vector<std::uint32_t>& counts = next[k];
    for (std::size_t i = bounds(k); i < bounds(k + 1); ++i)
      if (ids[i] != KeyTable::none && rank[ids[i]] != KeyTable::none) ++counts[rank[ids[i]]];
  };
  if (parts > 1) {
    run_tasks(parts, count_part, executor);
  } else {
    count_part(0);
  }
  std::uint32_t offset = 0;
  for (std::size_t c = 0; c < customers; ++c) {
    g.offsets[c] = offset;
    for (std::size_t k = 0; k < parts; ++k) {
      const std::uint32_t count = next[k][c];
      next[k][c] = offset;
      offset += count;
    }
  }
  g.offsets[customers] = offset;
  // Every slot is written below.
  g.is_packed = input.packs;
  g.packed_base = base;
  if (!g.is_packed)
    g.records = UninitializedArray<const void*>(offset);
  else if (input.kind == InputKind::interactions)
    g.packed_interactions = UninitializedArray<PackedInteraction>(offset);
  else
    g.packed_sessions = UninitializedArray<PackedSession>(offset);
  const auto scatter_part = [&](std::size_t k) {
    input.scatter(input.range, bounds(k), bounds(k + 1), ids.data(), rank.data(), next[k].data(), g,
                  base);
  };
  if (parts > 1) {
    run_tasks(parts, scatter_part, executor);
  } else {
    scatter_part(0);
  }
  return g;
}

CBF_DETAIL_ENGINE GroupedBatch group_batch(const BatchInputs& inputs, const Config& config,
                                           const KeyFilter& filter, std::size_t workers,
                                           const Executor& executor) {
  check_shard(filter.shard);
  GroupedBatch batch;
  batch.inputs = inputs;
  // With a key set, the table holds exactly those keys and records of others are skipped.
  const bool insert = !filter.keys;
  if (filter.keys)
    for (const CustomerKey& k : *filter.keys)
      (void)batch.table.insert(id_or_empty(k.shop_id), id_or_empty(k.customer_id));

  std::optional<Timestamp> latest;
  Diagnostics& u = batch.unkeyed;
  const std::array<std::int64_t*, 4> unkeyed{&u.customer.missing_field,
                                             &u.interaction.missing_field, &u.session.missing_field,
                                             &u.attribution.missing_field};
  std::array<UninitializedArray<std::uint32_t>, 4> ids;
  for (std::size_t k = 0; k < 4; ++k)
    ids[k] = key_ids(inputs[k], batch.table, insert, *unkeyed[k], latest, workers, executor);
  if (!config.as_of && !latest) throw MissingAsOf();
  batch.as_of = config.as_of ? *config.as_of : *latest;

  // A key set may name keys no record has: only keys with records become customers. Without
  // one, every key in the table came from a record.
  const std::size_t table_size = batch.table.size();
  std::vector<bool> present(table_size, insert);
  if (!insert)
    for (const auto& kind : ids)
      for (std::size_t i = 0; i < kind.size(); ++i)
        if (kind[i] != KeyTable::none) present[kind[i]] = true;
  std::vector<std::uint32_t> order;
  for (std::uint32_t id = 0; id < table_size; ++id) {
    if (!present[id]) continue;
    if (filter.shard.count > 1 && shard_of(batch.table.shop_id(id), batch.table.customer_id(id),
                                           filter.shard.count) != filter.shard.index)
      continue;
    order.push_back(id);
  }
  sort_keys(batch.table, order);
  std::vector<std::uint32_t> rank(table_size, KeyTable::none);
  batch.keys.reserve(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = r;
    batch.keys.push_back(
        CustomerKey{batch.table.shop_id(order[r]), batch.table.customer_id(order[r])});
  }
  for (std::size_t k = 0; k < 4; ++k) {
    batch.groups[k] = group(inputs[k], ids[k], rank, order.size(), batch.as_of, workers, executor);
    ids[k] = {};
  }
  return batch;
}

CBF_DETAIL_ENGINE Timestamp visit_batch(const BatchInputs& inputs, const Config& config,
                                        Diagnostics& unkeyed, CustomerVisitor visitor,
                                        const KeyFilter& filter) {
  validate(config);
  const GroupedBatch batch = group_batch(inputs, config, filter);
  unkeyed += batch.unkeyed;
  CustomerContext ctx;
  for (std::size_t c = 0; c < batch.size(); ++c) {
    if (c + 1 < batch.size()) batch.prefetch(c + 1);
    batch.build(ctx, c, config);
    if (c + 1 < batch.size()) batch.prefetch_text(c + 1);
    visitor.call(visitor.object, std::as_const(ctx));
  }
  return batch.as_of;
}

CBF_DETAIL_ENGINE BatchResult run_batch(const BatchInputs& inputs, const Config& config,
                                        const BatchOptions& options) {
  validate(config);
  // The first pass splits its records across the workers; the result does not depend on it.
  const GroupedBatch batch =
      group_batch(inputs, config, options.filter, thread_count(options.threads), options.executor);
  BatchResult result;
  result.as_of = batch.as_of;
  if (options.filter.counts_unkeyed()) result.diagnostics += batch.unkeyed;

  const std::size_t n = batch.size();
  // A kilobyte a customer, made on this thread before the workers start: on huge pages the
  // first writes fault 512 times less often (30 ms → 7 ms for 100 000 customers).
  result.customers.reserve(n);
  advise_huge_pages(result.customers.data(), n * sizeof(CustomerResult));
  result.customers.resize(n);
  const std::size_t workers = std::max<std::size_t>(1, std::min(thread_count(options.threads), n));
  // Slices small enough to balance heavy-tailed customers, large enough to be cheap to hand out.
  const std::size_t slice = std::clamp<std::size_t>(n / (workers * 32), 1, 256);

  BatchProgress progress;
  progress.customers_total = static_cast<std::int64_t>(n);
  progress.records_total = batch.records();
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex merge;
  const auto worker = [&](std::size_t) {
    CustomerContext ctx;
    FeatureScratch scratch;
    Diagnostics diagnostics;
    try {
      for (;;) {
        const std::size_t begin = next.fetch_add(slice, std::memory_order_relaxed);
        if (begin >= n || failed.load(std::memory_order_relaxed)) break;
        const std::size_t end = std::min(n, begin + slice);
        std::int64_t records = 0;
        for (std::size_t c = begin; c < end; ++c) {
          if (c + 1 < end) batch.prefetch(c + 1);
          batch.build(ctx, c, config);
          if (c + 1 < end) batch.prefetch_text(c + 1);
          diagnostics += ctx.diagnostics;
          records += batch.records_of(c);
          result.customers[c] = result_of(ctx, compute_features(ctx, scratch));
        }
        if (options.progress) {
          const std::lock_guard lock(merge);
          progress.customers_done += static_cast<std::int64_t>(end - begin);
          progress.records_done += records;
          options.progress(std::as_const(progress));
        }
      }
    } catch (...) {
      failed = true;
      throw;
    }
    const std::lock_guard lock(merge);
    result.diagnostics += diagnostics;  // integer counts: the sum does not depend on the order
  };
  run_tasks(workers, worker, options.executor);
  return result;
}
#endif

}  // namespace detail

/// Calls `on_customer(ctx)` once per key of the batch (after the filter), in key order, on the
/// calling thread, with the context built at the batch's as_of (§4.1: default the latest valid
/// stamp). Records without a customer_id are counted in `unkeyed`. Returns as_of.
template <class Customers, class Interactions, class Sessions, class Attributions, class F>
Timestamp for_each_customer(Customers&& customers, Interactions&& interactions, Sessions&& sessions,
                            Attributions&& attributions, const Config& config, Diagnostics& unkeyed,
                            F&& on_customer, const KeyFilter& filter = {}) {
  CBF_DETAIL_REQUIRE_RANGE(Customers, customer_record, "customers");
  CBF_DETAIL_REQUIRE_RANGE(Interactions, interaction_record, "interactions");
  CBF_DETAIL_REQUIRE_RANGE(Sessions, session_record, "sessions");
  CBF_DETAIL_REQUIRE_RANGE(Attributions, attribution_record, "attributions");
  const detail::BatchInputs inputs =
      detail::batch_inputs(customers, interactions, sessions, attributions);
  using Callable = std::remove_reference_t<F>;
  const detail::CustomerVisitor visitor{
      const_cast<void*>(static_cast<const void*>(std::addressof(on_customer))),
      [](void* object, const CustomerContext& ctx) { (*static_cast<Callable*>(object))(ctx); }};
  return detail::visit_batch(inputs, config, unkeyed, visitor, filter);
}

/// Features of every customer of a batch (contract §4.16): records of any order and any adapted
/// types, grouped by (shop_id, customer_id); one row per key found in any input, ordered by key;
/// `as_of` defaults to the latest valid stamp of the whole batch (§4.1). The result is the same,
/// bit for bit, for any thread count and executor. Throws InvalidParameter, MissingAsOf or
/// InvalidShard before any work starts.
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] BatchResult compute_batch(Customers&& customers, Interactions&& interactions,
                                        Sessions&& sessions, Attributions&& attributions,
                                        const Config& config, const BatchOptions& options = {}) {
  CBF_DETAIL_REQUIRE_RANGE(Customers, customer_record, "customers");
  CBF_DETAIL_REQUIRE_RANGE(Interactions, interaction_record, "interactions");
  CBF_DETAIL_REQUIRE_RANGE(Sessions, session_record, "sessions");
  CBF_DETAIL_REQUIRE_RANGE(Attributions, attribution_record, "attributions");
  return detail::run_batch(detail::batch_inputs(customers, interactions, sessions, attributions),
                           config, options);
}

/// The model summaries (x, t_x, T, m in config.model_time_unit) of every customer of a batch with
/// at least one order, in key order: the population to fit the models on.
template <class Customers, class Interactions, class Sessions, class Attributions>
[[nodiscard]] std::vector<models::Summary> model_summaries(Customers&& customers,
                                                           Interactions&& interactions,
                                                           Sessions&& sessions,
                                                           Attributions&& attributions,
                                                           const Config& config) {
  std::vector<models::Summary> summaries;
  Diagnostics unkeyed;
  (void)for_each_customer(customers, interactions, sessions, attributions, config, unkeyed,
                          [&](const CustomerContext& ctx) {
                            if (auto s = model_summary(ctx)) summaries.push_back(*s);
                          });
  return summaries;
}

}  // namespace cbf
