// Compile-time checks of the record concepts and the output's field lists.
#include <cbf/cbf.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

namespace {
struct NotARecord {
  int id;
};
struct OnlyCustomerId {
  std::string customer_id;
};
struct Renamed {
  std::string user;
};
struct UnreadableTags {  // an optional field of a type no text field reads
  std::string customer_id;
  int tags;
};
}  // namespace

template <>
struct cbf::record_traits<Renamed> {
  static constexpr auto fields = cbf::fields(cbf::field::customer_id = &Renamed::user);
};

static_assert(cbf::customer_record<cbf::Customer>);
static_assert(cbf::interaction_record<cbf::Interaction>);
static_assert(cbf::session_record<cbf::Session>);
static_assert(cbf::attribution_record<cbf::Attribution>);
static_assert(!cbf::interaction_record<cbf::Session>);  // no event_type
static_assert(!cbf::session_record<cbf::Interaction>);  // no start_time
static_assert(!cbf::customer_record<NotARecord>);
static_assert(cbf::customer_record<OnlyCustomerId>);
static_assert(!cbf::attribution_record<OnlyCustomerId>);
static_assert(cbf::customer_record<Renamed>);  // through its fields table
static_assert(
    !cbf::customer_record<UnreadableTags>);  // every field is checked, not only required ones
static_assert(cbf::has_tags<UnreadableTags>);

static_assert(cbf::record_range<std::vector<cbf::Interaction>>);
static_assert(cbf::record_range<std::vector<const cbf::Interaction*>>);
static_assert(std::is_same_v<cbf::record_of<std::vector<const cbf::Session*>>, cbf::Session>);

static_assert(std::tuple_size_v<std::remove_cv_t<decltype(cbf::feature_fields)>> == 30);
static_assert(std::get<0>(cbf::feature_fields).name == "total_purchases");
static_assert(std::get<13>(cbf::feature_fields).name == "category_exploration");
static_assert(std::get<29>(cbf::feature_fields).name == "churn_probability");
static_assert(std::tuple_size_v<std::remove_cv_t<decltype(cbf::record_count_fields)>> == 12);

TEST_CASE("the record concepts and field lists hold at compile time", "[static]") {
  SUCCEED("every check above is a static_assert");
}
