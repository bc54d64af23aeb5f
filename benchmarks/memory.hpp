// Heap use of the process, counted by replacing the global operator new and delete: the peak
// bytes allocated since the last reset. Include in exactly one translation unit of an executable.
#pragma once

#include <malloc.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace cbf::bench {

inline std::atomic<std::int64_t> heap_now{0};
inline std::atomic<std::int64_t> heap_peak{0};

/// Starts a new peak from the bytes allocated now; returns them.
inline std::int64_t reset_heap_peak() {
  const std::int64_t now = heap_now.load();
  heap_peak.store(now);
  return now;
}

/// Counts a block from malloc or aligned_alloc, throwing bad_alloc for null.
inline void* counted(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  const auto bytes = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t now = heap_now.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::int64_t peak = heap_peak.load(std::memory_order_relaxed);
  while (now > peak && !heap_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return p;
}

inline void* counted_alloc(std::size_t size) { return counted(std::malloc(size == 0 ? 1 : size)); }

/// counted_alloc aligned to `align` (a power of two).
inline void* counted_aligned_alloc(std::size_t size, std::align_val_t align) {
  const auto a = static_cast<std::size_t>(align);
  return counted(std::aligned_alloc(a, (size + a - 1) / a * a));  // a whole number of `align`
}

inline void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  heap_now.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace cbf::bench

void* operator new(std::size_t size) { return cbf::bench::counted_alloc(size); }
void* operator new[](std::size_t size) { return cbf::bench::counted_alloc(size); }
void operator delete(void* p) noexcept { cbf::bench::counted_free(p); }
void operator delete[](void* p) noexcept { cbf::bench::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { cbf::bench::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { cbf::bench::counted_free(p); }
void* operator new(std::size_t size, std::align_val_t align) {
  return cbf::bench::counted_aligned_alloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return cbf::bench::counted_aligned_alloc(size, align);
}
void operator delete(void* p, std::align_val_t) noexcept { cbf::bench::counted_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { cbf::bench::counted_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  cbf::bench::counted_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  cbf::bench::counted_free(p);
}
