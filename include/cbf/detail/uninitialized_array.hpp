// An array of trivial values that is not zeroed when made: for buffers whose every element is
// written before it is read (the batch's key ids and grouped record pointers), where zeroing
// tens of megabytes would be a serial pass before the parallel ones that write them.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace cbf::detail {

template <class T>
class UninitializedArray {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>,
                "UninitializedArray holds trivial values only");

 public:
  UninitializedArray() = default;
  /// `size` elements of indeterminate value: write each before reading it.
  explicit UninitializedArray(std::size_t size) : data_(allocate(size)), size_(size) {}

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
  struct Free {
    void operator()(T* p) const noexcept { std::free(p); }
  };

  /// Memory for `size` elements, not zeroed. Arrays of megabytes sit on huge pages where the
  /// system has them: a first write then faults once per 2 MiB instead of once per 4 KiB, and
  /// the batch writes each such array once, right after making it.
  [[nodiscard]] static T* allocate(std::size_t size) {
    if (size == 0) return nullptr;
    if (size > std::size_t(-1) / sizeof(T)) throw std::bad_alloc();
    const std::size_t bytes = size * sizeof(T);
    constexpr std::size_t huge_page = std::size_t{2} << 20;
    void* p = nullptr;
    if (bytes >= 2 * huge_page) {
      p = std::aligned_alloc(huge_page, (bytes + huge_page - 1) / huge_page * huge_page);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
      if (p != nullptr) (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    } else {
      p = std::malloc(bytes);
    }
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  std::unique_ptr<T[], Free> data_;
  std::size_t size_ = 0;
};

}  // namespace cbf::detail
