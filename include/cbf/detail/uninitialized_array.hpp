// An array of trivial values that is not zeroed when made: for buffers whose every element is
// written before it is read (the batch's key ids and grouped record pointers), where zeroing
// tens of megabytes would be a serial pass before the parallel ones that write them.
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>

namespace cbf::detail {

template <class T>
class UninitializedArray {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>,
                "UninitializedArray holds trivial values only");

 public:
  UninitializedArray() = default;
  /// `size` elements of indeterminate value: write each before reading it.
  explicit UninitializedArray(std::size_t size)
      : data_(size > 0 ? new T[size] : nullptr), size_(size) {}  // default-initialised: not zeroed

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
  std::unique_ptr<T[]> data_;
  std::size_t size_ = 0;
};

}  // namespace cbf::detail
