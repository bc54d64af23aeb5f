// Fuzzes cbf::compute_batch over the library's own records: any record sequence and any Config,
// checking the batch's promises (docs/batch.md, docs/features.md) rather than only "no crash".
#include "batch_checks.hpp"
#include "fuzz_input.hpp"
#include "known_findings.hpp"

#include <cbf/cbf.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using cbf_fuzz::FuzzInput;
using cbf_fuzz::Records;
using cbf_fuzz::require;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t max_records = 64;
constexpr std::int64_t limit_us = cbf::timestamp_limit.count();

/// The lowest stamp the decoder makes (see known::full_time_span).
constexpr cbf::Duration lowest = cbf_fuzz::known::full_time_span
                                     ? -cbf::timestamp_limit + microseconds{1}
                                     : -cbf::timestamp_limit;

constexpr std::array<std::string_view, 9> shop_ids{"",    "s1", "s2", " ", "S1",
                                                   "s1 ", "\t", "s1", "s2"};
constexpr std::array<std::string_view, 10> customer_ids{"c1", "c2", "c3",  "c1", "c2",
                                                        "",   "  ", " c1", "C1", "\xC3\xA9"};
constexpr std::array<std::string_view, 9> session_ids{"", "a", "b", "c", "a", "b", " a", "A", "\n"};
// The contract's event names (docs/features.md, Event kinds), spellings the rules fold, and junk.
// clang-format off
constexpr std::array<std::string_view, 40> event_types{
    "page_viewed", "page_view", "pageview",
    "product_viewed", "product_view", "view_item", "view", "detail",
    "collection_viewed", "collection_view", "view_item_list", "category_view",
    "search_submitted", "search", "view_search_results",
    "product_added_to_cart", "add_to_cart", "addtocart", "cart",
    "product_removed_from_cart", "remove_from_cart",
    "cart_viewed", "view_cart",
    "checkout_started", "begin_checkout",
    "checkout_completed", "purchase", "transaction",
    " Product_Viewed ", "PAGE_VIEWED", "\tsearch\r", "Checkout_Completed",
    "", "  ", "unknown", "page viewed", "page_viewed_", "\xC3\x89vent", "add-to-cart", "x"};
// clang-format on
constexpr std::array<std::string_view, 6> product_ids{"", "p1", "p2", "p3", " p1", "P1"};
constexpr std::array<std::string_view, 6> category_ids{"", "k1", "k2", "k3", "K1", " "};
constexpr std::array<std::string_view, 8> queries{
    "", "shoes", " Red   Shoes ", "red shoes", "RED\tSHOES", "\t", "hat", "r\u00E9d"};
constexpr std::array<std::string_view, 13> devices{
    "",   "mobile", " Mobile", "phone", "smartphone", "desktop",  "COMPUTER",
    "pc", "laptop", "tablet",  "tv",    " ",          "Desktop\t"};
constexpr std::array<std::string_view, 7> referrers{"",     "email", "Email",   "organic",
                                                    "paid", " ",     "ORGANIC "};
constexpr std::array<std::string_view, 7> order_ids{"", "o1", "o2", "o3", " ", "O1", "o1 "};
constexpr std::array<std::string_view, 10> attribution_types{
    "", "search", " Search ", "browse", "related", "direct", "cart", "email", "EMAIL", "zz"};

/// A text from a pool, a long one, or junk bytes.
std::string pooled(FuzzInput& in, std::span<const std::string_view> pool) {
  const std::uint8_t selector = in.byte();
  if (selector < 240) return std::string(pool[selector % pool.size()]);
  if (selector < 248) return std::string(1000 + in.byte(), static_cast<char>('a' + selector % 3));
  return in.text(16);
}

/// `base` shifted by `delta_us`, saturated at the ends of the 64-bit range.
cbf::Timestamp shifted(cbf::Timestamp base, std::int64_t delta_us) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(base.time_since_epoch().count(), delta_us, &out))
    out = delta_us > 0 ? std::numeric_limits<std::int64_t>::max()
                       : std::numeric_limits<std::int64_t>::min();
  return cbf::Timestamp{microseconds{out}};
}

