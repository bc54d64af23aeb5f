// UninitializedArray: any size, every element writable and kept; arrays of megabytes start on a
// 2 MiB boundary, so the huge-page advice covers their first page.
#include <catch2/catch.hpp>
#include <cbf/detail/uninitialized_array.hpp>

#include "../counting_heap.hpp"

#include <cstddef>
#include <cstdint>
#include <new>

namespace {

template <class T>
void write_and_read_back(std::size_t size) {
  cbf::detail::UninitializedArray<T> array(size);
  REQUIRE(array.size() == size);
  for (std::size_t i = 0; i < size; ++i) array[i] = static_cast<T>(i * 7 + 1);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < size; ++i) wrong += array[i] != static_cast<T>(i * 7 + 1);
  CHECK(wrong == 0);
  CHECK(array.end() - array.begin() == static_cast<std::ptrdiff_t>(size));
}

}  // namespace

TEST_CASE("an uninitialized array of any size keeps what is written to it", "[detail]") {
  write_and_read_back<std::uint32_t>(1);
  write_and_read_back<std::uint32_t>(1000);
  // Past 4 MiB: the huge-page path, a size that is not a whole number of huge pages.
  write_and_read_back<std::uint32_t>((std::size_t{5} << 20) / 4 + 3);
  write_and_read_back<std::uint64_t>((std::size_t{9} << 20) / 8 + 1);
}

TEST_CASE("an empty uninitialized array holds nothing", "[detail]") {
  const cbf::detail::UninitializedArray<std::uint32_t> empty(0);
  CHECK(empty.size() == 0);
  CHECK(empty.data() == nullptr);
  const cbf::detail::UninitializedArray<std::uint32_t> made;
  CHECK(made.size() == 0);
}

TEST_CASE("an uninitialized array of megabytes starts on a huge page boundary", "[detail]") {
  const cbf::detail::UninitializedArray<std::uint64_t> large(std::size_t{1} << 20);  // 8 MiB
  CHECK(reinterpret_cast<std::uintptr_t>(large.data()) % (std::uintptr_t{2} << 20) == 0);
}

TEST_CASE("an uninitialized array too large to count in bytes throws bad_alloc", "[detail]") {
  CHECK_THROWS_AS(cbf::detail::UninitializedArray<std::uint64_t>(std::size_t(-1) / 4),
                  std::bad_alloc);
}

TEST_CASE("an uninitialized array takes its memory from the global operator new", "[detail]") {
  // A host that replaces operator new to bound or count its heap sees the batch's arrays too.
#if !CBF_TEST_COUNTS_HEAP
  WARN("skipped: ThreadSanitizer owns operator new, so allocations are not counted");
#else
  for (const std::size_t bytes : {std::size_t{4096}, std::size_t{6} << 20}) {
    INFO("bytes " << bytes);
    const std::int64_t before = heap::now.load();
    const std::int64_t blocks = heap::allocations.load();
    {
      const cbf::detail::UninitializedArray<std::uint64_t> array(bytes / 8);
      CHECK(heap::allocations.load() == blocks + 1);
      CHECK(heap::now.load() - before >= static_cast<std::int64_t>(bytes));
    }
    CHECK(heap::now.load() == before);
  }
#endif
}
