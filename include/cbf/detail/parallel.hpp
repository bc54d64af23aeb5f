// Running a batch's workers: on threads of our own, or on the host's executor.
#pragma once

#include <cbf/detail/engine.hpp>

#include <cstddef>
#include <functional>

#if CBF_DETAIL_ENGINE_DEFINITIONS
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>
#endif

namespace cbf {

/// Runs `count` independent tasks, `task(i)` for each i in [0, count), and returns when all have
/// finished; tasks may run in any order, on any threads, one after another or at once.
using Executor =
    std::function<void(std::size_t count, const std::function<void(std::size_t)>& task)>;

/// The number of workers a `threads` option asks for: 0 means the hardware's concurrency.
[[nodiscard]] CBF_DETAIL_ENGINE std::size_t thread_count(unsigned threads) noexcept;
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE std::size_t thread_count(unsigned threads) noexcept {
  if (threads != 0) return threads;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}
#endif

namespace detail {

/// Runs task(0..count-1): on the executor when given, else on count-1 new threads and the caller.
/// The first exception a task throws is rethrown here once every task has returned.
CBF_DETAIL_ENGINE void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task,
                                 const Executor& executor);
#if CBF_DETAIL_ENGINE_DEFINITIONS
CBF_DETAIL_ENGINE void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task,
                                 const Executor& executor) {
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const std::function<void(std::size_t)> guarded = [&](std::size_t i) {
    try {
      task(i);
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  if (executor) {
    executor(count, guarded);
  } else if (count <= 1) {
    if (count == 1) guarded(0);
  } else {
    std::vector<std::thread> threads;
    threads.reserve(count - 1);
    std::size_t started = 1;  // tasks 1 .. started-1 run on threads of their own
    try {
      for (; started < count; ++started) threads.emplace_back(guarded, started);
    } catch (const std::system_error&) {
      // No more threads to be had: the caller runs the tasks left, after its own. A task may be
      // a fixed part of a pass (not a worker pulling work), so every one must run.
    }
    guarded(0);
    for (std::size_t i = started; i < count; ++i) guarded(i);
    for (auto& t : threads) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}
#endif

}  // namespace detail
}  // namespace cbf