[[nodiscard]] bool in_range(cbf::Timestamp t) {
  const std::int64_t us = t.time_since_epoch().count();
  return us >= -limit_us && us <= limit_us;
}

/// Decodes a whole Config and records whether the documented rules (docs/features.md, Config
/// parameters; docs/models.md §5) make it invalid.
class ConfigDecoder {
 public:
  explicit ConfigDecoder(FuzzInput& in) : in_(in) {}

  /// Why the config is invalid, empty when it is valid.
  [[nodiscard]] const std::string& invalid() const noexcept { return invalid_; }

  /// The decoded config; `base` is the instant the records cluster around.
  cbf::Config decode(cbf::Timestamp base) {
    cbf::Config c = in_.flag() ? cbf::shopify_config() : cbf::default_config();
    const std::uint8_t present = in_.byte();  // which groups of parameters differ from the preset
    c.as_of = as_of(base);
    c.lookback = lookback();
    c.utc_offset = utc_offset();
    if (present & 1) {
      c.session_timeout = span("session_timeout", false);
      c.engaged_min_duration = span("engaged_min_duration", false);
      c.impulse_window = span("impulse_window", false);
    }
    if (present & 2) {
      c.trend_window = span("trend_window", true);
      c.default_purchase_cycle = span("default_purchase_cycle", true);
    }
    if (present & 4) {
      // Bounded so that one input stays fast: the model sums one term per month.
      const std::int8_t months = in_.integer<std::int8_t>();
      c.clv_horizon_months = months % 49;
      if (c.clv_horizon_months < 0) mark("clv_horizon_months");
      c.monthly_discount_rate = in_.edge_double();
      if (!(std::isfinite(c.monthly_discount_rate) && c.monthly_discount_rate > -1))
        mark("monthly_discount_rate");
      else if (cbf_fuzz::known::discount_rate_near_minus_one)
        c.monthly_discount_rate = std::max(c.monthly_discount_rate, -0.5);  // finding 5
    }
    if (present & 8) c.model_time_unit = span("model_time_unit", true);
    if (present & 16) {
      for (double& b : c.rfm.recency_days) b = in_.edge_double();
      for (double& b : c.rfm.frequency) b = in_.edge_double();
      rfm(c.rfm);
    }
    if (present & 32) weights(c);
    if (present & 64) {
      c.page_view_kinds = {};
      const std::uint16_t bits = in_.integer<std::uint16_t>();
      for (std::size_t k = 0; k < cbf::event_kind_count; ++k)
        if (bits & (1u << k)) c.page_view_kinds.insert(static_cast<cbf::EventKind>(k));
      c.paired_page_views = in_.flag();
    }
    if (present & 128) models(c);
    return c;
  }

 private:
  void mark(std::string_view parameter) {
    if (invalid_.empty()) invalid_ = std::string(parameter);
  }

