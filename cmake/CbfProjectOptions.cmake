# Warnings and sanitizers for the project's own targets (tests, examples, benchmarks), never for
# consumers of cbf::cbf.
add_library(cbf_project_options INTERFACE)
target_compile_options(cbf_project_options INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${CBF_WARNINGS_AS_ERRORS}>:-Werror>)
if(CBF_SANITIZERS)
  target_compile_options(cbf_project_options INTERFACE
    -fsanitize=${CBF_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(cbf_project_options INTERFACE -fsanitize=${CBF_SANITIZERS})
endif()
