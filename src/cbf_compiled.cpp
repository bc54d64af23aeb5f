// The cbf_compiled library (target cbf::compiled): the engine every file of a header-only build
// compiles again (grouping, threads, the context's steps around the reading, the families, the
// models), compiled here once. Files that link cbf::compiled get CBF_COMPILED_LIB and see only
// its declarations; the code written for their own record types stays in their headers.
#define CBF_DETAIL_BUILDING_COMPILED_LIB
#include <cbf/cbf.hpp>
