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

/// The 128-bit product of a and b, folded to 64 bits: one multiplication mixes two words.
[[nodiscard, gnu::always_inline]] inline std::uint64_t fold_multiply(std::uint64_t a,
                                                                     std::uint64_t b) noexcept {
  __extension__ using Wide = unsigned __int128;
  const Wide product = static_cast<Wide>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

[[nodiscard, gnu::always_inline]] inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

[[nodiscard, gnu::always_inline]] inline std::uint64_t load32(const char* p) noexcept {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

/// True when n bytes at a and b are equal; inlined, since ids and labels are mostly short.
[[nodiscard, gnu::always_inline]] inline bool equal_bytes(const char* a, const char* b,
                                                          std::size_t n) noexcept {
  if (n < 4) {
    for (std::size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  if (n < 8) return ((load32(a) ^ load32(b)) | (load32(a + n - 4) ^ load32(b + n - 4))) == 0;
  if (n <= 16)  // two overlapping words cover every byte
    return ((load64(a) ^ load64(b)) | (load64(a + n - 8) ^ load64(b + n - 8))) == 0;
  if (n > 16 && n <= 32)
    return ((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8)) |
            (load64(a + n - 16) ^ load64(b + n - 16)) | (load64(a + n - 8) ^ load64(b + n - 8))) ==
           0;
  return std::memcmp(a, b, n) == 0;
}

/// Hashes bytes for in-memory tables only (it depends on byte order). Short texts, which ids and
/// labels are, take two overlapping loads that cover every byte and one multiplication, never
/// reading outside the text.
[[nodiscard, gnu::always_inline]] inline std::uint64_t hash_bytes(std::string_view s,
                                                                  std::uint64_t seed) noexcept {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642fULL;
  constexpr std::uint64_t k1 = 0xe7037ed1a0b428dbULL;
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = load64(p);
      b = load64(p + n - 8);
    } else if (n >= 4) {
      a = load32(p);
      b = load32(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
          static_cast<unsigned char>(p[n - 1]);
    }
  } else {
    std::size_t i = 0;
    for (; i + 16 < n; i += 16) seed = fold_multiply(load64(p + i) ^ k1, load64(p + i + 8) ^ seed);
    a = load64(p + n - 16);
    b = load64(p + n - 8);
  }
  return fold_multiply(k1 ^ n, fold_multiply(a ^ k1, b ^ seed ^ k0));
}

/// The hash of a (shop_id, customer_id) key for the key table.
[[nodiscard, gnu::always_inline]] inline std::uint64_t hash_key(
    std::string_view shop_id, std::string_view customer_id) noexcept {
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
