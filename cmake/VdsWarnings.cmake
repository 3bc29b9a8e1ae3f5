# Project warnings: zero with -Wall -Wextra is the rule. Third-party headers
# (LibTorch, Qt) come in as SYSTEM includes through their imported targets.
option(VDS_WERROR "Treat warnings as errors" OFF)
function(vds_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Winvalid-pch)
    if(VDS_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
