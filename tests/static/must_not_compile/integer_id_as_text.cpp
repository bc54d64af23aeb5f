// expect: cbf::field::customer_id\(r\) views an id's text, and this record's customer_id is an integer
// Must not compile: an integer id has no text for cbf::field::NAME to view.
#include <cbf/cbf.hpp>

#include <cstdint>

struct Event {
  std::int64_t customer_id;
};

int main() { return static_cast<int>(cbf::field::customer_id(Event{42}).size()); }
