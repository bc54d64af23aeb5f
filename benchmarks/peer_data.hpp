// The peers' data set (../shared/bench/peers/gen.py) as a host would hold it: compact records whose
// text fields are views into the loaded file text. Read from the peers' CSV files, or generated
// here with the same shape (so the benchmarks run without Python).
#pragma once

#include <cbf/cbf.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cbf::bench {

using Seconds = std::chrono::sys_seconds;

/// interactions.csv: customer_id,session_id,ts,event_type,product_id,category_id,search_query
struct PeerInteraction {
  std::string_view customer_id, session_id, event_type, product_id, category_id, search_query;
  Seconds created_at;
};
/// sessions.csv: customer_id,session_id,start_ts,end_ts,device_type,referrer_type
struct PeerSession {
  std::string_view customer_id, session_id, device_type, referrer_type;
  Seconds start_time, end_time;
};
/// attributions.csv: customer_id,order_id,ts,product_id,revenue,attribution_type
struct PeerAttribution {
  std::string_view customer_id, order_id, product_id, attribution_type;
  double attribution_value;
  Seconds created_at;
};

/// The three tables and the text they view.
struct PeerData {
  std::string interaction_text, session_text, attribution_text;
  std::vector<PeerInteraction> interactions;
  std::vector<PeerSession> sessions;
  std::vector<PeerAttribution> attributions;

  [[nodiscard]] std::size_t records() const noexcept {
    return interactions.size() + sessions.size() + attributions.size();
  }
  /// Bytes of the input: the records and the text they point into.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return interactions.size() * sizeof(PeerInteraction) + sessions.size() * sizeof(PeerSession) +
           attributions.size() * sizeof(PeerAttribution) + interaction_text.size() +
           session_text.size() + attribution_text.size();
  }
};

namespace peer_detail {

/// The comma-separated fields of each line after the header; the text must outlive the views.
template <std::size_t N, class F>
void for_each_row(std::string_view text, F&& f) {
  std::size_t pos = text.find('\n');
  pos = pos == std::string_view::npos ? text.size() : pos + 1;
  std::array<std::string_view, N> fields{};
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    for (std::size_t i = 0; i < N; ++i) {
      const std::size_t comma = i + 1 < N ? line.find(',') : line.size();
      if (comma == std::string_view::npos) throw std::runtime_error("short CSV row");
      fields[i] = line.substr(0, comma);
      line.remove_prefix(std::min(line.size(), comma + 1));
    }
    f(fields);
  }
}

inline std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size())
    throw std::runtime_error("not an integer: " + std::string(s));
  return v;
}

inline double to_double(std::string_view s) {
  return std::stod(std::string(s));  // loading is not timed
}

inline Seconds to_time(std::string_view s) { return Seconds{std::chrono::seconds{to_int(s)}}; }

}  // namespace peer_detail

/// Parses the three peer tables from their CSV text (moved in; the records view it).
inline PeerData parse_peer_tables(std::string interactions, std::string sessions,
                                  std::string attributions) {
  using namespace peer_detail;
  PeerData d;
  d.interaction_text = std::move(interactions);
  d.session_text = std::move(sessions);
  d.attribution_text = std::move(attributions);
  d.interactions.reserve(static_cast<std::size_t>(
      std::count(d.interaction_text.begin(), d.interaction_text.end(), '\n')));
  for_each_row<7>(d.interaction_text, [&](const auto& f) {
    d.interactions.push_back(PeerInteraction{f[0], f[1], f[3], f[4], f[5], f[6], to_time(f[2])});
  });
  for_each_row<6>(d.session_text, [&](const auto& f) {
    d.sessions.push_back(PeerSession{f[0], f[1], f[4], f[5], to_time(f[2]), to_time(f[3])});
  });
  for_each_row<6>(d.attribution_text, [&](const auto& f) {
    d.attributions.push_back(
        PeerAttribution{f[0], f[1], f[3], f[5], to_double(f[4]), to_time(f[2])});
  });
  return d;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return std::move(s).str();
}

