# Warnings and sanitizers for the project's own targets (tests, examples, benchmarks), never for
# consumers of cbf::cbf.
add_library(cbf_project_options INTERFACE)
target_compile_options(cbf_project_options INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${CBF_WARNINGS_AS_ERRORS}>:-Werror>)
# GCC 12 (Debian 12's) warns -Wrestrict inside libstdc++'s std::string::_M_replace, reached from
# `"text" + std::string` and CLI11's help formatter, with impossible sizes ("9223372036854775810
# or more bytes"): a false positive, GCC bugs 105329 and 105651, fixed in GCC 13. Whether it
# fires depends on inlining decisions anywhere in a file, so one change in a header made it fire
# in tests and hosts that had not changed. It is off on the compilers that have the bug only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(cbf_project_options INTERFACE -Wno-restrict)
endif()
if(CBF_SANITIZERS)
  target_compile_options(cbf_project_options INTERFACE
    -fsanitize=${CBF_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(cbf_project_options INTERFACE -fsanitize=${CBF_SANITIZERS})
endif()
