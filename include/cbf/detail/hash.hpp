// Hashes of keys: a fast one for the batch's key table (not stable across platforms), and the
// stable FNV-1a that shards a batch (documented, so other engines can compute it too).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace cbf::detail {

/// A 64-bit finaliser (splitmix64's): every input bit moves every output bit.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Hashes bytes eight at a time; for in-memory tables only (it depends on byte order).
[[nodiscard]] inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(n) * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix64(h ^ w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = mix64(h ^ w ^ 0xff51afd7ed558ccdULL);
  }
  return h;
}

/// The hash of a (shop_id, customer_id) key for the key table.
[[nodiscard]] inline std::uint64_t hash_key(std::string_view shop_id,
                                            std::string_view customer_id) noexcept {
  return hash_bytes(customer_id, hash_bytes(shop_id, 0x243f6a8885a308d3ULL));
}

/// 64-bit FNV-1a of shop_id, one 0x00 byte, then customer_id: the stable hash of a key.
[[nodiscard]] constexpr std::uint64_t stable_key_hash(std::string_view shop_id,
                                                      std::string_view customer_id) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto eat = [&h](unsigned char c) { h = (h ^ c) * 0x100000001b3ULL; };
  for (const char c : shop_id) eat(static_cast<unsigned char>(c));
  eat(0);
  for (const char c : customer_id) eat(static_cast<unsigned char>(c));
  return h;
}

}  // namespace cbf::detail