/// The peers' records as DuckDB holds them (BIGINT ids, timestamps as integers) and a service
/// would: integer ids, the event type as a cbf::EventKind, only the free text as views.
struct NumericInteraction {
  std::int64_t customer_id;
  std::int64_t session_id;
  cbf::EventKind event_type;
  std::optional<std::int64_t> product_id, category_id;
  std::string_view search_query;
  Seconds created_at;
};
struct NumericSession {
  std::int64_t customer_id;
  std::int64_t session_id;
  std::string_view device_type, referrer_type;
  Seconds start_time, end_time;
};
struct NumericAttribution {
  std::int64_t customer_id;
  std::int64_t order_id;
  std::optional<std::int64_t> product_id;
  std::string_view attribution_type;
  double attribution_value;
  Seconds created_at;
};

/// The three tables with integer ids (the text records' views stay in `text`).
struct NumericPeerData {
  std::vector<NumericInteraction> interactions;
  std::vector<NumericSession> sessions;
  std::vector<NumericAttribution> attributions;

  [[nodiscard]] std::size_t records() const noexcept {
    return interactions.size() + sessions.size() + attributions.size();
  }
  /// Bytes of the input: the records (their free text is the text data's).
  [[nodiscard]] std::size_t bytes() const noexcept {
    return interactions.size() * sizeof(NumericInteraction) +
           sessions.size() * sizeof(NumericSession) +
           attributions.size() * sizeof(NumericAttribution);
  }
};

/// The text data with every id read as an integer and every event type classified, once.
inline NumericPeerData to_numeric(const PeerData& d) {
  using peer_detail::to_int;
  const auto optional_int = [](std::string_view s) {
    return s.empty() ? std::nullopt : std::optional<std::int64_t>(to_int(s));
  };
  NumericPeerData n;
  n.interactions.reserve(d.interactions.size());
  for (const PeerInteraction& r : d.interactions)
    n.interactions.push_back({to_int(r.customer_id), to_int(r.session_id),
                              cbf::classify_event(r.event_type), optional_int(r.product_id),
                              optional_int(r.category_id), r.search_query, r.created_at});
  n.sessions.reserve(d.sessions.size());
  for (const PeerSession& r : d.sessions)
    n.sessions.push_back({to_int(r.customer_id), to_int(r.session_id), r.device_type,
                          r.referrer_type, r.start_time, r.end_time});
  n.attributions.reserve(d.attributions.size());
  for (const PeerAttribution& r : d.attributions)
    n.attributions.push_back({to_int(r.customer_id), to_int(r.order_id), optional_int(r.product_id),
                              r.attribution_type, r.attribution_value, r.created_at});
  return n;
}

/// Loads DIR/{interactions,sessions,attributions}.csv as gen.py writes them.
inline PeerData load_peer_data(const std::string& dir) {
  return parse_peer_tables(read_file(dir + "/interactions.csv"), read_file(dir + "/sessions.csv"),
                           read_file(dir + "/attributions.csv"));
}

namespace peer_detail {

/// 1 + floor(lognormal) with mean about `mean`, capped (gen.py's heavy_counts).
inline std::int64_t heavy_count(std::mt19937_64& rng, double mean, double sigma, std::int64_t cap) {
  const double mu = std::log(std::max(mean - 0.5, 0.5)) - sigma * sigma / 2;
  std::lognormal_distribution<double> d(mu, sigma);
  return std::min<std::int64_t>(cap, 1 + static_cast<std::int64_t>(std::floor(d(rng))));
}

/// A Zipf(a) draw folded into [0, size) (numpy's rejection sampler, as gen.py uses).
inline std::int64_t zipf_index(std::mt19937_64& rng, std::int64_t size, double a) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const double am1 = a - 1.0;
  const double b = std::pow(2.0, am1);
  for (;;) {
    const double u = 1.0 - u01(rng);
    const double v = u01(rng);
    const double x = std::floor(std::pow(u, -1.0 / am1));
    if (!(x >= 1.0 && x < 9.2e18)) continue;
    const double t = std::pow(1.0 + 1.0 / x, am1);
    if (v * x * (t - 1.0) / (b - 1.0) <= t / b) return (static_cast<std::int64_t>(x) - 1) % size;
  }
}