  std::optional<cbf::Timestamp> as_of(cbf::Timestamp base) {
    std::optional<cbf::Timestamp> t;
    switch (in_.byte() % 10) {
      case 0:
      case 1:
      case 2:
        return std::nullopt;
      case 3:
        t = shifted(base, in_.integer<std::int16_t>() * std::int64_t{3'600'000'000});
        break;
      case 4:  // before every record near base
        t = shifted(base, -std::int64_t{86'400'000'000} * 100'000);
        break;
      case 5:
        t = cbf::Timestamp{cbf::timestamp_limit};
        break;
      case 6:
        t = cbf::Timestamp{lowest};
        break;
      case 7:
        t = cbf::Timestamp{cbf::timestamp_limit + microseconds{1}};
        break;
      case 8:
        t = cbf::Timestamp{microseconds{in_.integer<std::int64_t>()}};
        break;
      default:
        t = shifted(base, in_.integer<std::int32_t>());
        break;
    }
    if (!in_range(*t)) mark("as_of");
    if (in_range(*t) && t->time_since_epoch() < lowest) t = cbf::Timestamp{lowest};
    return t;
  }

  std::optional<cbf::Duration> lookback() {
    switch (in_.byte() % 8) {
      case 0:
      case 1:
      case 2:
        return std::nullopt;
      case 3:
        return days{in_.byte()};
      case 4:
        return cbf::Duration::max();
      case 5:
        return cbf::timestamp_limit;
      case 6:
        mark("lookback");
        return -microseconds{1};
      default: {
        const microseconds d{in_.integer<std::int64_t>()};
        if (d < microseconds::zero()) mark("lookback");
        return d;
      }
    }
  }

  minutes utc_offset() {
    minutes m{0};
    switch (in_.byte() % 6) {
      case 0:
      case 1:
        return minutes{0};
      case 2:
        m = minutes{1439};
        break;
      case 3:
        m = minutes{-1440};
        break;
      default:
        m = minutes{in_.integer<std::int16_t>() % 1500};
        break;
    }
    if (m <= minutes{-1440} || m >= minutes{1440}) mark("utc_offset");
    return m;
  }

  /// A span parameter; `positive` when 0 is invalid too.
  cbf::Duration span(std::string_view parameter, bool positive) {
    cbf::Duration d{};
    switch (in_.byte() % 8) {
      case 0:
        d = microseconds{0};
        break;
      case 1:
        d = microseconds{1};
        break;
      case 2:
        d = cbf::Duration::max();
        break;
      case 3:
        d = minutes{in_.byte()};
        break;
      case 4:
        d = days{in_.byte()};
        break;
      case 5:
        d = -seconds{in_.byte()};
        break;
      default:
        d = microseconds{in_.integer<std::int64_t>()};
        break;
    }
    if (d < cbf::Duration::zero() || (positive && d == cbf::Duration::zero())) mark(parameter);
    return d;
  }

  void rfm(const cbf::RfmBreaks& b) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (!std::isfinite(b.recency_days[i]) || !std::isfinite(b.frequency[i])) mark("rfm");
      if (i > 0 && !(b.recency_days[i - 1] <= b.recency_days[i])) mark("rfm.recency_days");
      if (i > 0 && !(b.frequency[i - 1] <= b.frequency[i])) mark("rfm.frequency");
    }
  }

  void weights(cbf::Config& c) {
    constexpr std::array<std::array<double, 4>, 8> engagement{{{0.30, 0.25, 0.25, 0.20},
                                                               {1, 0, 0, 0},
                                                               {0, 0, 0, 1},
                                                               {0.1, 0.2, 0.3, 0.4},
                                                               {1 + 1e-10, 0, 0, 0},
                                                               {1 + 1e-8, 0, 0, 0},
                                                               {0.5, 0.5, 0.5, -0.5},
                                                               {0.25, 0.25, 0.25, 0.3}}};
    const auto& e = in_.pick(engagement);
    c.engagement_weights = {e[0], e[1], e[2], e[3]};
    if (std::fabs(e[0] + e[1] + e[2] + e[3] - 1.0) > 1e-9 ||
        std::any_of(e.begin(), e.end(), [](double x) { return x < 0; }))
      mark("engagement_weights");
    auto& h = c.engagement_half_saturation;
    for (double* x : {&h.sessions_per_month, &h.session_minutes, &h.page_views_per_session}) {
      *x = in_.edge_double();
      if (!(std::isfinite(*x) && *x > 0)) mark("engagement_half_saturation");
    }
    constexpr std::array<double, 10> risk{0, 1e-100, 1e100, 0.6,  0.2,
                                          1, 1e-101, 2e100, -0.2, HUGE_VAL};
    auto& r = c.risk_weights;
    for (double* x : {&r.churn_probability, &r.cart_abandonment_rate, &r.negative_loyalty_trend}) {
      *x = in_.pick(risk);
      if (!(*x == 0 || (*x >= 1e-100 && *x <= 1e100))) mark("risk_weights");
    }
  }

  /// A model parameter: mostly of ordinary size, sometimes any edge double (invalid ones too).
  double parameter(double lo, double hi) {
    const double x = in_.byte() < 192 ? in_.log_uniform(lo, hi) : in_.edge_double();
    if (!(x >= 1e-100 && x <= 1e100)) mark("model parameters");  // docs/models.md §5
    return x;
  }

  void models(cbf::Config& c) {
    switch (in_.byte() % 4) {
      case 0:
        break;
      case 1:  // the CDNOW fit (docs/models.md §9)
        c.bg_nbd = cbf::BgNbdParameters{0.242593, 4.413536, 0.792886, 2.425753};
        c.gamma_gamma = cbf::GammaGammaParameters{6.248805, 3.744588, 15.447739};
        break;
      default: {
        // α is a span in model_time_unit: scaled to the horizon, so that z = t / (α + T + t)
        // stays below known::ordinary_z (finding 2) for every month of it.
        const double unit =
            static_cast<double>(std::max<std::int64_t>(c.model_time_unit.count(), 1));
        const double horizon = std::max(1, c.clv_horizon_months) * 2629746e6 / unit;
        const double alpha_scale = cbf_fuzz::known::bg_nbd_outside_ordinary ? horizon : 1.0;
        cbf::BgNbdParameters p{parameter(-3, 1), alpha_scale * parameter(-2, 2), parameter(-3, 2),
                               parameter(-3, 3)};
        if (p.a == 1.0) mark("bg_nbd.a");
        if (cbf_fuzz::known::bg_nbd_outside_ordinary && invalid_.empty() &&
            !cbf_fuzz::known::ordinary(cbf::BgNbdParameters{p.r, p.alpha / alpha_scale, p.a, p.b}))
          p = cbf::BgNbdParameters{1, alpha_scale, 0.5, 2};  // finding 2: keep them ordinary
        c.bg_nbd = p;
        if (in_.flag()) {
          cbf::GammaGammaParameters g{parameter(-3, 3), parameter(-3, 3), parameter(-3, 3)};
          if (cbf_fuzz::known::extreme_model_parameters && invalid_.empty() &&
              !cbf_fuzz::known::ordinary(g))
            g = cbf::GammaGammaParameters{6, 4, 15};  // finding 3
          c.gamma_gamma = g;
        }
        break;
      }
    }
  }

  FuzzInput& in_;
  std::string invalid_;
};

/// Decodes records whose stamps cluster around `base`, with every kind of edge on the way.
class RecordDecoder {
 public:
  RecordDecoder(FuzzInput& in, cbf::Timestamp base) : in_(in), base_(base) {}

