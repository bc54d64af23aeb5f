// Where the library's non-template engine is defined. Header-only (the default), every file that
// includes cbf defines it inline. With CBF_COMPILED_LIB (the cbf::compiled target sets it), files
// see only its declarations and the cbf_compiled library defines it once: a file that calls the
// library then compiles only the little code written for its own record types (docs/building.md).
#pragma once

#if defined(CBF_COMPILED_LIB) && !defined(CBF_DETAIL_BUILDING_COMPILED_LIB)
#define CBF_DETAIL_ENGINE_DEFINITIONS 0
#else
#define CBF_DETAIL_ENGINE_DEFINITIONS 1
#endif

#if defined(CBF_COMPILED_LIB)
#define CBF_DETAIL_ENGINE
#else
#define CBF_DETAIL_ENGINE inline
#endif