template <std::size_t N>
std::size_t pick(std::mt19937_64& rng, const std::array<double, N>& p) {
  std::discrete_distribution<std::size_t> d(p.begin(), p.end());
  return d(rng);
}

}  // namespace peer_detail

/// Generates `customers` customers with gen.py's shape (about 227 records each) as CSV text, then
/// parses it, so generated and loaded data are held alike.
inline PeerData generate_peer_data(std::int64_t customers, std::uint64_t seed = 1) {
  using namespace peer_detail;
  std::mt19937_64 rng(seed);
  constexpr std::array<std::string_view, 7> event_types{
      "page_viewed",           "product_viewed",   "collection_viewed", "search_submitted",
      "product_added_to_cart", "checkout_started", "checkout_completed"};
  constexpr std::array<double, 7> event_p{0.33, 0.30, 0.12, 0.10, 0.09, 0.035, 0.025};
  constexpr std::array<std::string_view, 3> devices{"mobile", "desktop", "tablet"};
  constexpr std::array<double, 3> device_p{0.55, 0.35, 0.10};
  constexpr std::array<std::string_view, 5> referrers{"direct", "search", "social", "email",
                                                      "paid"};
  constexpr std::array<double, 5> referrer_p{0.35, 0.30, 0.15, 0.10, 0.10};
  constexpr std::array<std::string_view, 5> attribution_types{"last_click", "first_click", "linear",
                                                              "organic", "direct"};
  constexpr std::array<double, 24> hour_p{1,   0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5,
                                          2.2, 2.6, 2.8, 3.0, 3.2, 3.1, 3.0, 3.0,
                                          3.2, 3.6, 4.2, 4.8, 5.0, 4.4, 3.2, 1.8};
  constexpr std::array<std::string_view, 10> words{"shoes", "red dress", "jacket", "phone case",
                                                   "mug",   "lamp",      "sofa",   "tent",
                                                   "watch", "socks"};
  constexpr std::int64_t t0 = 1'704'067'200;  // 2024-01-01T00:00:00Z
  constexpr std::int64_t products = 50'000;
  std::vector<std::int64_t> product_category(products + 1);
  std::uniform_int_distribution<std::int64_t> category(1, 500);
  for (auto& c : product_category) c = category(rng);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  std::exponential_distribution<double> gap(1.0 / 30.0);

  struct Event {
    std::int64_t ts, customer, session, product;
    std::size_t kind;
    std::int64_t query;
  };
  struct SessionOut {
    std::int64_t start, end, customer, session;
    std::size_t device, referrer;
  };
  std::vector<Event> events;
  std::vector<SessionOut> sessions;
  std::int64_t next_session = 0;
  for (std::int64_t c = 1; c <= customers; ++c) {
    const std::size_t pref_device = pick(rng, device_p);
    const std::size_t pref_hour = pick(rng, hour_p);
    const std::int64_t n_sessions = heavy_count(rng, 20.0, 1.0, 5000);
    for (std::int64_t k = 0; k < n_sessions; ++k) {
      const std::size_t device = u01(rng) < 0.7 ? pref_device : pick(rng, device_p);
      const std::size_t hour = u01(rng) < 0.4 ? pref_hour : pick(rng, hour_p);
      const std::int64_t day = std::uniform_int_distribution<std::int64_t>(0, 89)(rng);
      const std::int64_t start = t0 + day * 86400 + static_cast<std::int64_t>(hour) * 3600 +
                                 std::uniform_int_distribution<std::int64_t>(0, 3599)(rng);
      const std::size_t referrer = pick(rng, referrer_p);
      const std::int64_t n_events = heavy_count(rng, 10.0, 0.8, 2000);
      const std::int64_t session = next_session++;
      std::int64_t ts = start;
      for (std::int64_t e = 0; e < n_events; ++e) {
        if (e > 0) ts += static_cast<std::int64_t>(gap(rng));
        const std::size_t kind = e == 0 ? 0 : pick(rng, event_p);
        const std::int64_t product = zipf_index(rng, products, 1.1) + 1;
        const std::int64_t query = kind == 3 ? zipf_index(rng, 20'000, 1.05) : -1;
        events.push_back(Event{ts, c, session, product, kind, query});
      }
      sessions.push_back(SessionOut{start, ts, c, session, device, referrer});
    }
  }
  // Session ids do not encode the customer: a permutation, as in gen.py.
  std::vector<std::int64_t> session_ids(static_cast<std::size_t>(next_session));
  std::iota(session_ids.begin(), session_ids.end(), 1'000'000'000);
  std::shuffle(session_ids.begin(), session_ids.end(), rng);
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const SessionOut& a, const SessionOut& b) { return a.start < b.start; });

  std::string it = "customer_id,session_id,ts,event_type,product_id,category_id,search_query\n";
  it.reserve(events.size() * 80);
  for (const Event& e : events) {
    it += std::to_string(e.customer) + ',' +
          std::to_string(session_ids[static_cast<std::size_t>(e.session)]) + ',' +
          std::to_string(e.ts) + ',' + std::string(event_types[e.kind]) + ',' +
          std::to_string(e.product) + ',' +
          std::to_string(product_category[static_cast<std::size_t>(e.product)]) + ',';
    if (e.query >= 0)
      it += 'q' + std::to_string(e.query) + ' ' +
            std::string(words[static_cast<std::size_t>(e.query) % words.size()]);
    it += '\n';
  }
  events = {};
  std::string st = "customer_id,session_id,start_ts,end_ts,device_type,referrer_type\n";
  for (const SessionOut& s : sessions)
    st += std::to_string(s.customer) + ',' +
          std::to_string(session_ids[static_cast<std::size_t>(s.session)]) + ',' +
          std::to_string(s.start) + ',' + std::to_string(s.end) + ',' +
          std::string(devices[s.device]) + ',' + std::string(referrers[s.referrer]) + '\n';

  struct Line {
    std::int64_t ts, customer, order, product;
    double revenue;
    std::size_t type;
  };
  std::vector<Line> lines;
  std::int64_t next_order = 5'000'000'000;
  std::lognormal_distribution<double> revenue(std::log(25.0), 0.9);
  std::geometric_distribution<int> extra_lines(0.6);
  for (std::int64_t c = 1; c <= customers; ++c) {
    if (u01(rng) >= 0.5) continue;
    const std::int64_t orders = heavy_count(rng, 6.0, 1.0, 500);
    for (std::int64_t o = 0; o < orders; ++o) {
      const std::int64_t order = next_order++;
      const std::int64_t ts =
          t0 + std::uniform_int_distribution<std::int64_t>(0, 90 * 86400 - 1)(rng);
      const int n = 1 + extra_lines(rng) + (u01(rng) < 0.5 ? 1 : 0);
      for (int l = 0; l < n; ++l)
        lines.push_back(Line{ts + std::uniform_int_distribution<std::int64_t>(0, 4)(rng), c, order,
                             zipf_index(rng, products, 1.1) + 1,
                             std::round(revenue(rng) * 100.0) / 100.0,
                             std::uniform_int_distribution<std::size_t>(0, 4)(rng)});
    }
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const Line& a, const Line& b) { return a.ts < b.ts; });
  std::string at = "customer_id,order_id,ts,product_id,revenue,attribution_type\n";
  char money[32];
  for (const Line& l : lines) {
    const auto [end, ec] = std::to_chars(money, money + sizeof money, l.revenue);
    (void)ec;
    at += std::to_string(l.customer) + ',' + std::to_string(l.order) + ',' + std::to_string(l.ts) +
          ',' + std::to_string(l.product) + ',' + std::string(money, end) + ',' +
          std::string(attribution_types[l.type]) + '\n';
  }
  return parse_peer_tables(std::move(it), std::move(st), std::move(at));
}

}  // namespace cbf::bench
