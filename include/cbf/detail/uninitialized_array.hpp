// An array of trivial values that is not zeroed when made: for buffers whose every element is
// written before it is read (the batch's key ids and grouped record pointers), where zeroing
// tens of megabytes would be a serial pass before the parallel ones that write them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace cbf::detail {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

/// Asks the system to back the whole 2 MiB pages within [p, p + bytes) with huge pages, before
/// they are first written: megabytes written once right after they are made fault once per
/// 2 MiB instead of once per 4 KiB. Only advice: nothing changes where the system has none.
inline void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const auto first = (reinterpret_cast<std::uintptr_t>(p) + huge_page_bytes - 1) / huge_page_bytes *
                     huge_page_bytes;
  const auto last =
      (reinterpret_cast<std::uintptr_t>(p) + bytes) / huge_page_bytes * huge_page_bytes;
  if (first < last) (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

template <class T>
class UninitializedArray {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>,
                "UninitializedArray holds trivial values only");

 public:
  UninitializedArray() = default;
  /// `size` elements of indeterminate value: write each before reading it.
  explicit UninitializedArray(std::size_t size)
      : data_(allocate(size), Free{huge(size)}), size_(size) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] T* data() noexcept { return data_.get(); }
  [[nodiscard]] const T* data() const noexcept { return data_.get(); }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] T* begin() noexcept { return data(); }
  [[nodiscard]] T* end() noexcept { return data() + size_; }
  [[nodiscard]] const T* begin() const noexcept { return data(); }
  [[nodiscard]] const T* end() const noexcept { return data() + size_; }

 private:
  /// Whether an array of `size` elements is made on huge pages: from 4 MiB.
  [[nodiscard]] static constexpr bool huge(std::size_t size) noexcept {
    return size * sizeof(T) >= 2 * huge_page_bytes;
  }

  /// Returns memory to the operator new that made it (aligned to a huge page or not).
  struct Free {
    bool huge = false;
    void operator()(T* p) const noexcept {
      if (huge)
        ::operator delete (p, std::align_val_t{huge_page_bytes});
      else
        ::operator delete(p);
    }
  };

  /// Memory for `size` elements, not zeroed, from the global operator new, so a host that
  /// replaces it counts this memory too. Arrays of megabytes sit on huge pages where the system
  /// has them: a first write then faults once per 2 MiB instead of once per 4 KiB, and the batch
  /// writes each such array once, right after making it.
  [[nodiscard]] static T* allocate(std::size_t size) {
    if (size == 0) return nullptr;
    if (size > std::size_t(-1) / sizeof(T) - huge_page_bytes) throw std::bad_alloc();
    const std::size_t bytes = size * sizeof(T);
    if (!huge(size)) return static_cast<T*>(::operator new(bytes));
    // A whole number of huge pages, so the advice covers the last one too.
    const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
    void* p = ::operator new (rounded, std::align_val_t{huge_page_bytes});
    advise_huge_pages(p, rounded);
    return static_cast<T*>(p);
  }

  std::unique_ptr<T[], Free> data_;
  std::size_t size_ = 0;
};

}  // namespace cbf::detail
