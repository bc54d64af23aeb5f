// A counting replacement of the global operator new and delete, for tests that bound the heap or
// count allocations. Include it in exactly one file of a test program (it defines the operators).
#pragma once

#include <malloc.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace heap {

inline std::atomic<std::int64_t> now{0};
inline std::atomic<std::int64_t> peak{0};
inline std::atomic<std::int64_t> allocations{0};  ///< blocks allocated so far

/// Starts a new peak from the bytes allocated now; returns them.
inline std::int64_t reset_peak() {
  const std::int64_t n = now.load();
  peak.store(n);
  return n;
}

/// Counts a block from malloc or aligned_alloc; null stays null.
inline void* count(void* p) noexcept {
  if (p == nullptr) return p;
  allocations.fetch_add(1, std::memory_order_relaxed);
  const auto bytes = static_cast<std::int64_t>(malloc_usable_size(p));
  const std::int64_t n = now.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  std::int64_t p_old = peak.load(std::memory_order_relaxed);
  while (n > p_old && !peak.compare_exchange_weak(p_old, n, std::memory_order_relaxed)) {
  }
  return p;
}

inline void* try_allocate(std::size_t size) noexcept {
  return count(std::malloc(size == 0 ? 1 : size));
}

inline void* try_allocate(std::size_t size, std::align_val_t align) noexcept {
  const auto a = static_cast<std::size_t>(align);
  return count(std::aligned_alloc(a, (size + a - 1) / a * a));  // a multiple of the alignment
}

template <class... Args>
void* allocate(Args... args) {
  void* p = try_allocate(args...);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

inline void release(void* p) noexcept {
  if (p == nullptr) return;
  now.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace heap

// ThreadSanitizer's runtime defines operator new and delete itself (statically, so a second
// definition does not link): under it the heap is not counted and the ceiling test is skipped.
#if defined(__SANITIZE_THREAD__)
#define CBF_TEST_COUNTS_HEAP 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CBF_TEST_COUNTS_HEAP 0
#endif
#endif
#ifndef CBF_TEST_COUNTS_HEAP
#define CBF_TEST_COUNTS_HEAP 1
#endif

#if CBF_TEST_COUNTS_HEAP
// Every replaceable form, so that no block is allocated by one allocator and freed by another
// (std::stable_sort's buffer comes from the nothrow form; a sanitizer replaces the forms left out).
void* operator new(std::size_t size) { return heap::allocate(size); }
void* operator new[](std::size_t size) { return heap::allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return heap::try_allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return heap::try_allocate(size);
}
void* operator new(std::size_t size, std::align_val_t align) { return heap::allocate(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) {
  return heap::allocate(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return heap::try_allocate(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return heap::try_allocate(size, align);
}
void operator delete(void* p) noexcept { heap::release(p); }
void operator delete[](void* p) noexcept { heap::release(p); }
void operator delete(void* p, std::size_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::size_t) noexcept { heap::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { heap::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { heap::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { heap::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { heap::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { heap::release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::release(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  heap::release(p);
}
#endif