  cbf::TimeField time() {
    const cbf::TimeField t = any_time();
    if (t.is_valid() && t.value().time_since_epoch() < lowest) return cbf::Timestamp{lowest};
    return t;
  }

 private:
  cbf::TimeField any_time() {
    const std::uint8_t selector = in_.byte();
    switch (selector % 16) {
      case 0:
        return cbf::TimeField{};
      case 1:
        return cbf::TimeField::invalid();
      case 2:
        return cbf::Timestamp{cbf::timestamp_limit};
      case 3:
        return cbf::Timestamp{lowest};
      case 4:
        return cbf::Timestamp{cbf::timestamp_limit + microseconds{1}};  // invalid
      case 5:
        return cbf::Timestamp{-cbf::timestamp_limit - microseconds{1}};  // invalid
      case 6:
        return cbf::Timestamp{microseconds{in_.integer<std::int64_t>()}};
      case 7:  // the coarse path of in_timestamp_range
        return std::chrono::sys_time<seconds>{seconds{in_.integer<std::int64_t>()}};
      case 8:  // the fine path
        return std::chrono::sys_time<std::chrono::nanoseconds>{
            std::chrono::nanoseconds{in_.integer<std::int64_t>()}};
      case 9:
        return std::optional<std::chrono::sys_days>{};
      default: {
        // Near base: seconds, minutes, hours or days apart, so sessions split and windows matter.
        constexpr std::array<std::int64_t, 4> units{1'000'000, 60'000'000, 3'600'000'000,
                                                    86'400'000'000};
        const std::int64_t unit = units[selector >> 6];
        return shifted(base_, in_.integer<std::int8_t>() * unit);
      }
    }
  }

 public:
  std::optional<double> view_duration() {
    if (in_.byte() % 4 == 0) return std::nullopt;
    return in_.edge_double();
  }

  std::optional<double> money() {
    const std::uint8_t selector = in_.byte();
    if (selector % 5 == 0) return std::nullopt;
    if (selector % 5 == 1) return static_cast<double>(in_.byte()) / 4;
    return in_.edge_double();
  }

  cbf::Customer customer() {
    cbf::Customer c;
    c.shop_id = pooled(in_, shop_ids);
    c.customer_id = pooled(in_, customer_ids);
    c.created_at = time();
    c.updated_at = time();
    return c;
  }

  cbf::Interaction interaction() {
    cbf::Interaction e;
    e.shop_id = pooled(in_, shop_ids);
    e.customer_id = pooled(in_, customer_ids);
    e.session_id = pooled(in_, session_ids);
    e.event_type = pooled(in_, event_types);
    e.product_id = pooled(in_, product_ids);
    e.category_id = pooled(in_, category_ids);
    e.search_query = pooled(in_, queries);
    e.view_duration = view_duration();
    e.device_type = pooled(in_, devices);
    e.created_at = time();
    return e;
  }

  cbf::Session session() {
    cbf::Session s;
    s.shop_id = pooled(in_, shop_ids);
    s.customer_id = pooled(in_, customer_ids);
    s.session_id = pooled(in_, session_ids);
    s.start_time = time();
    s.end_time = time();
    s.device_type = pooled(in_, devices);
    s.referrer_type = pooled(in_, referrers);
    s.created_at = time();
    return s;
  }

  cbf::Attribution attribution() {
    cbf::Attribution a;
    a.shop_id = pooled(in_, shop_ids);
    a.customer_id = pooled(in_, customer_ids);
    a.order_id = pooled(in_, order_ids);
    a.product_id = pooled(in_, product_ids);
    a.session_id = pooled(in_, session_ids);
    a.attribution_type = pooled(in_, attribution_types);
    a.attribution_value = money();
    a.created_at = time();
    return a;
  }

 private:
  FuzzInput& in_;
  cbf::Timestamp base_;
};

/// The instant the records cluster around: an ordinary day, the epoch, or next to either limit.
cbf::Timestamp decode_base(FuzzInput& in) {
  constexpr cbf::Timestamp ordinary{std::chrono::sys_days{std::chrono::year{2024} / 3 / 1}};
  switch (in.byte() % 6) {
    case 0:
      return cbf::Timestamp{};
    case 1:
      return cbf::Timestamp{cbf::timestamp_limit - days{200}};
    case 2:
      return cbf::Timestamp{-cbf::timestamp_limit + days{200}};
    default:
      return ordinary;
  }
}

/// The decoded config's parameters that differ between inputs, for failure messages.
std::string describe(const cbf::Config& c) {
  std::string out = fmt::format(
      "as_of {} lookback {} utc_offset {} min, session_timeout {} µs, engaged_min_duration {} µs, "
      "impulse_window {} µs, trend_window {} µs, default_purchase_cycle {} µs, clv_horizon_months "
      "{}, monthly_discount_rate {}, model_time_unit {} µs, paired_page_views {}",
      c.as_of ? fmt::format("{}", c.as_of->time_since_epoch().count()) : "none",
      c.lookback ? fmt::format("{}", c.lookback->count()) : "none", c.utc_offset.count(),
      c.session_timeout.count(), c.engaged_min_duration.count(), c.impulse_window.count(),
      c.trend_window.count(), c.default_purchase_cycle.count(), c.clv_horizon_months,
      c.monthly_discount_rate, c.model_time_unit.count(), c.paired_page_views);
  if (c.bg_nbd)
    out += fmt::format(", bg_nbd {{r {}, alpha {}, a {}, b {}}}", c.bg_nbd->r, c.bg_nbd->alpha,
                       c.bg_nbd->a, c.bg_nbd->b);
  if (c.gamma_gamma)
    out += fmt::format(", gamma_gamma {{p {}, q {}, gamma {}}}", c.gamma_gamma->p, c.gamma_gamma->q,
                       c.gamma_gamma->gamma);
  return out;
}

/// compute_customer over one key's records gives the batch's row for that key.
void check_single(const Records& all, const cbf::CustomerResult& row, const cbf::Config& config,
                  cbf::Timestamp as_of) {
  cbf::Config at_batch = config;
  at_batch.as_of = as_of;
  const Records mine = cbf_fuzz::records_of(all, {row.shop_id, row.customer_id});
  const cbf::CustomerResult single = cbf::compute_customer(
      mine.customers, mine.interactions, mine.sessions, mine.attributions, at_batch);
  require(cbf_fuzz::identical(single, row),
          "compute_customer differs from the batch row\n  got  {}\n  want {}",
          cbf_fuzz::describe(single), cbf_fuzz::describe(row));
}

/// Shards 0 and 1 of 2, and a key subset, give exactly the full run's rows (docs/batch.md).
void check_subsets(const Records& r, const cbf::Config& config, const cbf::BatchResult& full,
                   std::size_t pick) {
  std::vector<cbf::CustomerResult> merged;
  cbf::Diagnostics totals;
  for (std::uint32_t index = 0; index < 2; ++index) {
    cbf::BatchOptions options;
    options.threads = 1;
    options.filter.shard = cbf::Shard{index, 2};
    cbf::BatchResult part = cbf::compute_batch(r.customers, r.interactions, r.sessions,
                                               r.attributions, config, options);
    require(part.as_of == full.as_of, "shard {} of 2 has another as_of", index);
    for (auto& row : part.customers) {
      require(cbf::shard_of(row.shop_id, row.customer_id, 2) == index,
              "shard {} of 2 holds key ({:?}, {:?}) of another shard", index, row.shop_id,
              row.customer_id);
      merged.push_back(std::move(row));
    }
    totals += part.diagnostics;
  }
  std::sort(merged.begin(), merged.end(), [](const auto& a, const auto& b) {
    return std::tie(a.shop_id, a.customer_id) < std::tie(b.shop_id, b.customer_id);
  });
  cbf_fuzz::require_identical(merged, full.customers, "shards 0 and 1 of 2 against the full run");
  require(totals == full.diagnostics, "the shards' diagnostics {} do not add up to {}", totals,
          full.diagnostics);

  if (full.customers.empty()) return;
  const cbf::CustomerResult& wanted = full.customers[pick % full.customers.size()];
  const std::array<cbf::CustomerKey, 2> keys{cbf::CustomerKey{wanted.shop_id, wanted.customer_id},
                                             cbf::CustomerKey{"no", "such key"}};
  cbf::BatchOptions options;
  options.threads = 1;
  options.filter.keys = std::span<const cbf::CustomerKey>(keys);
  const cbf::BatchResult subset =
      cbf::compute_batch(r.customers, r.interactions, r.sessions, r.attributions, config, options);
  require(subset.as_of == full.as_of, "a key subset has another as_of");
  cbf_fuzz::require_identical(subset.customers, {wanted}, "a key subset against the full run");
  require(subset.diagnostics == wanted.diagnostics,
          "a key subset's diagnostics {} are not its row's {}", subset.diagnostics,
          wanted.diagnostics);
}

/// True when some key's session durations could add up to 2^63 µs (known::session_duration_sum):
/// a bound of each duration by as_of − start (record sessions), or by as_of − stamp plus the
/// longest view (sessions derived from interactions).
bool durations_may_overflow(const Records& r, cbf::Timestamp as_of) {
  std::map<cbf_fuzz::Key, std::int64_t> totals;
  bool overflow = false;
  const auto add = [&](const auto& record, const cbf::TimeField& start, std::int64_t extra) {
    if (!start.is_valid() || start.value() > as_of) return;
    std::int64_t span = 0;
    std::int64_t& total = totals[cbf_fuzz::key_of(record)];
    overflow = overflow ||
               __builtin_sub_overflow(as_of.time_since_epoch().count(),
                                      start.value().time_since_epoch().count(), &span) ||
               __builtin_add_overflow(span, extra, &span) ||
               __builtin_add_overflow(total, span, &total);
  };
  for (const auto& s : r.sessions) add(s, s.start_time, 0);
  for (const auto& e : r.interactions) add(e, e.created_at, std::int64_t{1'000'000'000'000'000});
  return overflow;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzInput in(data, size);
  const cbf::Timestamp base = decode_base(in);
  ConfigDecoder config_decoder(in);
  const cbf::Config config = config_decoder.decode(base);
  cbf_fuzz::input_description = [&config] { return describe(config); };
  const std::size_t pick = in.byte();

  Records r;
  RecordDecoder decoder(in, base);
  while (!in.empty() &&
         r.customers.size() + r.interactions.size() + r.sessions.size() + r.attributions.size() <
             max_records) {
    switch (in.byte() % 4) {
      case 0:
        r.customers.push_back(decoder.customer());
        break;
      case 1:
        r.interactions.push_back(decoder.interaction());
        break;
      case 2:
        r.sessions.push_back(decoder.session());
        break;
      default:
        r.attributions.push_back(decoder.attribution());
        break;
    }
  }

  const std::optional<cbf::Timestamp> latest = cbf_fuzz::latest_stamp(r);
  const std::string& invalid = config_decoder.invalid();
  if (cbf_fuzz::known::session_duration_sum && invalid.empty() && (config.as_of || latest) &&
      durations_may_overflow(r, config.as_of ? *config.as_of : *latest))
    return 0;
  cbf::BatchOptions one;
  one.threads = 1;
  cbf::BatchResult batch;
  try {
    batch =
        cbf::compute_batch(r.customers, r.interactions, r.sessions, r.attributions, config, one);
  } catch (const cbf::InvalidParameter& e) {
    require(!invalid.empty(), "InvalidParameter for a valid config: {}", e.what());
    return 0;
  } catch (const cbf::MissingAsOf& e) {
    require(invalid.empty() && !config.as_of && !latest,
            "MissingAsOf although as_of is given or a stamp is valid (config invalid: '{}')",
            invalid);
    return 0;
  } catch (const std::exception& e) {
    cbf_fuzz::fail("compute_batch threw {}", e.what());
  }
  require(invalid.empty(), "compute_batch accepted a config with an invalid {}", invalid);
  require(config.as_of || latest, "compute_batch did not throw MissingAsOf without any stamp");
  cbf_fuzz::check_batch(batch, r, config.as_of ? *config.as_of : *latest);

  try {
    cbf::BatchOptions two;
    two.threads = 2;
    const cbf::BatchResult parallel =
        cbf::compute_batch(r.customers, r.interactions, r.sessions, r.attributions, config, two);
    require(parallel.as_of == batch.as_of && parallel.diagnostics == batch.diagnostics,
            "2 threads give another as_of or other diagnostics");
    cbf_fuzz::require_identical(parallel.customers, batch.customers, "2 threads against 1");
    check_subsets(r, config, batch, pick);
    if (!batch.customers.empty()) {
      check_single(r, batch.customers.front(), config, batch.as_of);
      check_single(r, batch.customers[pick % batch.customers.size()], config, batch.as_of);
    }
  } catch (const std::exception& e) {
    cbf_fuzz::fail("a second computation of a valid batch threw {}", e.what());
  }
  return 0;
}
